"""Repository for the outbox (``deliveries``): one row per (subscriber, frequency, period).

The state machine that keeps every period sent at most once, and retried until it is:

    pending ──claim──▶ sending ──▶ sent
       ▲                  │ ├────▶ failed ──(backoff)──▶ claim again
       └── server down ◀──┘ ├────▶ rejected   (refused for good, or too many attempts)
                            └────▶ unknown    (handed over, no answer; or found after a crash)
    empty: nothing matched that period; skipped: the subscriber left before it was sent.

``claim`` commits ``sending`` before the SMTP call; a row still ``sending`` when the next run
starts was interrupted after (possibly) reaching the server, so it becomes ``unknown`` and is
reported, never re-sent blindly. Functions take a caller-owned Session and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Integer, Table, bindparam, func, select, update
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
    stmt = insert(Delivery).on_conflict_do_nothing(
        index_elements=["subscriber_id", "frequency", "period_key"]
    )
    session.execute(stmt, rows)


def interrupted_to_unknown(session: Session, frequency: str | None = None) -> int:
    """Rows a crashed run left ``sending`` become ``unknown``; returns how many."""
    stmt = update(Delivery).where(Delivery.status == "sending")
    if frequency:
        stmt = stmt.where(Delivery.frequency == frequency)
    note = "interrupted while sending: it may or may not have reached the server"
    return _count(session.execute(stmt.values(status="unknown", last_error=note)))


def _share(stmt: Any, share: tuple[int, int]) -> Any:
    """Only the rows of the subscribers whose id modulo n is k (share = (k, n))."""
    k, n = share
    return stmt.where(Delivery.subscriber_id % n == k) if n > 1 else stmt


def retryable_contents(
    session: Session, frequency: str, after_id: int, limit: int, share: tuple[int, int] = (0, 1)
) -> list[tuple[int, str, tuple[int, ...]]]:
    """(id, period key, event ids) of the next ``limit`` pending or failed rows (id > after_id)."""
    stmt = (
        select(Delivery.id, Delivery.period_key, Delivery.event_ids)
        .where(Delivery.frequency == frequency, Delivery.status.in_(RETRYABLE), Delivery.id > after_id)
        .order_by(Delivery.id)
        .limit(limit)
    )
    return [(i, key, tuple(events or ())) for i, key, events in session.execute(_share(stmt, share))]


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
_CLAIM = (
    update(_TABLE)
    .where(_DELIVERIES.id == bindparam("row_id"), _DELIVERIES.status.in_(RETRYABLE))
    .values(status="sending", message_id=bindparam("msg_id"))
)
_FINISH = (
    update(_TABLE)
    .where(_DELIVERIES.id == bindparam("row_id"))
    .values(
        status=bindparam("new_status"),
        last_error=bindparam("error"),
        attempts=_DELIVERIES.attempts + bindparam("tried", type_=Integer),
        sent_at=func.coalesce(bindparam("when", type_=_DELIVERIES.sent_at.type), _DELIVERIES.sent_at),
    )
)


def _count(result: object) -> int:
    """Rows an UPDATE touched."""
    return result.rowcount if isinstance(result, CursorResult) else 0


def claim(session: Session, delivery_id: int, message_id: str) -> bool:
    """pending/failed -> sending; False when another run took the row first."""
    return _count(session.execute(_CLAIM, {"row_id": delivery_id, "msg_id": message_id})) == 1


def finish(
    session: Session,
    delivery_id: int,
    status: str,
    *,
    error: str | None = None,
    sent_at: datetime | None = None,
    attempted: bool = False,
) -> None:
    """Record how an attempt ended (``sent``, ``pending``, ``failed``, ``rejected``, ``unknown``…).

    ``attempted``: the message reached the server (counts towards the retry limit); a server
    that could not be reached at all does not use up the row's attempts.
    """
    assert status in STATUSES, status
    params = {"row_id": delivery_id, "new_status": status, "error": error, "tried": int(attempted)}
    session.execute(_FINISH, {**params, "when": sent_at})


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
