"""Sending the outbox (the shell around the pure core): pending and due failed rows, those
with the same content together (``content_groups``).

Each row is claimed (``sending`` committed) before it is handed over, and its outcome is
recorded in the same statement that claims the next row: one commit per message, and a
crash never leaves a handed-over message looking unsent. See ``storage.outbox`` for the
states; a server that goes away mid-run stops the run and leaves the rest ``pending``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from notifications.backoff import MAX_ATTEMPTS, exhausted, retry_due
from notifications.catalog import Catalog
from notifications.chat import send_chat
from notifications.digest import period_label
from notifications.errors import ChatError, InvalidFilter
from notifications.filters import CompiledFilter, matches
from notifications.links import Links
from notifications.message import Outgoing, assemble, message_id, sender_address
from notifications.model import EventData, Period
from notifications.periods import parse_period
from notifications.render import frame_end, render_chat
from notifications.tokens import make_token
from notifications.transport import MaybeSent, NotSent, Transport, open_transport
from storage import outbox
from storage import subscriptions as subs
from storage.db import transaction
from storage.models import Subscription

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
) -> Outgoing:
    """One subscriber's digest: the body shared by everyone with these events (rendered and
    encoded once, in the catalog), then this subscriber's footer and unsubscribe link."""
    links = Links(mail.base_url)
    token = make_token(mail.secret_key, "unsubscribe", subscriber_id, email)
    shared = catalog.shared(period_label(period), list(events), links)
    url = links.unsubscribe(token)
    end = frame_end(email=email, frequency=frequency, unsubscribe_url=url)
    return assemble(
        shared,
        text_end=end.text,
        html_end=end.html,
        mail_from=mail.mail_from,
        to=email,
        msg_id=msg_id,
        when=datetime.now(UTC).replace(microsecond=0),
        unsubscribe_url=url,
        unsubscribe_token=token,
    )


def compiled(
    catalog: Catalog, sub: Subscription | subs.PlannedSubscription, report: SendReport
) -> CompiledFilter | None:
    """A subscription's compiled filter; a stored filter edited into nonsense is reported and skipped."""
    try:
        return catalog.compiled(sub.filters)
    except InvalidFilter as exc:
        report.error(f"subscription {sub.id}: {exc}")
        return None


# -- sending -------------------------------------------------------------------------------


def _attempt(transport: Transport, msg: Outgoing, sender: str, recipient: str) -> tuple[str, str | None]:
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
    """Best effort, once the email was taken: each subscription's own short summary."""
    keys = catalog.keys(events)
    for sub in channels:
        compiled_filter = compiled(catalog, sub, report)
        mine = [
            e for e, k in zip(events, keys, strict=True) if compiled_filter and matches(compiled_filter, k)
        ]
        if not mine:
            continue
        title, body = render_chat(catalog.digest(label, mine))
        try:
            send_chat(sub.apprise_urls, title, body)
            report.chat_sent += 1
        except ChatError as exc:
            report.chat_failed += 1
            report.error(f"subscription {sub.id}: {exc}")


_period = lru_cache(maxsize=64)(parse_period)


