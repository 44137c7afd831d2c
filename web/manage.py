"""Managing one subscriber's subscriptions from the link in their emails (the unsubscribe token).

The token proves the address; changes are small repository updates in one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from notifications.errors import BadToken
from notifications.filters import describe, filters_from_dict
from notifications.periods import check_frequency
from notifications.tokens import read_token, verify
from regtrack.settings import Settings
from storage.db import transaction
from storage.models import Subscriber, Subscription


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
    subscriber = session.get(Subscriber, claim.subscriber_id)
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
                description=describe(filters_from_dict(x.filters)),
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
