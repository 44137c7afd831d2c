"""`make bench`: run every benchmarks/bench_*.py, print one table, write results/latest.json.

``python -m benchmarks digest cli`` runs the benchmarks whose names contain those words and
replaces only their figures in results/latest.json (each result says when it was measured)."""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent


def machine() -> dict[str, object]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        mem_gb = round(int(first[1]) / 1024 / 1024, 1)
    info: dict[str, object] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        import sqlite3

        info["sqlite"] = sqlite3.sqlite_version
        import psycopg

        with psycopg.connect(
            os.environ.get("REGTRACK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"), connect_timeout=3
        ) as conn:
            info["postgresql"] = conn.execute("show server_version").fetchone()[0]  # type: ignore[index]
    except Exception as exc:  # the machine description is best effort; the figures still count
        info["postgresql"] = f"unavailable ({type(exc).__name__})"
    return info


def _flat_rows(figures: dict[str, object], prefix: str = "") -> list[list[object]]:
    """Rows for a benchmark that returned plain figures instead of a "table"."""
    rows: list[list[object]] = []
    for key, value in figures.items():
        if isinstance(value, dict):
            rows.extend(_flat_rows(value, f"{prefix}{key}."))
        elif isinstance(value, int | float | str):
            shown = f"{value:.4g}" if isinstance(value, float) else value
            rows.append([f"{prefix}{key}", shown, "", ""])
    return rows


def main(only: list[str]) -> int:
    console = Console()
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    results: dict[str, object] = {}
    table = Table(title="regtrack benchmarks")
    for col in ("benchmark", "figure", "value", "target", "ok"):
        table.add_column(col)
    failed = 0
    for name in names:
        console.print(f"[bold]running {name}…[/]")
        try:
            figures = importlib.import_module(f"benchmarks.{name}").run()
        except Exception:  # one broken benchmark must not hide the others' figures
            failed += 1
            results[name] = {"error": traceback.format_exc(limit=3)}
            table.add_row(name, "error", "see results", "", "✗")
            continue
        results[name] = figures
        for row in figures.get("table") or _flat_rows(figures):
            table.add_row(name, *(str(v) for v in row))
    console.print(table)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    for figures in results.values():
        if isinstance(figures, dict):
            figures["measured"] = when
    target = HERE / "results" / "latest.json"
    target.parent.mkdir(exist_ok=True)  # not in a fresh clone: git keeps no empty folders
    if only and target.exists():  # a partial run replaces its own benchmarks' figures only
        results = {**json.loads(target.read_text()).get("results", {}), **results}
    out = {"when": when, "machine": machine(), "results": results}
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    console.print(f"figures written to {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
