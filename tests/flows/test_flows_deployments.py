"""The deployments `regtrack run` serves and the ones prefect.yaml declares for workers agree:
same names, entrypoints, parameters and cron schedules in Asia/Shanghai (no Prefect server)."""

from __future__ import annotations

import inspect
import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import yaml  # noqa: E402

from flows.backfill import BACKFILL, INGEST_BATCH  # noqa: E402
from flows.deployments import FIRST_INGEST, MANUAL_REINGEST, POOL_JOB_VARIABLES, TIMEZONE, deployments  # noqa: E402
from regtrack.settings import PROJECT_ROOT  # noqa: E402


def _declared() -> dict[tuple[str, str], dict]:
    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert config["pull"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $REGTRACK_HOME }}"}}
    ]
    found = {}
    for d in config["deployments"]:
        path, function = d["entrypoint"].split(":")
        assert (PROJECT_ROOT / path).is_file(), d["entrypoint"]
        found[(function, d["name"])] = d
    return found


def test_served_and_declared_deployments_are_the_same():
    declared = _declared()
    served = {(d.entrypoint.split(":")[1], d.name): d for d in deployments()}
    assert served.keys() == declared.keys()
    for key, d in served.items():
        spec = declared[key]
        assert d.entrypoint == spec["entrypoint"], key
        assert (d.parameters or {}) == (spec["parameters"] or {}), key
        crons = [(s.schedule.cron, s.schedule.timezone) for s in d.schedules or []]
        assert crons == [(s["cron"], s["timezone"]) for s in spec["schedules"]], key
        assert d.concurrency_limit == spec.get("concurrency_limit"), key
        assert spec["work_pool"]["name"] == "regtrack"
        assert not d.job_variables, key  # `serve` (regtrack run) refuses job variables
        assert spec["work_pool"].get("job_variables") == POOL_JOB_VARIABLES, key


def test_every_schedule_is_in_shanghai_time_and_parameters_fit_the_flows():
    names = set()
    for d in deployments():
        names.add(f"{d.flow_name}/{d.name}")
        assert all(s.schedule.timezone == TIMEZONE == "Asia/Shanghai" for s in d.schedules or [])
        flow_function = _flow_of(d.entrypoint)
        assert set(d.parameters or {}) <= set(inspect.signature(flow_function).parameters), d.name
    assert {FIRST_INGEST, MANUAL_REINGEST} <= names
    assert {
        "send-digests/daily",
        "send-digests/weekly",
        "send-digests/monthly",
        "poll-and-ingest/daily-light",
        BACKFILL,
        INGEST_BATCH,
    } <= names


def _flow_of(entrypoint: str):
    import importlib

    path, function = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, function).fn
