"""Benchmark a backfill over 1, 2 and 3 real Prefect workers on one PostgreSQL.

The same 24 compilations as tests/flows/test_flows_workers.py (the five samples and 19 corpus
texts) go through `backfill/fan-out` on the deployments of prefect.yaml, each time into a fresh
database, with N `prefect worker start --limit 3` processes and ``parallel`` = 2N ingest runs in
flight, each run ingesting one compilation (the default) or a batch of 4. Reported per setting:
compilations per minute (wall time from starting the run to its end,
relink/diffs/digests included), the median time an ingest run took from its start to its end
(process start, imports and ingest), the median wait before a worker picked it up, and the final
pass. The in-process serial backfill (`regtrack backfill --local`) of the same files is the
baseline. All workers share this machine's cores: past two, more workers add contention, not
cores (docs/SCALING.md).

Run alone with ``uv run python -m benchmarks.bench_backfill``; ``make bench`` collects ``run()``.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import print_table
from flows.backfill import BACKFILL, child_runs, follow
from flows.trigger import start_deployment
from regtrack.services import backfill
from regtrack.settings import load_settings
from storage.db import make_engine, upgrade
from tests.conftest import new_pg_database
from tests.flows.test_flows_workers import _compilations, asyncpg
from tests.support.workers import prefect_cluster

SETTINGS = ((1, 1), (2, 1), (3, 1), (1, 4), (2, 4))  # (workers, compilations per run)
LIMIT = 3  # flow runs per worker: the fan-out takes one slot of one worker


def _serial(locations: list[str]) -> float:
    with new_pg_database("regtrack_bench_serial") as url:
        engine = make_engine(url)
        upgrade(engine)
        settings = dataclasses.replace(load_settings(), database_url=url)
        start = time.perf_counter()
        backfill.run_here(engine, settings, locations, None)
        seconds = time.perf_counter() - start
        engine.dispose()
    return seconds


def _child_times(api_url: str, parent_id: str) -> tuple[list[float], list[float], float]:
    """Per ingest run: seconds from start to end and from scheduled to start; the last end."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        runs = child_runs(client, parent_id)
    took = [(r.end_time - r.start_time).total_seconds() for r in runs if r.start_time and r.end_time]
    waited = [
        (r.start_time - r.expected_start_time).total_seconds()
        for r in runs
        if r.start_time and r.expected_start_time
    ]
    last = max(r.end_time.timestamp() for r in runs if r.end_time)
    return took, waited, last


def _over_workers(cluster: Any, locations: list[str], workers: int, batch: int) -> dict[str, float]:
    with new_pg_database("regtrack_bench_backfill") as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        for i in range(workers):
            cluster.start_worker(f"bench{workers}x{batch}-{i}", limit=LIMIT, REGTRACK_DATABASE_URL=url)
        try:
            start = time.time()
            run = start_deployment(
                cluster.api_url,
                BACKFILL,
                {"locations": locations, "parallel": 2 * workers, "batch": batch, "digest_frequency": None},
            )
            while not (now := follow(cluster.api_url, run.id)).final:
                time.sleep(1)
            wall = time.time() - start
            assert (now.state, now.completed) == ("Completed", len(locations)), now
            took, waited, last = _child_times(cluster.api_url, run.id)
        finally:
            cluster.stop_workers()
    return {
        "seconds": round(wall, 1),
        "per_minute": round(len(locations) / wall * 60, 1),
        "ingest_run_median_s": round(statistics.median(took), 1),
        "wait_median_s": round(statistics.median(waited), 1),
        "final_pass_s": round(start + wall - last, 1),
    }


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        files = _compilations(Path(tmp) / "compilations")
        locations = [str(f) for f in files]
        serial = _serial(locations)
        figures: dict[str, object] = {
            "compilations": len(locations),
            "serial_in_process_s": round(serial, 1),
            "serial_per_minute": round(len(locations) / serial * 60, 1),
        }
        with (
            new_pg_database("regtrack_bench_prefect") as prefect_url,
            prefect_cluster(Path(tmp) / "prefect", asyncpg(prefect_url)) as cluster,
        ):
            for n, batch in SETTINGS:
                figures[f"workers_{n}_batch_{batch}"] = _over_workers(cluster, locations, n, batch)
    table: list[list[object]] = [
        ["compilations", len(locations), "", ""],
        ["serial, in process (per minute)", f"{figures['serial_per_minute']}", "", ""],
    ]
    for n, batch in SETTINGS:
        f = figures[f"workers_{n}_batch_{batch}"]
        assert isinstance(f, dict)
        table.append(
            [
                f"{n} worker(s), {batch} per run: per minute (s total; run median; wait median; final pass)",
                f"{f['per_minute']} ({f['seconds']} s; {f['ingest_run_median_s']} s; "
                f"{f['wait_median_s']} s; {f['final_pass_s']} s)",
                "",
                "",
            ]
        )
    figures["table"] = table
    return figures


if __name__ == "__main__":
    print_table("backfill over Prefect workers", run())
