"""Benchmark the ledger read queries on a synthetic year: ``chain``, ``status --as-of``, ``impact``.

Each database (SQLite and PostgreSQL, measured in the same run and compared as a ratio) holds
``benchmarks.synthetic.documents(SCALE)`` written as bulk rows (see ``benchmarks.year``: the rows
the pipeline would store) and then sample 001 ingested through the pipeline, so the headline
chain (卫办应急发〔2010〕183号 → 国卫医急发〔2024〕11号) is among the documents asked about.

A query is what the CLI command does after parsing its arguments: a read transaction, the
document found by its reference, then the read model — ``views.chain_view`` for ``chain``,
``statuses_on`` of the document for ``status --as-of`` (``show`` and ``documents`` print it),
``views.impact_rows`` for ``impact``. Documents are drawn (seeded) from those the query is about
(chains: documents with replaces/amends/repeals/version relations; impact: cited documents) and
from all documents; dates from 2015 to 2025. Reported: p50, p95 and max over ``QUERIES`` queries
after ``WARMUP``. Target from issue 10: p95 < 20 ms.

``REGTRACK_BENCH_SCALE`` sets the number of documents (default 100000).
Run alone with ``uv run python -m benchmarks.bench_queries``; ``make bench`` collects ``run()``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine, func, select

from benchmarks.common import percentile, print_table
from benchmarks.synthetic import documents
from benchmarks.year import YearDatabase, scratch_database
from linking.model import CHAIN_KINDS
from regtrack.services import views
from regtrack.services.ingest import ingest_bytes
from regtrack.services.linking.status import statuses_on
from regtrack.settings import PROJECT_ROOT, load_settings
from storage.db import make_engine, transaction
from storage.documents import DocumentFilter, find_document
from storage.errors import NotFound
from storage.models import Document, Relation

SCALE = int(os.environ.get("REGTRACK_BENCH_SCALE", "100000"))
QUERIES = 300
WARMUP = 30
TARGET_P95_MS = 20.0
BACKENDS = ("sqlite", "postgresql")
HEADLINE = "卫办应急发[2010]183号"
SAMPLE = next((PROJECT_ROOT / "data" / "samples").glob("001_*.txt"))

Query = Callable[[Any, str, dt.date], object]


def _chain(session: Any, ref: str, day: dt.date) -> object:
    return views.chain_view(session, find_document(session, ref), day)


def _status(session: Any, ref: str, day: dt.date) -> object:
    doc = find_document(session, ref)
    return statuses_on(session, [doc], day)[doc.id]


def _impact(session: Any, ref: str, day: dt.date) -> object:
    return views.impact_rows(session, find_document(session, ref), day)


def _page(session: Any, ref: str, day: dt.date) -> object:
    """``documents --as-of`` one page at a time (the web's list): 50 documents with their status."""
    offset = int(ref) % SCALE if ref.isdigit() else 0
    return views.document_rows(session, DocumentFilter(limit=50, offset=offset), day)


QUERY_KINDS: dict[str, tuple[Query, tuple[str, ...] | None]] = {
    "chain": (_chain, CHAIN_KINDS),
    "status --as-of": (_status, None),
    "impact": (_impact, ("cites",)),
    "documents --as-of, a page of 50": (_page, None),
}


def _refs(engine: Engine, kinds: tuple[str, ...] | None, rng: random.Random) -> list[str]:
    """Half the references drawn from the documents the query is about (each as likely as any
    other, however often it is cited), half from all documents."""
    with transaction(engine) as session:
        top = session.scalar(select(func.max(Document.id))) or 1
        about: list[int] = []
        if kinds:
            about = sorted(
                session.scalars(select(Relation.target_id).where(Relation.kind.in_(kinds)).distinct())
            )
    refs = [str(rng.choice(about)) if about and i % 2 else str(rng.randint(1, top)) for i in range(QUERIES)]
    return [HEADLINE, *refs]


def _most_cited(engine: Engine, day: dt.date) -> dict[str, Any]:
    """``impact`` of the document cited most (a national law): the largest answer there is."""
    with transaction(engine) as session:
        target, citations = session.execute(
            select(Relation.target_id, func.count())
            .where(Relation.kind == "cites")
            .group_by(Relation.target_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    runs, rows = [], 0
    for _ in range(5):
        start = time.perf_counter()
        with transaction(engine) as session:
            rows = len(_impact(session, str(target), day))  # type: ignore[arg-type]
        runs.append((time.perf_counter() - start) * 1000)
    return {"citations": citations, "rows": rows, "median_ms": round(sorted(runs)[2], 1)}


def _time(engine: Engine, query: Query, refs: list[str], rng: random.Random) -> dict[str, float]:
    def once(ref: str) -> float:
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
        start = time.perf_counter()
        with transaction(engine) as session, suppress(NotFound):  # an id merging removed: still a lookup
            query(session, ref, day)
        return (time.perf_counter() - start) * 1000

    for ref in refs[:WARMUP]:
        once(ref)
    ms = [once(ref) for ref in refs]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
        "queries": len(ms),
    }


def measure(backend: str, docs: list[Any]) -> dict[str, Any]:
    with scratch_database(backend) as url:
        engine = make_engine(url)
        try:
            start = time.perf_counter()
            YearDatabase(engine, docs, load_settings()).grow(len(docs))
            ingest_bytes(engine, SAMPLE.read_bytes(), SAMPLE.name, load_settings())
            figures: dict[str, Any] = {"build_s": round(time.perf_counter() - start, 1)}
            print(f"  {backend}: built in {figures['build_s']} s", flush=True)
            for name, (query, kinds) in QUERY_KINDS.items():
                rng = random.Random(name)
                figures[name] = _time(engine, query, _refs(engine, kinds, rng), rng)
                print(f"  {backend} {name}: {figures[name]}", flush=True)
            figures["impact of the most cited"] = _most_cited(engine, dt.date(2024, 12, 31))
            return figures
        finally:
            engine.dispose()


def run() -> dict[str, Any]:
    docs = documents(SCALE)
    figures: dict[str, Any] = {"scale": SCALE, "load_average_before": os.getloadavg()[0]}
    for backend in BACKENDS:
        figures[backend] = measure(backend, docs)
    figures["load_average_after"] = os.getloadavg()[0]
    table = []
    for name in QUERY_KINDS:
        targeted = name != QUERY_KINDS_EXTRA
        for backend in BACKENDS:
            f = figures[backend][name]
            ok = f["p95_ms"] < TARGET_P95_MS
            table.append([
                f"{name} on {SCALE:,} documents, {backend}: p50 / p95 / max",
                f"{f['p50_ms']:.1f} / {f['p95_ms']:.1f} / {f['max_ms']:.1f} ms",
                f"p95 < {TARGET_P95_MS:.0f} ms" if targeted else "", ("✓" if ok else "✗") if targeted else "",
            ])  # fmt: skip
        ratio = figures["postgresql"][name]["p95_ms"] / figures["sqlite"][name]["p95_ms"]
        table.append([f"{name}: p95 PostgreSQL / SQLite", f"×{ratio:.2f}", "", ""])
    for backend in BACKENDS:
        f = figures[backend]["impact of the most cited"]
        table.append([
            f"impact of the most cited document ({f['citations']:,} citations), {backend}",
            f"{f['median_ms']:.0f} ms for {f['rows']:,} rows", "", "",
        ])  # fmt: skip
    builds = ", ".join(f"{b} {figures[b]['build_s']} s" for b in BACKENDS)
    table.append(["database built (bulk rows + sample 001)", builds, "", ""])
    figures["table"] = table
    return figures


QUERY_KINDS_EXTRA = "documents --as-of, a page of 50"  # reported, not one of the targets


if __name__ == "__main__":
    print_table("bench_queries", run())
