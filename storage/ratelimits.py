"""Rate limits counted in the database, so they hold across web workers and restarts.

A limit is a bucket (``confirm:<address>``, ``subscribe:<client>``, ``admin-login:<client>``), a
number of actions and a window. ``allow`` counts the bucket's marks inside the window and, when
there is room, adds one: two workers racing may each let one more through, which is harmless
for limits of a handful.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import RateMark

_KEEP = timedelta(days=1)  # marks older than this are dropped when their bucket is next counted


def allow(session: Session, bucket: str, limit: int, window: timedelta, now: datetime) -> bool:
    """True (and the action counted) when ``bucket`` has had fewer than ``limit`` actions in the
    ``window`` before ``now``; False, counting nothing, otherwise."""
    if used(session, bucket, window, now) >= limit:
        return False
    mark(session, bucket, now)
    return True


def used(session: Session, bucket: str, window: timedelta, now: datetime) -> int:
    """How many actions ``bucket`` counted in the ``window`` before ``now``."""
    bucket = bucket[:300]
    session.execute(delete(RateMark).where(RateMark.bucket == bucket, RateMark.at < now - max(window, _KEEP)))
    count = session.scalar(
        select(func.count())
        .select_from(RateMark)
        .where(RateMark.bucket == bucket, RateMark.at >= now - window)
    )
    return count or 0


def mark(session: Session, bucket: str, now: datetime) -> None:
    """Count one action of ``bucket`` at ``now``."""
    session.add(RateMark(bucket=bucket[:300], at=now))
    session.flush()
