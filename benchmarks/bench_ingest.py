"""Benchmark one ingest of sample 001 (650 KB, 84 documents): decode → parse → store → link → diff.

Each run is ``regtrack.services.ingest.ingest_bytes`` into a fresh, migrated, empty database (a copy of
a template), on SQLite and PostgreSQL in the same process, so the two are compared as a ratio.
Reported: median wall time with min–max and stdev over ``REPEATS`` runs after a warm-up, the
process CPU time (the machine is shared: wall time includes waiting for other work), MB/s, the
share of the time spent in each stage (one profiled run), and the peak Python heap of one run
(tracemalloc). Target from issue 10: < 2 s and ≥ 1 MB/s on both databases.

Run alone with ``uv run python -m benchmarks.bench_ingest``; ``make bench`` collects ``run()``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import peak_memory_mb, print_table
from benchmarks.year import database_name, scratch_database
from ingest.decode import decode
from ingest.parse import parse_text
from regtrack.services import diffs
from regtrack.services.ingest import ingest_bytes
from regtrack.services.linking import link
from regtrack.settings import PROJECT_ROOT, load_settings
from storage.db import make_engine

SAMPLE = next((PROJECT_ROOT / "data" / "samples").glob("001_*.txt"))
REPEATS = 5
TARGET_SECONDS = 2.0
TARGET_MB_S = 1.0
BACKENDS = ("sqlite", "postgresql")


def _ingest_once(template: str, backend: str, data: bytes) -> tuple[float, float, int]:
    """(wall s, cpu s, documents added) of one ingest into a fresh copy of the template."""
    with scratch_database(backend, template=template) as url:
        engine = make_engine(url)
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            outcome = ingest_bytes(engine, data, SAMPLE.name, load_settings())
            return time.perf_counter() - wall, time.process_time() - cpu, outcome.documents_added
        finally:
            engine.dispose()


def _stages(template: str, backend: str, data: bytes) -> dict[str, float]:
    """Seconds spent in decode, parse, linking and diffing during one ingest (the rest: storing)."""
    spent: dict[str, float] = {}

    def clocked(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    import regtrack.services.ingest as pipeline

    patched = {
        (pipeline, "decode"): decode,
        (pipeline, "parse_text"): parse_text,
        (link, "link_documents"): link.link_documents,
        (diffs, "diffs_for_relations"): diffs.diffs_for_relations,
    }
    names = {
        "decode": "decode",
        "parse_text": "parse",
        "link_documents": "link",
        "diffs_for_relations": "diff",
    }
    for (module, attr), fn in patched.items():
        setattr(module, attr, clocked(names[attr], fn))
    try:
        total = _ingest_once(template, backend, data)[0]
    finally:
        for (module, attr), fn in patched.items():
            setattr(module, attr, fn)
    spent["store and the rest"] = total - sum(spent.values())
    return {name: round(seconds, 3) for name, seconds in spent.items()}


def measure(backend: str, data: bytes) -> dict[str, Any]:
    with scratch_database(backend) as template_url:
        template = database_name(template_url)
        _ingest_once(template, backend, data)  # warm-up: imports, caches, connections
        runs = [_ingest_once(template, backend, data) for _ in range(REPEATS)]
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        return {
            "documents": runs[0][2],
            "median_s": statistics.median(walls),
            "min_s": min(walls),
            "max_s": max(walls),
            "stdev_s": statistics.stdev(walls),
            "cpu_median_s": statistics.median(cpus),
            "mb_per_s": len(data) / 1e6 / statistics.median(walls),
            "stages_s": _stages(template, backend, data),
            "peak_heap_mb": round(peak_memory_mb(lambda: _ingest_once(template, backend, data)), 1),
            "runs": REPEATS,
        }


def run() -> dict[str, Any]:
    data = SAMPLE.read_bytes()
    figures: dict[str, Any] = {"input_bytes": len(data), "load_average_before": os.getloadavg()[0]}
    for backend in BACKENDS:
        figures[backend] = measure(backend, data)
    figures["load_average_after"] = os.getloadavg()[0]
    table = []
    for backend in BACKENDS:
        f = figures[backend]
        ok = f["median_s"] < TARGET_SECONDS
        table.append([
            f"001 ({len(data) / 1e3:.0f} KB, {f['documents']} docs) {backend}: median (min–max, sd)",
            f"{f['median_s']:.2f} s ({f['min_s']:.2f}–{f['max_s']:.2f}, {f['stdev_s']:.2f}); cpu {f['cpu_median_s']:.2f} s",
            f"< {TARGET_SECONDS:.0f} s", "✓" if ok else "✗",
        ])  # fmt: skip
        table.append([
            f"001 {backend}: throughput", f"{f['mb_per_s']:.2f} MB/s",
            f"≥ {TARGET_MB_S:.0f} MB/s", "✓" if f["mb_per_s"] >= TARGET_MB_S else "✗",
        ])  # fmt: skip
        stages = ", ".join(f"{k} {v:.2f}" for k, v in f["stages_s"].items())
        table.append([f"001 {backend}: stages (s, one run)", stages, "", ""])
        table.append([f"001 {backend}: peak Python heap", f"{f['peak_heap_mb']} MB", "reported", ""])
    ratio = figures["postgresql"]["median_s"] / figures["sqlite"]["median_s"]
    table.append(["001: PostgreSQL / SQLite median", f"×{ratio:.2f}", "", ""])
    figures["table"] = table
    return figures


if __name__ == "__main__":
    print_table("bench_ingest", run())
