"""Web pages under load: document, chain and diff pages at 50 concurrent connections.

uvicorn (one worker) serves the app in a subprocess on 127.0.0.1 over a SQLite database holding
the five samples (plus a second version of 003, so a stored diff exists); an httpx async
client keeps 50 requests in flight and records each latency.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from benchmarks.common import percentile
from regtrack import pipeline
from regtrack.settings import PROJECT_ROOT, load_settings
from storage.db import make_engine, transaction, upgrade
from storage.models import Article, Document, DocumentVersion, Relation, VersionDiff

CONCURRENCY = 50
WORKERS = 1  # one uvicorn worker: the client shares the same 2 cores
REQUESTS_PER_PAGE = 400
WARMUP = 20
P95_TARGET_MS = 1000.0  # a page within a second for the 95th user of 50 at once, on 2 shared cores


def _prepare(folder: Path) -> tuple[str, dict[str, str]]:
    """Ingest the samples; returns the database URL and the page paths to load."""
    url = f"sqlite:///{folder / 'regtrack.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = load_settings().with_database(url)
    samples = sorted((PROJECT_ROOT / "data" / "samples").glob("00*.txt"))
    for path in samples:
        pipeline.ingest_bytes(engine, path.read_bytes(), path.name, settings)
    single = samples[3].read_text(encoding="utf-8")
    pipeline.ingest_bytes(engine, single.replace("2025年", "2026年", 1).encode(), "003-amended.txt", settings)
    with transaction(engine) as session:
        paths = {"document": f"/documents/{_largest_document(session)}"}
        linked = session.scalar(select(Relation.source_id).where(Relation.kind == "repeals").limit(1))
        paths["chain"] = f"/documents/{linked or _largest_document(session)}/chain"
        stored = session.scalar(select(func.max(VersionDiff.id)))
        if stored:
            paths["diff"] = f"/diffs/{stored}"
        else:  # no stored diff in this version of the pipeline: compare two versions' documents
            doc = session.scalar(select(DocumentVersion.document_id).where(DocumentVersion.version_no == 2))
            paths["diff"] = f"/diff?old={doc}&new={doc}"
    engine.dispose()
    return url, paths


def _largest_document(session: Any) -> int:
    """The document with the most articles: the heaviest ordinary document page."""
    row = session.execute(
        select(DocumentVersion.document_id, func.count(Article.id).label("n"))
        .join(Article, Article.version_id == DocumentVersion.id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .group_by(DocumentVersion.document_id)
        .order_by(func.count(Article.id).desc())
        .limit(1)
    ).first()
    return int(row[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(database_url: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REGTRACK_DATABASE_URL": database_url, "REGTRACK_VAR_DIR": str(folder)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    command += ["--workers", str(WORKERS)]
    server = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        time.sleep(0.1)
    server.terminate()
    raise RuntimeError("uvicorn did not answer /healthz within 30 s")


async def _load(base: str, path: str, total: int) -> dict[str, Any]:
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        for _ in range(WARMUP):
            (await client.get(path)).raise_for_status()

        async def worker() -> None:
            nonlocal failures
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - start)
                failures += response.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return {
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
        "requests_per_s": round(len(ms) / elapsed, 1),
        "failures": failures,
    }


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_web_") as tmp:
        folder = Path(tmp)
        database_url, paths = _prepare(folder)
        port = _free_port()
        server = _start_server(database_url, folder, port)
        try:
            figures = {
                name: {
                    "path": path,
                    **asyncio.run(_load(f"http://127.0.0.1:{port}", path, REQUESTS_PER_PAGE)),
                }
                for name, path in paths.items()
            }
        finally:
            server.terminate()
            server.wait(timeout=10)
    table = []
    for name, f in figures.items():
        ok = f["p95_ms"] <= P95_TARGET_MS and f["failures"] == 0
        table.append([f"{name} p50 (ms)", f["p50_ms"], "", ""])
        table.append([f"{name} p95 (ms)", f["p95_ms"], f"≤ {P95_TARGET_MS:.0f}", "✓" if ok else "✗"])
        table.append([f"{name} requests/s", f["requests_per_s"], "", ""])
    return {
        "load_average_after": os.getloadavg()[0],  # other work on the machine skews p95
        "workers": WORKERS,
        "concurrency": CONCURRENCY,
        "requests_per_page": REQUESTS_PER_PAGE,
        "pages": figures,
        "table": table,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
