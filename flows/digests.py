"""Digest flows: send every due digest of one frequency (daily, weekly, monthly, immediate)."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows import tasks
from flows.steps import plain

FREQUENCIES = ("immediate", "daily", "weekly", "monthly")


@flow(name="send-digests", log_prints=True)
def send_digests(frequency: str = "daily") -> dict[str, Any]:
    """A failure fails the run (red in the Prefect UI): a digest that was not sent must be seen."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown digest frequency {frequency!r}: use one of {', '.join(FREQUENCIES)}")
    return {"frequency": frequency, "result": plain(tasks.send_due_digests(frequency))}
