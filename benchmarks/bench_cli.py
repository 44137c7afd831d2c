"""Benchmark CLI start-up: each read command, in a fresh interpreter, against a bare import.

The baseline is ``python -c "import sqlalchemy.orm, typer"``: what any command of a typer CLI over
SQLAlchemy pays. Every command runs against a small database (sample 003 ingested), with bytecode
cached (a warm-up run first). Interleaved runs, so a phase of the machine affects all alike.
Target from issue 18: every read command and ``--help`` within 1.6× the bare import.

Run alone with ``uv run python -m benchmarks.bench_cli``; ``make bench`` collects ``run()``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import print_table
from regtrack.settings import PROJECT_ROOT

SAMPLE = next((PROJECT_ROOT / "data" / "samples").glob("003_*.txt"))
REPEATS = 7
TARGET_RATIO = 1.6
COMMANDS = {
    "--help": ["--help"],
    "documents": ["documents", "--json"],
    "show": ["show", "1", "--json"],
    "chain": ["chain", "1", "--json"],
    "relations": ["relations", "--json"],
    "impact": ["impact", "--json"],
    "diff (stored)": ["diff", "1", "1", "--json"],
}
BARE = [sys.executable, "-c", "import sqlalchemy.orm, typer"]


def _seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'regtrack.db'}"
        cli = [sys.executable, "-m", "regtrack.cli.main", "--db", url]
        subprocess.run([*cli, "ingest", str(SAMPLE)], check=True, capture_output=True)
        argvs = {"bare import": BARE, **{name: [*cli, *args] for name, args in COMMANDS.items()}}
        times: dict[str, list[float]] = {name: [] for name in argvs}
        for argv in argvs.values():
            _seconds(argv)  # warm-up: bytecode written, files in the page cache
        for _ in range(REPEATS):
            for name, argv in argvs.items():
                times[name].append(_seconds(argv))
    bare = statistics.median(times["bare import"])
    figures: dict[str, object] = {}
    rows = []
    for name, runs in times.items():
        median = statistics.median(runs)
        ratio = median / bare
        figures[name] = {"median_s": median, "min_s": min(runs), "max_s": max(runs), "ratio": ratio}
        ok = name == "bare import" or ratio <= TARGET_RATIO
        rows.append([
            f"{name}: median (min–max), × bare import",
            f"{median:.2f} s ({min(runs):.2f}–{max(runs):.2f}) ×{ratio:.2f}",
            "baseline" if name == "bare import" else f"≤ ×{TARGET_RATIO}",
            "" if name == "bare import" else ("✓" if ok else "✗"),
        ])  # fmt: skip
    figures["table"] = rows
    return figures


if __name__ == "__main__":
    print_table("bench_cli", run())
