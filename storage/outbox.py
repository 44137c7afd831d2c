"""Repository for the outbox (``deliveries``): one row per (subscriber, frequency, period).

The state machine that keeps every period sent at most once, and retried until it is:

    pending ──claim──▶ sending ──▶ sent
       ▲                  │ ├────▶ failed ──(backoff)──▶ claim again
       └── server down ◀──┘ ├────▶ rejected   (refused for good, or too many attempts)
                            └────▶ unknown    (handed over, no answer; or found after a crash)
    empty: nothing matched that period; skipped: the subscriber left before it was sent.

``finish_and_claim`` commits ``sending`` before the SMTP call; a row still ``sending`` when the
next run starts was interrupted after (possibly) reaching the server, so it becomes ``unknown``
and is reported, never re-sent blindly. Functions take a caller-owned Session (``finish_and_claim``
and ``finish`` also a Connection) and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from storage.db import insert_for
from storage.models import Delivery, Subscriber

_TABLE: Table = Delivery.__table__  # type: ignore[assignment]
_DELIVERIES = _TABLE.c
STATUSES = ("pending", "sending", "sent", "failed", "rejected", "unknown", "empty", "skipped")
RETRYABLE = ("pending", "failed")


@dataclass(frozen=True)
class DueDelivery:
    id: int
    subscriber_id: int
    email: str
    subscriber_active: bool
    frequency: str
    period_key: str
    status: str
    attempts: int
    created_at: datetime
    event_ids: tuple[int, ...]


def existing_periods(
    session: Session, frequency: str, subscriber_ids: Iterable[int], period_keys: Iterable[str]
) -> set[tuple[int, str]]:
    """(subscriber id, period key) pairs that already have an outbox row, in any state."""
    stmt = select(Delivery.subscriber_id, Delivery.period_key).where(
        Delivery.frequency == frequency,
        Delivery.subscriber_id.in_(list(subscriber_ids)),
        Delivery.period_key.in_(list(period_keys)),
    )
    return {(sid, key) for sid, key in session.execute(stmt)}


def delivered_event_ids(
    session: Session, frequency: str, subscriber_ids: Iterable[int], since: datetime
) -> dict[int, set[int]]:
    """{subscriber id: the ids of the events its outbox rows made since ``since`` hold}, whatever
    their status: what each subscriber has been (or is being) sent."""
    stmt = select(Delivery.subscriber_id, Delivery.event_ids).where(
        Delivery.frequency == frequency,
        Delivery.subscriber_id.in_(list(subscriber_ids)),
        Delivery.created_at >= since,
    )
    sent: dict[int, set[int]] = {}
    for sid, event_ids in session.execute(stmt):
        sent.setdefault(sid, set()).update(event_ids or ())
    return sent


def add_deliveries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert outbox rows; a row that already exists (another run got there first) is left alone."""
    if not rows:
        return
    insert = insert_for(session)
    stmt = insert(_TABLE).on_conflict_do_nothing(index_elements=["subscriber_id", "frequency", "period_key"])
    session.execute(stmt, rows)


def interrupted_to_unknown(session: Session, frequency: str | None = None) -> int:
    """Rows a crashed run left ``sending`` become ``unknown``; returns how many."""
    stmt = update(Delivery).where(Delivery.status == "sending")
    if frequency:
        stmt = stmt.where(Delivery.frequency == frequency)
    note = "interrupted while sending: it may or may not have reached the server"
    return _count(session.execute(stmt.values(status="unknown", last_error=note)))


def retryable_contents(
    session: Session, frequency: str, after_id: int, limit: int
) -> list[tuple[int, str, tuple[int, ...]]]:
    """(id, period key, event ids) of the next ``limit`` pending or failed rows (id > after_id)."""
    stmt = (
        select(Delivery.id, Delivery.period_key, Delivery.event_ids)
        .where(Delivery.frequency == frequency, Delivery.status.in_(RETRYABLE), Delivery.id > after_id)
        .order_by(Delivery.id)
        .limit(limit)
    )
    return [(i, key, tuple(events or ())) for i, key, events in session.execute(stmt)]


