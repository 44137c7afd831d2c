"""The processes a process started, from Linux /proc (tests that kill workers; no tests here)."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The processes ``pid`` started and that still run (none when ``pid`` itself has gone)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except FileNotFoundError:
        return []
    return found


def descendants(pid: int) -> list[int]:
    """Every live process under ``pid``: its children, their children …"""
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found
