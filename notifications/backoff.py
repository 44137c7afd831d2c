"""When a failed outbox row may be tried again: exponential backoff, then give up.

The schedule counts from the row's creation (the outbox has no "last attempt" column): after
``n`` attempts the next is due ``BASE * (2**n - 1)`` after the row was created, so attempts
fall 5, 10, 20, 40 … minutes apart; after MAX_ATTEMPTS the row is rejected for good.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from notifications.periods import aware

BASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def next_attempt_at(created_at: datetime, attempts: int) -> datetime:
    return aware(created_at) + BASE * (2**attempts - 1)


def retry_due(status: str, attempts: int, created_at: datetime, now: datetime) -> bool:
    """Pending rows are always due; failed rows once their backoff has passed."""
    if status == "pending":
        return True
    return status == "failed" and aware(now) >= next_attempt_at(created_at, attempts)


def exhausted(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS
