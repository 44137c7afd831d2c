"""Managing one subscriber's subscriptions from the link in their emails (the unsubscribe token).

The token proves the address; changes are small repository updates in one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from notifications.errors import BadToken
from notifications.model import EVENT_LABELS
from notifications.periods import check_frequency
from notifications.tokens import read_token, verify
from regtrack.settings import Settings
from storage.db import transaction
from storage.models import Subscriber, Subscription

_FIELD_NAMES = (
    ("issuers", "发文机关"),
    ("categories", "类别"),
    ("keywords", "关键词"),
    ("kinds", "变化类型"),
    ("documents", "跟踪文件"),
    ("chains", "跟踪沿革"),
)


def describe_zh(filters: dict[str, Any]) -> str:
    """A subscription's filters as a person reads them: 发文机关：A、B；变化类型：废止."""
    parts = []
    for name, label in _FIELD_NAMES:
        values = filters.get(name) or []
        if name == "kinds":
            values = [EVENT_LABELS.get(v, v) for v in values]
        elif name in ("documents", "chains"):
            values = [f"#{v}" for v in values]
        if values:
            parts.append(f"{label}：{'、'.join(map(str, values))}")
    return "；".join(parts) or "全部变化"


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    description: str
    filters: dict[str, Any]
    frequency: str
    active: bool


@dataclass(frozen=True)
class SubscriberView:
    id: int
    email: str
    confirmed: bool
    subscriptions: tuple[SubscriptionView, ...]


def _subscriber(session: Session, settings: Settings, token: str) -> Subscriber:
    claim = read_token(token)
    subscriber = session.get(Subscriber, claim.subject_id)
    if subscriber is None:
        raise BadToken("this link is no longer valid: the subscription was removed")
    verify(settings.secret_key, claim, "unsubscribe", subscriber.email)
    return subscriber


def subscriber_view(engine: Engine, settings: Settings, token: str) -> SubscriberView:
    with transaction(engine) as session:
        s = _subscriber(session, settings, token)
        subs = tuple(
            SubscriptionView(
                id=x.id,
                description=describe_zh(dict(x.filters or {})),
                filters=dict(x.filters or {}),
                frequency=x.frequency,
                active=x.active,
            )
            for x in sorted(s.subscriptions, key=lambda x: x.id)
        )
        return SubscriberView(s.id, s.email, s.confirmed_at is not None, subs)


def _owned(session: Session, subscriber: Subscriber, subscription_id: int) -> Subscription:
    row = session.scalars(
        select(Subscription).where(
            Subscription.id == subscription_id, Subscription.subscriber_id == subscriber.id
        )
    ).one_or_none()
    if row is None:
        raise BadToken(f"subscription {subscription_id} is not one of this address's subscriptions")
    return row


def set_frequency(
    engine: Engine, settings: Settings, token: str, subscription_id: int, frequency: str
) -> None:
    check_frequency(frequency)
    with transaction(engine, write=True) as session:
        row = _owned(session, _subscriber(session, settings, token), subscription_id)
        row.frequency = frequency


def remove(engine: Engine, settings: Settings, token: str, subscription_id: int) -> None:
    with transaction(engine, write=True) as session:
        session.delete(_owned(session, _subscriber(session, settings, token), subscription_id))
