"""The outbox run (the shell around the pure core): plan due periods into rows, send the rows.

Planning writes one outbox row per (subscriber, frequency, period) with the ids of the events
that matched, so a retry renders the same digest. Sending walks pending and failed rows:
claim (commit ``sending``), hand over, record the outcome (commit). See ``storage.outbox``
for the states; a server that goes away mid-run stops the run and leaves rows ``pending``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from notifications.backoff import MAX_ATTEMPTS, exhausted, retry_due
from notifications.catalog import Catalog
from notifications.chat import send_chat
from notifications.digest import period_label
from notifications.errors import ChatError, InvalidFilter
from notifications.filters import CompiledFilter, matches, matching_event_ids
from notifications.links import Links
from notifications.message import build_message, message_id, sender_address
from notifications.model import EventData, Period
from notifications.periods import aware, completed_periods, immediate_key, immediate_watermark, parse_period
from notifications.render import Rendered, render_chat, render_digest
from notifications.tokens import make_token
from notifications.transport import MaybeSent, NotSent, Transport, open_transport
from storage import outbox
from storage import subscriptions as subs
from storage.db import transaction
from storage.models import Subscription

LOOKBACK = {"daily": 7, "weekly": 4, "monthly": 2}  # completed periods a late run still sends
IMMEDIATE_WINDOW = timedelta(days=7)
BATCH = 500
MAX_ERRORS = 20  # error lines kept in a report


@dataclass(frozen=True)
class MailConfig:
    mail_from: str
    base_url: str
    secret_key: str
    smtp_url: str | None
    outbox_dir: Path


@dataclass
class SendReport:
    frequency: str
    periods: list[str] = field(default_factory=list)
    planned: int = 0  # new outbox rows with something to send
    empty: int = 0  # new outbox rows with nothing matched
    sent: int = 0
    failed: int = 0  # refused for now; retried after a backoff
    deferred: int = 0  # failed earlier, backoff not over yet
    rejected: int = 0  # refused for good, or too many attempts
    unknown: int = 0  # may or may not have arrived: reported, never re-sent blindly
    skipped: int = 0  # the subscriber left before it went out
    left_pending: int = 0  # not tried: the mail server was down
    chat_sent: int = 0
    chat_failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.rejected or self.unknown or self.left_pending or self.chat_failed)

    def error(self, text: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text)


# -- rendering one digest ------------------------------------------------------------------


def fill_events(engine: Engine, catalog: Catalog, event_ids: Iterable[int]) -> list[EventData]:
    """The catalog's events for these ids, reading missing events and their diffs first."""
    ids = list(event_ids)
    missing = catalog.missing_events(ids)
    if missing:
        with transaction(engine) as session:
            catalog.add_events(subs.events_by_id(session, missing))
    events = catalog.events(ids)
    diffs = catalog.missing_diffs(events)
    if diffs:
        with transaction(engine) as session:
            catalog.add_diffs(subs.stored_diffs(session, diffs))
    return events


def digest_message(
    mail: MailConfig,
    catalog: Catalog,
    *,
    subscriber_id: int,
    email: str,
    frequency: str,
    period: Period | None,
    events: Sequence[EventData],
    msg_id: str,
) -> tuple[Rendered, EmailMessage]:
    links = Links(mail.base_url)
    token = make_token(mail.secret_key, "unsubscribe", subscriber_id, email)
    digest = catalog.digest(period_label(period), events)
    url = links.unsubscribe(token)
    rendered = render_digest(digest, email=email, frequency=frequency, links=links, unsubscribe_url=url)
    msg = build_message(
        rendered,
        mail_from=mail.mail_from,
        to=email,
        msg_id=msg_id,
        when=datetime.now(UTC),
        unsubscribe_url=url,
        unsubscribe_token=token,
    )
    return rendered, msg


# -- planning ------------------------------------------------------------------------------


def _compiled(catalog: Catalog, sub: Subscription, report: SendReport) -> CompiledFilter | None:
    try:
        return catalog.compiled(sub.filters)
    except InvalidFilter as exc:  # a stored filter edited by hand: skip it, keep the run going
        report.error(f"subscription {sub.id}: {exc}")
        return None


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
            filters = [
                _compiled(catalog, s, report) for s in sub.subscriptions if aware(s.created_at) < period.end
            ]
            compiled = [f for f in filters if f is not None]
            if compiled:
                matched = matching_event_ids(compiled, catalog.period_keys(period.key))
                rows.append(_row(period.frequency, sub.id, period.key, matched, created_at))
    return rows


def _immediate_rows(
    catalog: Catalog,
    batch: list[subs.ActiveSubscriber],
    window: list[EventData],
    latest: dict[int, str],
    report: SendReport,
    created_at: datetime,
) -> list[dict[str, Any]]:
    top = window[-1].id
    keys = catalog.keys(window)
    rows = []
    for sub in batch:
        mark = immediate_watermark(latest.get(sub.id))
        if mark >= top:
            continue
        matched: set[int] = set()
        for s in sub.subscriptions:
            compiled, since = _compiled(catalog, s, report), aware(s.created_at)
            if compiled is None:
                continue
            for event, key in zip(window, keys, strict=True):
                if (
                    event.id > mark
                    and event.created_at
                    and aware(event.created_at) >= since
                    and matches(compiled, key)
                ):
                    matched.add(event.id)
        if matched:
            rows.append(_row("immediate", sub.id, immediate_key(top), sorted(matched), created_at))
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
                latest = outbox.latest_period_keys(session, frequency, ids) if ids else {}
            else:
                have = outbox.existing_periods(session, frequency, ids, report.periods) if ids else set()
        if not batch:
            return catalog
        after = batch[-1].id
        if frequency == "immediate":
            rows = _immediate_rows(catalog, batch, window, latest, report, created_at)
        else:
            rows = _calendar_rows(catalog, batch, periods, have, report, created_at)
        with transaction(engine, write=True) as session:
            outbox.add_deliveries(session, rows)
        report.planned += sum(1 for r in rows if r["status"] == "pending")
        report.empty += sum(1 for r in rows if r["status"] == "empty")


