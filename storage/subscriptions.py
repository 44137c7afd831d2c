"""Repository for subscribers, subscriptions and what they are sent (change events, diffs, chains).

Functions take a caller-owned Session and never commit. Events come back as the notifications
stage's plain ``EventData``, with both documents and the relation's old/new sides resolved.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from linking.model import SUPERSESSION_KINDS
from notifications.model import DocInfo, EventData
from storage.db import insert_for
from storage.documents import chunked
from storage.models import ChangeEvent, Document, Relation, Subscriber, Subscription, VersionDiff

CHUNK = 900  # ids per IN (...) list, below SQLite's bound-parameter limit


def db_time(session: Session, moment: datetime) -> datetime:
    """A timestamp as the backend compares it: UTC, and naive on SQLite (stored as UTC text)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return (
        utc.replace(tzinfo=None) if session.get_bind().dialect.name == "sqlite" else utc.replace(tzinfo=UTC)
    )


# -- subscribers and subscriptions ---------------------------------------------------------


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    return session.scalars(select(Subscriber).where(Subscriber.email == email)).one_or_none()


def ensure_subscriber(session: Session, email: str) -> Subscriber:
    """The subscriber with this address, created if new (safe when two requests race)."""
    insert = insert_for(session)
    session.execute(insert(Subscriber).values(email=email).on_conflict_do_nothing(index_elements=["email"]))
    subscriber = find_subscriber(session, email)
    assert subscriber is not None
    return subscriber


def add_subscription(
    session: Session, subscriber: Subscriber, filters: dict[str, Any], frequency: str, apprise_urls: list[str]
) -> tuple[Subscription, bool]:
    """(subscription, created): an identical one (filters, frequency, channels) is reused."""
    for existing in subscriber.subscriptions:
        same = (existing.filters or {}, existing.frequency, existing.apprise_urls or [])
        if same == (filters, frequency, apprise_urls):
            existing.confirm_nonce = existing.confirm_nonce or secrets.token_urlsafe(12)
            return existing, False
    subscription = Subscription(
        subscriber=subscriber,
        filters=filters,
        frequency=frequency,
        apprise_urls=apprise_urls,
        active=False,
        confirm_nonce=secrets.token_urlsafe(12),
    )
    session.add(subscription)
    session.flush()
    return subscription, True


def confirm_subscription(session: Session, subscription: Subscription, when: datetime) -> int:
    """Double opt-in of one subscription done: it starts, and its subscriber is confirmed;
    1 when it was waiting, 0 when it was already active."""
    subscriber = subscription.subscriber
    subscriber.confirmed_at = subscriber.confirmed_at or when
    subscriber.unsubscribed_at = None
    if subscription.active:
        return 0
    subscription.active = True
    session.flush()
    return 1


def unsubscribe_subscriber(session: Session, subscriber: Subscriber, when: datetime) -> int:
    """Stop all mail: subscriptions are deleted (their deliveries stay as history)."""
    removed = len(subscriber.subscriptions)
    subscriber.subscriptions.clear()
    subscriber.unsubscribed_at = when
    subscriber.confirmed_at = None
    session.flush()
    return removed


def list_subscriptions(session: Session, email: str | None = None) -> Sequence[Subscriber]:
    """Subscribers (optionally one address) with their subscriptions, by address."""
    stmt = select(Subscriber).options(selectinload(Subscriber.subscriptions)).order_by(Subscriber.email)
    if email:
        stmt = stmt.where(Subscriber.email == email)
    return session.scalars(stmt).all()


@dataclass(frozen=True)
class PlannedSubscription:
    """What planning reads of a subscription."""

    id: int
    filters: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class ActiveSubscriber:
    id: int
    email: str
    confirmed_at: datetime
    subscriptions: tuple[PlannedSubscription, ...]


def _active(frequency: str) -> Select[tuple[int]]:
    """Confirmed, still subscribed subscribers with an active subscription at this frequency."""
    return (
        select(Subscriber.id)
        .join(Subscription)
        .where(Subscriber.confirmed_at.is_not(None), Subscriber.unsubscribed_at.is_(None))
        .where(Subscription.active.is_(True), Subscription.frequency == frequency)
        .group_by(Subscriber.id)
    )


def active_subscriber_count(session: Session, frequency: str) -> int:
    return session.scalar(select(func.count()).select_from(_active(frequency).subquery())) or 0


def active_subscribers(session: Session, frequency: str, after_id: int, limit: int) -> list[ActiveSubscriber]:
    """The next ``limit`` confirmed subscribers (id > after_id) with an active subscription at
    this frequency, each with those subscriptions only."""
    ids = session.scalars(
        _active(frequency).where(Subscriber.id > after_id).order_by(Subscriber.id).limit(limit)
    ).all()
    if not ids:
        return []
    # Plain columns, not ORM objects: planning reads every subscriber of a run.
    stmt = (
        select(
            Subscriber.id,
            Subscriber.email,
            Subscriber.confirmed_at,
            Subscription.id,
            Subscription.filters,
            Subscription.created_at,
        )
        .join(Subscription)
        .where(Subscriber.id.in_(ids), Subscription.active.is_(True), Subscription.frequency == frequency)
        .order_by(Subscriber.id, Subscription.id)
    )
    found: dict[int, tuple[str, datetime, list[PlannedSubscription]]] = {}
    for sid, email, confirmed_at, sub_id, filters, created_at in session.execute(stmt):
        entry = found.setdefault(sid, (email, confirmed_at, []))
        entry[2].append(PlannedSubscription(sub_id, filters or {}, created_at))
    return [
        ActiveSubscriber(sid, email, confirmed_at, tuple(planned))
        for sid, (email, confirmed_at, planned) in found.items()
    ]


