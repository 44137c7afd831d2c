"""The deployments `regtrack run` serves, with their schedules (Asia/Shanghai wall-clock time).

prefect.yaml declares the same deployments for Prefect workers (see docs/SCALING.md); keep the
two in step. Run this module to serve them from one process: `python -m flows.deployments`, or
to register them on a work pool for workers: `python -m flows.deployments --work-pool regtrack`.
"""

from __future__ import annotations

import sys

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.backfill import backfill_flow, ingest_compilations
from flows.crashes import HEARTBEAT_ENV, TAG, ensure_crash_detection
from flows.digests import send_digests
from flows.maintenance import reingest
from flows.poll import poll_and_ingest
from regtrack.settings import PROJECT_ROOT

TIMEZONE = "Asia/Shanghai"
# Monthly compilations appear in the first days of a month: poll fully on the 5th at 09:00.
MONTHLY_POLL = "0 9 5 * *"
DAILY_LIGHT_POLL = "30 8 * * *"
DIGESTS = {"daily": "0 8 * * *", "weekly": "0 8 * * 1", "monthly": "0 8 1 * *"}
FIRST_INGEST = "poll-and-ingest/monthly"
MANUAL_REINGEST = "reingest/manual"
# What every deployment on a work pool adds (prefect.yaml's pool definition): heartbeats, so that a
# dead worker's runs are marked Crashed (flows/crashes.py). `serve` takes no job variables: the
# runs it serves get the same variable from `regtrack run`'s environment (flows/local.py).
POOL_JOB_VARIABLES = {"env": HEARTBEAT_ENV}


def deployments() -> list[RunnerDeployment]:
    # _sync=True: to_deployment is "async-dispatched" and returns a coroutine in any thread where
    # an event loop looks active (after aiosmtpd or an ASGI test client ran in the same process).
    tags = [TAG]
    found = [
        poll_and_ingest.to_deployment(
            "monthly",
            schedules=[Cron(MONTHLY_POLL, timezone=TIMEZONE)],
            parameters={"kinds": None, "digest_frequency": "immediate"},
            description="Poll every source, ingest new compilations, relink, diff, send immediate digests.",
            tags=tags,
            _sync=True,
            concurrency_limit=1,
        ),
        poll_and_ingest.to_deployment(
            "daily-light",
            schedules=[Cron(DAILY_LIGHT_POLL, timezone=TIMEZONE)],
            parameters={"kinds": ["feed", "page"], "digest_frequency": "immediate"},
            description="Conditional GET of feeds and listing pages only; cheap when nothing changed.",
            tags=tags,
            _sync=True,
            concurrency_limit=1,
        ),
        reingest.to_deployment(
            "manual",
            description="Re-parse stored compilations with the current code: compilation_ids or all_compilations.",
            tags=tags,
            _sync=True,
        ),
    ]
    found += [
        send_digests.to_deployment(
            frequency,
            schedules=[Cron(cron, timezone=TIMEZONE)],
            parameters={"frequency": frequency},
            description=f"Send the {frequency} digests that are due.",
            tags=tags,
            _sync=True,
        )
        for frequency, cron in DIGESTS.items()
    ]
    found += [
        backfill_flow.to_deployment(
            "fan-out",
            description="Ingest many compilations (files, folders, URLs, sources' listings) as one run "
            "each over the work pool, then relink, diff and send digests once.",
            tags=tags,
            _sync=True,
            concurrency_limit=1,  # two backfills would hold the slots their own ingest runs wait for
        ),
        ingest_compilations.to_deployment(
            "backfill",
            description="Ingest one batch of a backfill's compilations (started by backfill/fan-out).",
            tags=tags,
            _sync=True,
        ),
    ]
    return found


def apply_to_pool(work_pool: str) -> list[str]:
    """Register the deployments on a work pool for Prefect workers, as `prefect deploy --all` would.

    A worker runs them from this checkout's absolute path (process pools on machines that share
    the layout, or an image with the repository at the same place).
    """
    found = deployments()
    ensure_crash_detection()
    for d in found:
        d.job_variables = {**d.job_variables, **POOL_JOB_VARIABLES, "working_dir": str(PROJECT_ROOT)}
    return [f"{d.flow_name}/{d.name}: {d.apply(work_pool_name=work_pool, _sync=True)}" for d in found]


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--work-pool"] and len(args) == 2:
        print("\n".join(apply_to_pool(args[1])))
        return
    if args:
        raise SystemExit("usage: python -m flows.deployments [--work-pool NAME]")
    # Two flow runs at once at most: the machine's cores, and SQLite takes one writer at a time.
    serve(*deployments(), limit=2)


if __name__ == "__main__":
    main()