class _Sender:
    """One run's sending state: the transport, and the outcome not yet recorded, which is written
    just before the next row is claimed (or by ``flush``)."""

    def __init__(
        self,
        engine: Engine,
        mail: MailConfig,
        catalog: Catalog,
        now: datetime,
        report: SendReport,
        delays: Sequence[float],
    ) -> None:
        self.engine, self.mail, self.catalog, self.now = engine, mail, catalog, now
        self.report, self.delays = report, delays
        self.sender = sender_address(mail.mail_from)
        # Opened before any row is claimed, so a wrong REGTRACK_SMTP_URL fails the run cleanly;
        # it connects on the first message.
        self.transport: Transport = open_transport(mail.smtp_url, mail.outbox_dir)
        self._unrecorded: outbox.Outcome | None = None
        self._events: tuple[tuple[int, ...], list[EventData]] = ((), [])
        # One connection for the run's claims: a pooled checkout per message would add a
        # liveness ping, a round trip per message on PostgreSQL. It is a bare Connection, not
        # storage.dataversion's TrackedSession: outbox bookkeeping is no page's data, so claiming
        # a message must not invalidate the web's page cache. A message's bookkeeping is one
        # statement (outbox.finish_and_claim): on PostgreSQL it commits on its own, one round
        # trip; SQLite's is in-process, in a transaction whose write lock is taken at BEGIN.
        if engine.dialect.name == "postgresql":
            self._conn = engine.execution_options(isolation_level="AUTOCOMMIT").connect()
        else:
            self._conn = engine.execution_options(sqlite_immediate=True).connect()

    def finish(self, row_id: int, status: str, **kwargs: Any) -> None:
        self._unrecorded = outbox.Outcome(row_id, status, **kwargs)

    def claim(self, row_id: int, msg_id: str) -> bool:
        """Record the last outcome and claim this row (one statement), committed on return."""
        with self._conn.begin():
            claimed = outbox.finish_and_claim(self._conn, self._unrecorded, row_id, msg_id)
        self._unrecorded = None
        return claimed

    def flush(self) -> None:
        if self._unrecorded is not None:
            with self._conn.begin():
                outbox.finish(self._conn, self._unrecorded)
            self._unrecorded = None

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._conn.close()
            self.transport.close()

    def _ready(self, row: outbox.DueDelivery) -> list[EventData] | None:
        """The row's events if it should be sent now; otherwise its state is settled here."""
        report = self.report
        if not row.subscriber_active:
            self.finish(row.id, "skipped", error="the subscriber unsubscribed before it was sent")
            report.skipped += 1
        elif not retry_due(row.status, row.attempts, row.created_at, self.now):
            report.deferred += 1
        elif exhausted(row.attempts):
            self.finish(row.id, "rejected", error=f"gave up after {MAX_ATTEMPTS} attempts")
            report.rejected += 1
        else:
            # Rows come in content order: the row before usually has the same events.
            if self._events[0] != row.event_ids:
                self._events = (row.event_ids, fill_events(self.engine, self.catalog, row.event_ids))
            events = self._events[1]
            if events:
                return events
            self.finish(row.id, "empty", error="its events were deleted before it was sent")
            report.empty += 1
        return None

    def deliver(self, row: outbox.DueDelivery, channels: list[Subscription]) -> bool:
        """Send one outbox row; False when the mail server stayed unreachable (stop the run)."""
        events = self._ready(row)
        if events is None:
            return True
        period = None if row.frequency == "immediate" else _period(row.frequency, row.period_key)
        msg_id = message_id(self.mail.mail_from, f"d{row.id}", row.frequency, row.period_key)
        msg = digest_message(
            self.mail,
            self.catalog,
            subscriber_id=row.subscriber_id,
            email=row.email,
            frequency=row.frequency,
            period=period,
            events=events,
            msg_id=msg_id,
        )
        error = None
        for wait in (0.0, *self.delays):
            if wait:
                time.sleep(wait)  # in-run backoff while the mail server is away
            if not self.claim(row.id, msg_id):
                return True  # another run took it
            outcome, error = _attempt(self.transport, msg, self.sender, row.email)
            if outcome == "pending":
                self.finish(row.id, "pending", error=error)
                continue
            sent_at = datetime.now(UTC) if outcome == "sent" else None
            self.finish(row.id, outcome, error=error, attempted=True, sent_at=sent_at)
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
            if error:
                self.report.error(f"{row.email} {row.period_key}: {error}")
            if outcome == "sent" and channels:
                self.flush()  # the email is recorded before the chat services are called
                _chat(self.catalog, channels, period_label(period), events, self.report)
            return True
        self.report.error(f"mail server unreachable, run stopped: {error}")
        return False


def merge_reports(into: SendReport, parts: Iterable[SendReport]) -> None:
    for part in parts:
        for name in (
            "sent",
            "failed",
            "deferred",
            "rejected",
            "unknown",
            "skipped",
            "empty",
            "chat_sent",
            "chat_failed",
        ):
            setattr(into, name, getattr(into, name) + getattr(part, name))
        for line in part.errors:
            into.error(line)


def content_groups(engine: Engine, frequency: str) -> list[list[int]]:
    """The ids of the due rows (pending, and failed ones) grouped by digest content (period and
    events), groups in the order of their first row, ids in order within: a group's body is
    rendered once, and the body cache never has to hold many.

    Only an id and a hash per row are kept, a few megabytes for 100,000 rows."""
    groups: dict[int, list[int]] = {}
    after = 0
    while True:
        with transaction(engine) as session:
            batch = outbox.retryable_contents(session, frequency, after, 10 * BATCH)
        if not batch:
            break
        after = batch[-1][0]
        for row_id, period_key, event_ids in batch:
            # What the body depends on: an immediate digest's key differs per row, its label not.
            content = ("" if frequency == "immediate" else period_key, event_ids)
            groups.setdefault(hash(content), []).append(row_id)
    return list(groups.values())


def send_rows(
    engine: Engine,
    mail: MailConfig,
    catalog: Catalog,
    now: datetime,
    report: SendReport,
    delays: Sequence[float],
    ids: Sequence[int],
) -> bool:
    """Send these outbox rows in this order (those another run took meanwhile are left out);
    False when the mail server stayed unreachable.

    Each row is claimed (an atomic conditional update) before it is handed over, so a row is
    never taken twice, even by senders in other processes.
    """
    sender = _Sender(engine, mail, catalog, now, report, delays)
    try:
        for start in range(0, len(ids), BATCH):
            with transaction(engine) as session:
                batch = outbox.due_rows(session, ids[start : start + BATCH])
                channels = subs.channel_subscriptions(
                    session, {r.subscriber_id for r in batch}, report.frequency
                )
            for row in batch:
                if not sender.deliver(row, channels.get(row.subscriber_id, [])):
                    return False
        return True
    finally:
        sender.close()


def count_left_pending(engine: Engine, report: SendReport) -> None:
    with transaction(engine) as session:
        report.left_pending = outbox.status_counts(session, report.frequency).get("pending", 0)
