"""Planning a run: one outbox row per (active subscriber, due period) that has none yet.

A row records the ids of the events that matched, so a retry renders the same digest; a row
with nothing matched is stored ``empty`` so the period counts as done. Subscribers are read
in batches and rows written per batch, so memory does not grow with the number of subscribers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from notifications.catalog import Catalog
from notifications.filters import matches
from notifications.model import EventData, Period
from notifications.periods import aware, completed_periods, immediate_key
from regtrack.services.digests.sender import SendReport, compiled
from storage import outbox
from storage import subscriptions as subs
from storage.db import transaction

LOOKBACK = {"daily": 7, "weekly": 4, "monthly": 2}  # completed periods a late run still sends
IMMEDIATE_WINDOW = timedelta(days=7)
_CLOCK_SLACK = timedelta(days=1)
BATCH = 500


def _row(
    frequency: str, subscriber_id: int, key: str, matched: list[int], created_at: datetime
) -> dict[str, Any]:
    return {
        "subscriber_id": subscriber_id,
        "frequency": frequency,
        "period_key": key,
        "status": "pending" if matched else "empty",
        "attempts": 0,
        "event_ids": matched,
        "created_at": created_at,
    }


def _calendar_rows(
    catalog: Catalog,
    batch: list[subs.ActiveSubscriber],
    periods: list[Period],
    have: set[tuple[int, str]],
    report: SendReport,
    created_at: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for sub in batch:
        for period in periods:
            if (sub.id, period.key) in have:
                continue
            # A subscription counts from the period it was created in (not for periods before it).
            counting = [
                compiled(catalog, s, report) for s in sub.subscriptions if aware(s.created_at) < period.end
            ]
            filters = [f for f in counting if f is not None]
            if filters:
                matched = catalog.matched(filters, period.key)
                rows.append(_row(period.frequency, sub.id, period.key, matched, created_at))
    return rows


def _immediate_rows(
    catalog: Catalog,
    batch: list[subs.ActiveSubscriber],
    window: list[EventData],
    delivered: dict[int, set[int]],
    report: SendReport,
    created_at: datetime,
) -> list[dict[str, Any]]:
    """A row per subscriber with matching events in the window that no row of theirs holds yet.

    What was sent is read as a set, not as the highest id: on PostgreSQL an ingest that took a
    lower event id can commit after one with a higher id was sent. Rows of one subscriber hold
    disjoint events, so the newest event a row holds is a key no other row of theirs has."""
    keys = catalog.keys(window)
    rows = []
    for sub in batch:
        sent = delivered.get(sub.id, set())
        matched: set[int] = set()
        for s in sub.subscriptions:
            flt, since = compiled(catalog, s, report), aware(s.created_at)
            if flt is None:
                continue
            for event, key in zip(window, keys, strict=True):
                if (
                    event.id not in sent
                    and event.created_at
                    and aware(event.created_at) >= since
                    and matches(flt, key)
                ):
                    matched.add(event.id)
        if matched:
            rows.append(_row("immediate", sub.id, immediate_key(max(matched)), sorted(matched), created_at))
    return rows


def plan_due(engine: Engine, frequency: str, now: datetime, report: SendReport) -> Catalog:
    """Add an outbox row for every (active subscriber, due period) that has none yet."""
    with transaction(engine) as session:
        catalog = Catalog(subs.supersession_edges(session))
        if frequency == "immediate":
            window = [
                e
                for e in subs.events_since(session, now - IMMEDIATE_WINDOW)
                if e.created_at and aware(e.created_at) <= now
            ]
            catalog.add_events(window)
            periods: list[Period] = []
            report.periods = [immediate_key(window[-1].id)] if window else []
        else:
            periods = completed_periods(frequency, now, LOOKBACK[frequency])
            for period in periods:
                catalog.remember_period(period.key, subs.events_between(session, period.start, period.end))
            report.periods = [p.key for p in periods]
        created_at = subs.db_time(session, now)
    if not report.periods:
        return catalog
    after = 0
    while True:
        with transaction(engine) as session:
            batch = subs.active_subscribers(session, frequency, after, BATCH)
            ids = [b.id for b in batch]
            if frequency == "immediate":
                since = created_at - IMMEDIATE_WINDOW - _CLOCK_SLACK  # rows made after the window's events
                delivered = outbox.delivered_event_ids(session, frequency, ids, since) if ids else {}
            else:
                have = outbox.existing_periods(session, frequency, ids, report.periods) if ids else set()
        if not batch:
            return catalog
        after = batch[-1].id
        if frequency == "immediate":
            rows = _immediate_rows(catalog, batch, window, delivered, report, created_at)
        else:
            rows = _calendar_rows(catalog, batch, periods, have, report, created_at)
        with transaction(engine, write=True) as session:
            outbox.add_deliveries(session, rows)
        report.planned += sum(1 for r in rows if r["status"] == "pending")
        report.empty += sum(1 for r in rows if r["status"] == "empty")
