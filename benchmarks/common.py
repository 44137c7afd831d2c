"""Helpers every benchmark uses: repeated timing with median and spread, peak memory, a free
port on loopback, and printing a benchmark's table when it is run alone."""

from __future__ import annotations

import socket
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], *, repeat: int = 5, warmup: int = 1) -> dict[str, float]:
    """Median, min, max and stdev (seconds) of ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return {
        "median_s": statistics.median(runs),
        "min_s": min(runs),
        "max_s": max(runs),
        "stdev_s": statistics.stdev(runs) if len(runs) > 1 else 0.0,
        "runs": len(runs),
    }


def peak_memory_mb(fn: Callable[[], Any]) -> float:
    """Peak Python heap allocated while ``fn`` runs (tracemalloc), in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now (for a server the benchmark starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def print_table(name: str, results: dict[str, Any]) -> None:
    """A benchmark's ``table`` rows (figure, value, target, ok), as ``make bench`` shows them."""
    from rich.console import Console
    from rich.table import Table

    shown = Table(title=name)
    for column in ("figure", "value", "target", "ok"):
        shown.add_column(column)
    for row in results["table"]:
        shown.add_row(*(str(v) for v in row))
    Console().print(shown)
