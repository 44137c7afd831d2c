"""`regtrack backfill` over Prefect workers: start the fan-out deployment and follow it."""

from __future__ import annotations

import time

import httpx
import typer

from regtrack.cli.output import err, out, print_json, progress
from regtrack.errors import UsageError

POLL_S = 2.0
MAX_MISSES = 15  # polls in a row the server may miss (30 s) before we stop following


def over_prefect(
    api_url: str,
    locations: list[str],
    parallel: int,
    batch: int,
    digest_frequency: str | None,
    *,
    wait: bool,
    as_json: bool,
) -> None:
    """Start `backfill/fan-out` for these locations; unless told not to, show its progress until
    it ends. Exit 1 when a compilation failed or the run did not complete."""
    from flows.backfill import BACKFILL, follow  # prefect loads only for a backfill over workers
    from flows.trigger import start_deployment

    parameters = {
        "locations": locations,
        "parallel": parallel,
        "batch": batch,
        "digest_frequency": digest_frequency,
    }
    run = start_deployment(api_url, BACKFILL, parameters)
    if not wait:
        data = {
            "deployment": BACKFILL,
            "flow_run_id": run.id,
            "flow_run_name": run.name,
            "ui_url": run.ui_url,
        }
        print_json(data) if as_json else out.print(
            f"Prefect flow run {run.name} of {BACKFILL} started: {run.ui_url}"
        )
        return
    if not as_json:
        err.print(f"{BACKFILL}: flow run {run.name} ({run.ui_url})", markup=False)
    with progress() as bar:
        task = bar.add_task("backfill over workers", total=len(locations))
        misses = 0
        while True:
            try:
                now = follow(api_url, run.id)
                misses = 0
            except httpx.HTTPError as exc:  # a blip of the server: the run goes on without us
                misses += 1
                if misses > MAX_MISSES:
                    raise UsageError(
                        f"lost the Prefect server ({type(exc).__name__}); the backfill goes on: {run.ui_url}"
                    ) from exc
                time.sleep(POLL_S)
                continue
            bar.update(task, completed=now.completed)
            if now.final:
                break
            time.sleep(POLL_S)
    summary = {
        "flow_run_id": run.id,
        "state": now.state,
        "compilations": len(locations),
        "completed": now.completed,
        "crashed_runs_started_again": now.crashed,
        "failed": now.failed,
        "ui_url": run.ui_url,
    }
    if as_json:
        print_json(summary)
    else:
        out.print(
            f"backfill {now.state}: {now.completed} of {len(locations)} compilations ingested or unchanged, "
            f"{now.crashed} crashed run(s) started again, {len(now.failed)} failed",
            markup=False,
        )
    for line in now.failed:
        err.print(f"error: {line}", markup=False)
    if now.failed or now.state != "Completed":
        raise typer.Exit(1)