def due_rows(session: Session, ids: Sequence[int]) -> list[DueDelivery]:
    """These rows with their subscriber's address, in the order of ``ids``; rows that are no
    longer pending or failed (another run took them) are left out."""
    d = _DELIVERIES
    stmt = (
        select(
            d.id,
            d.subscriber_id,
            Subscriber.email,
            Subscriber.confirmed_at.is_not(None) & Subscriber.unsubscribed_at.is_(None),
            d.frequency,
            d.period_key,
            d.status,
            d.attempts,
            d.created_at,
            d.event_ids,
        )
        .join(Subscriber, Subscriber.id == d.subscriber_id)
        .where(d.id.in_(list(ids)), d.status.in_(RETRYABLE))
    )
    found = {
        row_id: DueDelivery(
            row_id, sid, email, bool(active), frequency, key, status, attempts, created, tuple(events or ())
        )
        for row_id, sid, email, active, frequency, key, status, attempts, created, events in session.execute(
            stmt
        )
    }
    return [found[i] for i in ids if i in found]


def retryable_count(session: Session, frequency: str) -> int:
    stmt = select(func.count()).where(Delivery.frequency == frequency, Delivery.status.in_(RETRYABLE))
    return session.scalar(stmt) or 0


# The two statements of every message are built once, over the table rather than the ORM
# entity, with bound parameters: no statement to construct, no cache key to compute and no
# session synchronisation per message, which was most of a message's database time.
@dataclass(frozen=True)
class Outcome:
    """How an attempt ended (``sent``, ``pending``, ``failed``, ``rejected``, ``unknown``…).

    ``attempted``: the message reached the server (counts towards the retry limit); a server
    that could not be reached at all does not use up the row's attempts.
    """

    row_id: int
    status: str
    error: str | None = None
    sent_at: datetime | None = None
    attempted: bool = False

    def __post_init__(self) -> None:
        assert self.status in STATUSES, self.status


# One statement both records an outcome (row ``done``) and claims the next row (``claim``, if
# it is still pending or failed): one round trip and, on PostgreSQL in autocommit, one WAL
# flush per message. Built once, with bound parameters: no statement to construct and no cache
# key to compute per message. Id 0 (no row has it) stands for "none".
_C = _DELIVERIES
_CLAIMED = _C.id == bindparam("claim", type_=Integer)
_STEP = (
    update(_TABLE)
    .where(or_(and_(_CLAIMED, _C.status.in_(RETRYABLE)), _C.id == bindparam("done", type_=Integer)))
    .values(
        status=case((_CLAIMED, "sending"), else_=bindparam("status", type_=String)),
        message_id=case((_CLAIMED, bindparam("msg_id", type_=String)), else_=_C.message_id),
        last_error=case((_CLAIMED, _C.last_error), else_=bindparam("error", type_=Text)),
        attempts=case((_CLAIMED, _C.attempts), else_=_C.attempts + bindparam("tried", type_=Integer)),
        sent_at=case(
            (_CLAIMED, _C.sent_at), else_=func.coalesce(bindparam("when", type_=_C.sent_at.type), _C.sent_at)
        ),
    )
    .returning(_C.id)
)


def finish_and_claim(
    session: Session | Connection, done: Outcome | None, claim_id: int | None, message_id: str = ""
) -> bool:
    """Record ``done`` and move row ``claim_id`` from pending/failed to sending, in one
    statement; True when the row was claimed (False: another run took it first, or none)."""
    params = {
        "claim": claim_id or 0,
        "msg_id": message_id,
        "done": done.row_id if done else 0,
        "status": done.status if done else "pending",
        "error": done.error if done else None,
        "tried": int(done.attempted) if done else 0,
        "when": done.sent_at if done else None,
    }
    touched = set(session.execute(_STEP, params).scalars())
    return claim_id is not None and claim_id in touched


def _count(result: object) -> int:
    """Rows an UPDATE touched."""
    return result.rowcount if isinstance(result, CursorResult) else 0


def finish(session: Session | Connection, done: Outcome) -> None:
    finish_and_claim(session, done, None)


def status_counts(session: Session, frequency: str | None = None) -> dict[str, int]:
    stmt = select(Delivery.status, func.count()).group_by(Delivery.status)
    if frequency:
        stmt = stmt.where(Delivery.frequency == frequency)
    return {status: n for status, n in session.execute(stmt)}


def resolve_unknown(session: Session, to_status: str) -> int:
    """An operator's decision on ``unknown`` rows: ``sent`` (it arrived) or ``pending`` (send it)."""
    assert to_status in ("sent", "pending"), to_status
    stmt = update(Delivery).where(Delivery.status == "unknown").values(status=to_status)
    return _count(session.execute(stmt))
