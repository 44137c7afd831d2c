"""Digest periods in Asia/Shanghai time: a day, an ISO week, a calendar month.

Keys sort in time order within one frequency (``2024-03-19``, ``2024-W12``, ``2024-03``), so the
outbox can find a subscriber's newest period with ``max(period_key)``. ``immediate`` has no
calendar: its key is the newest change-event id a delivery covers (``ev000000000123``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from notifications.errors import InvalidFilter
from notifications.model import FREQUENCIES, Period

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR_FREQUENCIES = ("daily", "weekly", "monthly")

# An ingest transaction stamps its events when it starts: wait a little after a period ends so
# that one still committing is not left out of the period it belongs to.
GRACE = timedelta(minutes=15)


def check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise InvalidFilter(f"unknown frequency {frequency!r}; use one of {', '.join(FREQUENCIES)}")
    return frequency


def aware(moment: datetime) -> datetime:
    """A naive datetime is UTC (SQLite returns stored timestamps without their zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _first_day(frequency: str, day: date) -> date:
    if frequency == "daily":
        return day
    if frequency == "weekly":
        return day - timedelta(days=day.isoweekday() - 1)
    return day.replace(day=1)


def _next_first_day(frequency: str, first: date) -> date:
    if frequency == "daily":
        return first + timedelta(days=1)
    if frequency == "weekly":
        return first + timedelta(days=7)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _key(frequency: str, first: date) -> str:
    if frequency == "daily":
        return first.isoformat()
    if frequency == "weekly":
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{first.year}-{first.month:02d}"


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _period(frequency: str, first: date) -> Period:
    end = _next_first_day(frequency, first)
    return Period(frequency, _key(frequency, first), _midnight(first), _midnight(end))


def period_containing(frequency: str, moment: datetime) -> Period:
    """The calendar period (in Shanghai) that ``moment`` falls in."""
    if frequency not in CALENDAR_FREQUENCIES:
        raise InvalidFilter(f"{frequency!r} has no calendar period; use daily, weekly or monthly")
    day = aware(moment).astimezone(SHANGHAI).date()
    return _period(frequency, _first_day(frequency, day))


def parse_period(frequency: str, key: str) -> Period:
    """The period named by ``key`` (2024-03-19, 2024-W12, 2024-03), for previews and re-sends."""
    try:
        if frequency == "daily":
            first = date.fromisoformat(key)
        elif frequency == "weekly":
            year, week = key.split("-W")
            first = date.fromisocalendar(int(year), int(week), 1)
        elif frequency == "monthly":
            year, month = key.split("-")
            first = date(int(year), int(month), 1)
        else:
            raise InvalidFilter(f"{frequency!r} has no calendar period; use daily, weekly or monthly")
    except ValueError as exc:
        raise InvalidFilter(
            f"{key!r} is not a {frequency} period (e.g. 2024-03-19, 2024-W12, 2024-03)"
        ) from exc
    period = _period(frequency, first)
    if period.key != key:
        raise InvalidFilter(f"{key!r} is not a {frequency} period key; did you mean {period.key}?")
    return period


def completed_periods(frequency: str, now: datetime, lookback: int) -> list[Period]:
    """The newest ``lookback`` periods that ended at least GRACE before ``now``, oldest first."""
    latest = period_containing(frequency, aware(now) - GRACE)
    periods: list[Period] = []
    first = latest.start.date()
    for _ in range(lookback):
        first = _first_day(frequency, first - timedelta(days=1))
        periods.append(_period(frequency, first))
    return periods[::-1]


def immediate_key(last_event_id: int) -> str:
    return f"ev{last_event_id:012d}"


def period_from_key(key: str) -> Period:
    """The period a key names, its frequency read from the key's shape (day, ISO week, month)."""
    key = (key or "").strip()
    if len(key) == 10:
        return parse_period("daily", key)
    if "-W" in key:
        return parse_period("weekly", key)
    if len(key) == 7:
        return parse_period("monthly", key)
    raise InvalidFilter(
        f"{key!r} is not a period; use 2024-03-19 (day), 2024-W12 (ISO week) or 2024-03 (month)"
    )
