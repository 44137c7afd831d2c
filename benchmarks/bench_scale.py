"""Benchmark ingest throughput as a PostgreSQL database grows through a synthetic year.

The year is ``benchmarks.synthetic.documents(SCALE)``: 100,000 documents in 001's shape stating
about two relations each (cites, repeals, replaces, amends, plus edition edges). Running all of
them through the pipeline would take about half an hour here, so the database is grown in two
ways (see ``benchmarks.year``): at each checkpoint (0, 10 %, 50 % and 100 % of the year)
``INGESTS`` compilations of 84 documents go through the real pipeline (``ingest_bytes``: decode,
parse, store, link, diff, events) and are timed; between checkpoints the documents are written as
the rows the pipeline would store, without parsing. Throughput is docs/s of those real ingests
(median, min–max); "flat" means the figure at 100 % is at least ``FLAT`` of the figure at 10 %.

``REGTRACK_BENCH_SCALE`` sets the size of the year (default 100000; e.g. 20000 for a quick run).
Run alone with ``uv run python -m benchmarks.bench_scale``; ``make bench`` collects ``run()``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text

from benchmarks.common import print_table
from benchmarks.synthetic import PER_COMPILATION, SynDoc, documents
from benchmarks.year import YearDatabase, scratch_database
from linking.model import EDITION
from regtrack.settings import load_settings
from storage.db import make_engine
from storage.models import Relation

SCALE = int(os.environ.get("REGTRACK_BENCH_SCALE", "100000"))
CHECKPOINTS = (0.0, 0.1, 0.5, 1.0)
INGESTS = 5  # compilations through the pipeline at each checkpoint
FLAT = 0.8


def _counts(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            "documents": conn.execute(text("SELECT count(*) FROM documents")).scalar_one(),
            "placeholders": conn.execute(
                text("SELECT count(*) FROM documents WHERE placeholder")
            ).scalar_one(),
            "relations": conn.execute(text("SELECT count(*) FROM relations")).scalar_one(),
            "change_events": conn.execute(text("SELECT count(*) FROM change_events")).scalar_one(),
        }


def _bulk_check(year: YearDatabase, docs: Sequence[SynDoc]) -> dict[str, dict[str, int]]:
    """Relations by kind the pipeline stored for ``docs`` (just ingested), beside what bulk rows
    would hold for them: is the database grown without parsing like one grown by the pipeline?"""
    ids = [year.ids[d.index] for d in docs]
    with year.engine.connect() as conn:
        stmt = select(Relation.kind, func.count()).where(
            Relation.source_id.in_(ids), Relation.kind != EDITION
        )
        pipeline = dict(conn.execute(stmt.group_by(Relation.kind)).tuples().all())
    bulk = Counter(kind for d in docs for kind, _ in year.stated(d))
    return {"pipeline": pipeline, "bulk": dict(bulk)}


def _checkpoint(year: YearDatabase) -> dict[str, Any]:
    cpu = time.process_time()
    runs = year.ingest(INGESTS)
    cpu = time.process_time() - cpu
    rates = [r["documents"] / r["seconds"] for r in runs]
    mb = [r["bytes"] / 1e6 / r["seconds"] for r in runs]
    return {
        "docs_per_s": statistics.median(rates),
        "min": min(rates),
        "max": max(rates),
        "mb_per_s": statistics.median(mb),
        "cpu_s_per_compilation": cpu / len(runs),
        "seconds": [round(r["seconds"], 3) for r in runs],
        "load_average": os.getloadavg()[0],
    }


def run() -> dict[str, Any]:
    started = time.perf_counter()
    extra = len(CHECKPOINTS) * INGESTS * PER_COMPILATION
    docs = documents(SCALE + extra)
    figures: dict[str, Any] = {"scale": SCALE, "checkpoints": {}}
    with scratch_database("postgresql") as url:
        engine = make_engine(url)
        try:
            year = YearDatabase(engine, docs, load_settings())
            bulk = 0.0
            for share in CHECKPOINTS:
                bulk += year.grow(max(year.size, int(SCALE * share)))
                stored = year.size
                figures["checkpoints"][str(stored)] = _checkpoint(year)
            figures["bulk_vs_pipeline"] = _bulk_check(year, docs[stored : year.size])
            figures["bulk_rows_s"] = round(bulk, 1)
            figures["database"] = _counts(engine)
        finally:
            engine.dispose()
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["table"] = _table(figures)
    return figures


def _table(figures: dict[str, Any]) -> list[list[Any]]:
    points = figures["checkpoints"]
    rows = []
    for stored, f in points.items():
        rows.append([
            f"ingest at {int(stored):,} documents: docs/s median (min–max)",
            f"{f['docs_per_s']:.0f} ({f['min']:.0f}–{f['max']:.0f}); {f['mb_per_s']:.2f} MB/s; "
            f"cpu {f['cpu_s_per_compilation']:.2f} s/compilation",
            "", "",
        ])  # fmt: skip
    sizes = list(points)
    tenth, last = points[sizes[1]], points[sizes[-1]]
    ratio = last["docs_per_s"] / tenth["docs_per_s"]
    rows.append([
        f"docs/s at {int(sizes[-1]):,} ÷ at {int(sizes[1]):,}", f"×{ratio:.2f}",
        f"≥ {FLAT} (flat)", "✓" if ratio >= FLAT else "✗",
    ])  # fmt: skip
    db = figures["database"]
    rows.append([
        "database at the end",
        f"{db['documents']:,} documents ({db['placeholders']:,} placeholders), {db['relations']:,} relations, "
        f"{db['change_events']:,} events",
        "", "",
    ])  # fmt: skip
    check = figures["bulk_vs_pipeline"]
    kinds = sorted(set(check["pipeline"]) | set(check["bulk"]))
    rows.append([
        f"relations stated by the last {INGESTS * PER_COMPILATION} documents: pipeline / as bulk rows",
        ", ".join(f"{k} {check['pipeline'].get(k, 0)}/{check['bulk'].get(k, 0)}" for k in kinds),
        "", "",
    ])  # fmt: skip
    rows.append(
        [
            "bulk rows written / whole benchmark",
            f"{figures['bulk_rows_s']} s / {figures['total_s']} s",
            "",
            "",
        ]
    )
    return rows


if __name__ == "__main__":
    print_table("bench_scale", run())