def channel_subscriptions(
    session: Session, subscriber_ids: Iterable[int], frequency: str
) -> dict[int, list[Subscription]]:
    """{subscriber id: active subscriptions at this frequency that have chat channels}."""
    found: dict[int, list[Subscription]] = {}
    for chunk in chunked(sorted(set(subscriber_ids)), CHUNK):
        stmt = select(Subscription).where(
            Subscription.subscriber_id.in_(chunk),
            Subscription.active.is_(True),
            Subscription.frequency == frequency,
        )
        for sub in session.scalars(stmt):
            if sub.apprise_urls:
                found.setdefault(sub.subscriber_id, []).append(sub)
    return found


# -- what subscribers are sent -------------------------------------------------------------


def _doc_infos(session: Session, ids: Iterable[int]) -> dict[int, DocInfo]:
    cols = (Document.id, Document.title, Document.doc_number, Document.issuer, Document.category)
    docs: dict[int, DocInfo] = {}
    for chunk in chunked(sorted(set(ids)), CHUNK):
        stmt = select(*cols, Document.keywords, Document.effective_date).where(Document.id.in_(chunk))
        for id_, title, number, issuer, category, keywords, effective in session.execute(stmt):
            docs[id_] = DocInfo(id_, title, number, issuer, category, tuple(keywords or ()), effective)
    return docs


def _relations(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int, str, Any]]:
    rels: dict[int, tuple[str, int, str, Any]] = {}
    for chunk in chunked(sorted(set(ids)), CHUNK):
        stmt = select(Relation.id, Relation.kind, Relation.target_id, Relation.scope, Relation.effective_date)
        for id_, kind, target, scope, effective in session.execute(stmt.where(Relation.id.in_(chunk))):
            rels[id_] = (kind, target, scope, effective)
    return rels


def _event_data(session: Session, stmt: Select[Any]) -> list[EventData]:
    # An effect a person removed from the ledger (`regtrack relations remove`) is no news.
    removed = select(Relation.id).where(Relation.id == ChangeEvent.relation_id, Relation.suppressed.is_(True))
    rows: Sequence[ChangeEvent] = session.scalars(stmt.where(~removed.exists())).all()
    docs = _doc_infos(
        session,
        {r.document_id for r in rows} | {r.related_document_id for r in rows if r.related_document_id},
    )
    rels = _relations(session, {r.relation_id for r in rows if r.relation_id})
    events = []
    for r in rows:
        kind, old_id, scope, rel_effective = rels.get(r.relation_id or 0, (None, None, None, None))
        events.append(
            EventData(
                id=r.id,
                kind=r.kind,
                document=docs.get(r.document_id) or DocInfo(r.document_id, f"#{r.document_id}"),
                related=docs.get(r.related_document_id) if r.related_document_id else None,
                relation_kind=kind,
                relation_old_id=old_id,
                relation_scope=scope,
                effective_date=rel_effective or r.effective_date,
                version_diff_id=r.version_diff_id,
                article_label=r.article_label,
                summary=r.summary or "",
                created_at=r.created_at,
            )
        )
    return events


def events_between(session: Session, start: datetime, end: datetime) -> list[EventData]:
    """Events created in [start, end), in id order."""
    stmt = select(ChangeEvent).where(
        ChangeEvent.created_at >= db_time(session, start), ChangeEvent.created_at < db_time(session, end)
    )
    return _event_data(session, stmt.order_by(ChangeEvent.id))


def events_since(session: Session, since: datetime, after_id: int = 0) -> list[EventData]:
    """Events created at or after ``since`` with an id above ``after_id``, in id order."""
    stmt = select(ChangeEvent).where(
        ChangeEvent.created_at >= db_time(session, since), ChangeEvent.id > after_id
    )
    return _event_data(session, stmt.order_by(ChangeEvent.id))


def events_by_id(session: Session, ids: Iterable[int]) -> list[EventData]:
    events: list[EventData] = []
    for chunk in chunked(sorted(set(ids)), CHUNK):
        events += _event_data(session, select(ChangeEvent).where(ChangeEvent.id.in_(chunk)))
    return sorted(events, key=lambda e: e.id)


def latest_events(session: Session, before_id: int | None, limit: int) -> list[EventData]:
    """The newest ``limit`` events (below ``before_id``), newest first: for feeds."""
    stmt = select(ChangeEvent).order_by(ChangeEvent.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(ChangeEvent.id < before_id)
    return sorted(_event_data(session, stmt), key=lambda e: -e.id)


def stored_diffs(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{version diff id: the diff JSON (diffing's contract)}."""
    diffs: dict[int, dict[str, Any]] = {}
    for chunk in chunked(sorted(set(ids)), CHUNK):
        for id_, diff in session.execute(
            select(VersionDiff.id, VersionDiff.diff).where(VersionDiff.id.in_(chunk))
        ):
            diffs[id_] = diff or {}
    return diffs


def supersession_edges(session: Session) -> list[tuple[int, int]]:
    """(source, target) of every active relation that continues a document's chain."""
    stmt = select(Relation.source_id, Relation.target_id).where(
        Relation.suppressed.is_(False), Relation.kind.in_(SUPERSESSION_KINDS)
    )
    return [(a, b) for a, b in session.execute(stmt)]
