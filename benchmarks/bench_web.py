"""Web pages under load: document, chain and diff pages at 50 concurrent connections.

`regtrack serve --workers 2` (one worker per core, as deployed on this 2-core machine) serves a
database holding the five samples plus a second version of 003, so a stored diff exists; once on
SQLite, once on PostgreSQL. wrk
(C, from Debian's packages; `make bench` installs it) keeps 50 connections busy from one thread
on the same two cores, and reports latency percentiles through a Lua ``done`` hook.

The document and chain loads rotate through every real document, so each page is rendered once
(a cache miss) and then served from the page cache (web/cache.py) until the data changes. The
alternative measured in the same run is the same server with the cache off
(REGTRACK_PAGE_CACHE_MB=0): every request renders. Each figure is the median of ``RUNS`` wrk
runs, with the spread; before them, one warm-up run per page. A single-request render time
(sequential, cache off) shows what a miss costs.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from benchmarks.common import free_port
from benchmarks.year import scratch_database
from regtrack.services import ingest
from regtrack.settings import PROJECT_ROOT, load_settings
from storage.db import make_engine, transaction
from storage.models import Document, VersionDiff

CONCURRENCY = 50
WORKERS = 2
RUNS = 3
SECONDS = 5
BACKENDS = ("sqlite", "postgresql")
P95_TARGET_MS = 50.0
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _prepare(url: str) -> dict[str, list[str]]:
    """Ingest the samples into the empty database at ``url``; returns the paths to load per page kind."""
    engine = make_engine(url)
    settings = load_settings().with_database(url)
    samples = sorted((PROJECT_ROOT / "data" / "samples").glob("00*.txt"))
    for path in samples:
        ingest.ingest_bytes(engine, path.read_bytes(), path.name, settings)
    single = samples[3].read_text(encoding="utf-8")
    ingest.ingest_bytes(engine, single.replace("2025年", "2026年", 1).encode(), "003-amended.txt", settings)
    with transaction(engine) as session:
        ids = session.scalars(select(Document.id).where(Document.placeholder.is_(False))).all()
        diff = session.scalar(select(func.max(VersionDiff.id)))
    engine.dispose()
    assert diff is not None, "the amended copy of 003 stored no diff"
    return {
        "document": [f"/documents/{i}" for i in ids],
        "chain": [f"/documents/{i}/chain" for i in ids],
        "diff": [f"/diffs/{diff}"],
    }


@contextmanager
def _server(database_url: str, folder: Path, cache_mb: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "REGTRACK_VAR_DIR": str(folder), "REGTRACK_PAGE_CACHE_MB": str(cache_mb)}
    command = [str(Path(sys.executable).with_name("regtrack")), "--db", database_url, "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
    server = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"regtrack serve exited with {server.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("regtrack serve did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wrk(base: str, paths: list[str], seconds: int, folder: Path) -> dict[str, float]:
    script = folder / "rotate.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    command = ["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, worst, errors = (int(v) for v in line.split()[1:])
    return {
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": worst / 1000,
        "requests_per_s": requests / (duration_us / 1e6),
        "errors": errors,
    }


def _single_ms(base: str, paths: list[str]) -> float:
    """Median time of one request at a time (nothing else in flight)."""
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in paths[:30]:
            start = time.perf_counter()
            client.get(path).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _load(base: str, pages: dict[str, list[str]], folder: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, paths in pages.items():
        _wrk(base, paths, 2, folder)  # warm-up: imports, connections, and (when on) the cache
        runs = [_wrk(base, paths, SECONDS, folder) for _ in range(RUNS)]
        p95s = [r["p95_ms"] for r in runs]
        figures[name] = {
            "pages": len(paths),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p95_ms": statistics.median(p95s),
            "p95_min_ms": min(p95s),
            "p95_max_ms": max(p95s),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "requests_per_s": statistics.median(r["requests_per_s"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
        }
    return figures


def _backend(backend: str, folder: Path) -> dict[str, Any]:
    with scratch_database(backend) as database_url:
        pages = _prepare(database_url)
        with _server(database_url, folder, cache_mb=0) as base:
            single = {name: _single_ms(base, paths) for name, paths in pages.items()}
            uncached = _load(base, pages, folder)
        with _server(database_url, folder, cache_mb=64) as base:
            cached = _load(base, pages, folder)
    return {"cached": cached, "uncached": uncached, "single_request_ms": single}


def _rows(backend: str, figures: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for name, c in figures["cached"].items():
        u, single = figures["uncached"][name], figures["single_request_ms"][name]
        ok = c["p95_ms"] < P95_TARGET_MS and c["errors"] == 0
        spread = f"{c['p95_min_ms']:.1f}–{c['p95_max_ms']:.1f}"
        rows.append([
            f"{name} page ({c['pages']} URLs) on {backend}, 50 connections: p50 / p95 (spread) / p99",
            f"{c['p50_ms']:.1f} / {c['p95_ms']:.1f} ({spread}) / {c['p99_ms']:.1f} ms; {c['requests_per_s']:.0f} req/s",
            f"p95 < {P95_TARGET_MS:.0f} ms", "✓" if ok else "✗",
        ])  # fmt: skip
        rows.append([
            f"{name} page on {backend}, cache off: p50 / p95 / p99; p95 ÷ cache on",
            f"{u['p50_ms']:.1f} / {u['p95_ms']:.1f} / {u['p99_ms']:.1f} ms; {u['requests_per_s']:.0f} req/s; "
            f"×{u['p95_ms'] / c['p95_ms']:.1f}",
            "", "",
        ])  # fmt: skip
        rows.append([f"{name} page on {backend}: one request alone, rendered", f"{single:.1f} ms", "", ""])
    return rows


def run() -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: `apt-get install wrk` (make bench does it)")
    with tempfile.TemporaryDirectory(prefix="bench_web_") as tmp:
        figures = {backend: _backend(backend, Path(tmp)) for backend in BACKENDS}
    return {
        "load_average_after": os.getloadavg()[0],  # other work on the machine skews p95
        "workers": WORKERS,
        "concurrency": CONCURRENCY,
        "runs": RUNS,
        "seconds_per_run": SECONDS,
        **figures,
        "table": [row for backend, f in figures.items() for row in _rows(backend, f)],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
