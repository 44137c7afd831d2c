"""A backfill over real Prefect workers, one of them killed mid-run, on one PostgreSQL.

The Prefect server `regtrack run` starts, a process work pool, the deployments `prefect deploy
--all` makes from prefect.yaml, three `prefect worker start` processes: what docs/SCALING.md tells
an operator to run. 24 compilations (the five samples and 19 real texts of the corpus) go through
`regtrack backfill FOLDER --parallel 4` with PREFECT_API_URL set, which starts `backfill/fan-out`
and follows it. While ingest runs are in flight, one worker that is not running the fan-out
is killed with SIGKILL together with its flow runs, as when a machine is lost. Its runs stop
sending heartbeats, the server marks them Crashed, the fan-out starts them again on the
surviving workers; then it relinks, stores diffs and sends digests once.

The end state must be what a serial ingest of the same files stores (documents, statuses,
versions, relations, compilations), every compilation stored once, and each subscriber must get
one digest.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows.backfill import INGEST_BATCH, child_runs
from regtrack.services import backfill, digests
from regtrack.settings import load_settings
from storage.db import make_engine, transaction, upgrade
from storage.models import Compilation
from tests.conftest import SAMPLES, new_pg_database
from tests.support.net import wait_until
from tests.support.reliability import finish, regtrack_process
from tests.support.smtp import serve_smtp
from tests.support.snapshot import difference, snapshot
from tests.support.workers import prefect_cluster

pytestmark = [pytest.mark.postgres, pytest.mark.prefect]

CORPUS = Path(__file__).parents[1] / "corpus" / "texts"
SUBSCRIBERS = ("ops@example.org", "policy@example.org")
SECRET = "workers-test-secret"


def asyncpg(url: str) -> str:
    """The Prefect server's own database on PostgreSQL: it talks to it through asyncpg."""
    return url.replace("postgresql+psycopg://", "postgresql+asyncpg://", 1)


def _compilations(dest: Path) -> list[Path]:
    """24 compilation files in one folder: the samples, and corpus texts renamed to .txt."""
    dest.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, dest / sample.name)
    for text in sorted(CORPUS.glob("h*.md"))[:19]:
        shutil.copy(text, dest / f"{text.stem}.txt")
    return sorted(dest.iterdir())


def _fan_out_run(cluster) -> str | None:  # type: ignore[no-untyped-def]
    """The id of the backfill's fan-out run, once the CLI started it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: cluster.api_url}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["backfill"])))
    return str(runs[0].id) if runs else None


def _running_child_worker(cluster, parent_id: str) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """A worker running one of the backfill's ingest runs and not the fan-out itself, with that run."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: cluster.api_url}), get_client(sync_client=True) as client:
        parent = client.read_flow_run(parent_id)
        children = child_runs(client, parent_id)
    if not parent.infrastructure_pid:
        return None
    spared = cluster.worker_of(int(parent.infrastructure_pid))
    for child in children:
        if child.state and child.state.is_running() and child.infrastructure_pid:
            worker = cluster.worker_of(int(child.infrastructure_pid))
            if worker and worker != spared:
                return worker, str(child.id)
    return None


def _ended(cluster, flow_run_id: str) -> bool:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: cluster.api_url}), get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run_id).state
    return state is not None and state.is_final()


def _kill_a_worker_mid_run(cluster, fan_out: str) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL a worker while one of its ingest runs is running. A run can end between the look
    and the kill; then the kill proved nothing and the next worker with a running run goes too."""
    for _ in range(2):
        victim, run_id = wait_until(
            lambda: _running_child_worker(cluster, fan_out), 240, f"a running {INGEST_BATCH} run", every=0.5
        )
        cluster.kill_worker(victim)
        if not _ended(cluster, run_id):
            return
    raise AssertionError("each killed worker's run had ended before the kill")


def test_a_backfill_survives_a_killed_worker_and_stores_what_a_serial_ingest_stores(pg_database, tmp_path):
    files = _compilations(tmp_path / "compilations")
    assert len(files) == 24
    with (
        new_pg_database("regtrack_workers") as url,
        new_pg_database("regtrack_serial") as serial_url,
        new_pg_database("regtrack_prefect") as prefect_url,
        serve_smtp() as mailbox,
        prefect_cluster(tmp_path / "prefect", asyncpg(prefect_url)) as cluster,
    ):
        settings = dataclasses.replace(
            load_settings(), database_url=url, smtp_url=mailbox.url, secret_key=SECRET
        )
        engine = make_engine(url)
        upgrade(engine)
        for address in SUBSCRIBERS:
            digests.confirm(
                engine, settings, digests.subscribe(engine, settings, address, {}, "immediate").token
            )
        confirmations = {a: len(mailbox.to(a)) for a in SUBSCRIBERS}

        env = {"REGTRACK_DATABASE_URL": url, "REGTRACK_SMTP_URL": mailbox.url, "REGTRACK_SECRET_KEY": SECRET}
        for name in ("w1", "w2", "w3"):
            cluster.start_worker(name, limit=2, **env)
        # what an operator types, on a machine with PREFECT_API_URL set
        command = regtrack_process(
            ["--db", url, "backfill", str(tmp_path / "compilations"), "--parallel", "4", "--json"],
            tmp_path / "var",
            PREFECT_API_URL=cluster.api_url,
            **env,
        )
        fan_out = wait_until(lambda: _fan_out_run(cluster), 120, "the backfill/fan-out run", every=0.5)
        _kill_a_worker_mid_run(cluster, fan_out)
        code, stdout, stderr = finish(command, 600)

        assert code == 0, stderr
        done = json.loads(stdout)
        assert (done["state"], done["failed"], done["completed"]) == ("Completed", [], 24), done
        assert done["crashed_runs_started_again"] >= 1, (
            "the killed worker's run was not marked Crashed and run again"
        )
        with transaction(engine) as session:
            stored = session.execute(select(Compilation.status, func.count()).group_by(Compilation.status))
            assert dict(stored.all()) == {"ingested": 24}

        serial = make_engine(serial_url)
        upgrade(serial)
        serial_settings = dataclasses.replace(settings, database_url=serial_url, smtp_url=None)
        locations = backfill.expand(serial, serial_settings, [str(tmp_path / "compilations")])
        backfill.run_here(serial, serial_settings, locations, None)
        parallel, expected = snapshot(engine), snapshot(serial)
        parallel.pop("events"), expected.pop("events")  # history: when each was first stated differs
        assert parallel == expected, difference(parallel, expected)
        serial.dispose()

        for address, before in confirmations.items():
            assert len(mailbox.to(address)) == before + 1, address
        engine.dispose()