# -- sending -------------------------------------------------------------------------------


def _attempt(transport: Transport, msg: EmailMessage, sender: str, recipient: str) -> tuple[str, str | None]:
    """(outcome, error): sent, failed, rejected, unknown, or pending when the server is unreachable."""
    try:
        transport.send(msg, sender, recipient)
    except NotSent as exc:
        if exc.connection:
            return "pending", str(exc)
        return ("rejected" if exc.permanent else "failed"), str(exc)
    except MaybeSent as exc:
        return "unknown", str(exc)
    return "sent", None


def _chat(
    catalog: Catalog, channels: list[Subscription], label: str, events: list[EventData], report: SendReport
) -> None:
    """Best effort, after the email was recorded sent: each subscription's own short summary."""
    keys = catalog.keys(events)
    for sub in channels:
        compiled = _compiled(catalog, sub, report)
        mine = [e for e, k in zip(events, keys, strict=True) if compiled and matches(compiled, k)]
        if not mine:
            continue
        title, body = render_chat(catalog.digest(label, mine))
        try:
            send_chat(sub.apprise_urls, title, body)
            report.chat_sent += 1
        except ChatError as exc:
            report.chat_failed += 1
            report.error(f"subscription {sub.id}: {exc}")


def _finish(engine: Engine, row_id: int, status: str, **kwargs: Any) -> None:
    with transaction(engine, write=True) as session:
        outbox.finish(session, row_id, status, **kwargs)


def _deliver(
    engine: Engine,
    mail: MailConfig,
    catalog: Catalog,
    transport: Transport,
    row: outbox.DueDelivery,
    channels: list[Subscription],
    now: datetime,
    report: SendReport,
    delays: Sequence[float],
) -> bool:
    """Send one outbox row; False when the mail server stayed unreachable (stop the run)."""
    if not row.subscriber_active:
        _finish(engine, row.id, "skipped", error="the subscriber unsubscribed before it was sent")
        report.skipped += 1
        return True
    if not retry_due(row.status, row.attempts, row.created_at, now):
        report.deferred += 1
        return True
    if exhausted(row.attempts):
        _finish(engine, row.id, "rejected", error=f"gave up after {MAX_ATTEMPTS} attempts")
        report.rejected += 1
        return True
    period = None if row.frequency == "immediate" else parse_period(row.frequency, row.period_key)
    events = fill_events(engine, catalog, row.event_ids)
    if not events:
        _finish(engine, row.id, "empty", error="its events were deleted before it was sent")
        report.empty += 1
        return True
    msg_id = message_id(mail.mail_from, f"d{row.id}", row.frequency, row.period_key)
    _rendered, msg = digest_message(
        mail,
        catalog,
        subscriber_id=row.subscriber_id,
        email=row.email,
        frequency=row.frequency,
        period=period,
        events=events,
        msg_id=msg_id,
    )
    error = None
    for wait in (0.0, *delays):
        if wait:
            time.sleep(wait)  # in-run backoff while the mail server is away
        with transaction(engine, write=True) as session:
            if not outbox.claim(session, row.id, msg_id):
                return True  # another run took it
        outcome, error = _attempt(transport, msg, sender_address(mail.mail_from), row.email)
        if outcome == "pending":
            _finish(engine, row.id, "pending", error=error)
            continue
        _finish(
            engine,
            row.id,
            outcome,
            error=error,
            attempted=True,
            sent_at=datetime.now(UTC) if outcome == "sent" else None,
        )
        setattr(report, outcome, getattr(report, outcome) + 1)
        if error:
            report.error(f"{row.email} {row.period_key}: {error}")
        if outcome == "sent" and channels:
            _chat(catalog, channels, period_label(period), events, report)
        return True
    report.error(f"mail server unreachable, run stopped: {error}")
    return False


def send_outbox(
    engine: Engine,
    mail: MailConfig,
    catalog: Catalog,
    now: datetime,
    report: SendReport,
    delays: Sequence[float],
) -> None:
    """Send every pending (and due failed) row of the report's frequency, in id order."""
    transport: Transport | None = None
    after = 0
    try:
        while True:
            with transaction(engine) as session:
                batch = outbox.retryable(session, report.frequency, after, BATCH)
                channels = subs.channel_subscriptions(
                    session, {r.subscriber_id for r in batch}, report.frequency
                )
            if not batch:
                return
            after = batch[-1].id
            for row in batch:
                transport = transport or open_transport(mail.smtp_url, mail.outbox_dir)
                if not _deliver(
                    engine,
                    mail,
                    catalog,
                    transport,
                    row,
                    channels.get(row.subscriber_id, []),
                    now,
                    report,
                    delays,
                ):
                    with transaction(engine) as session:
                        report.left_pending = outbox.status_counts(session, report.frequency).get(
                            "pending", 0
                        )
                    return
    finally:
        if transport is not None:
            transport.close()
