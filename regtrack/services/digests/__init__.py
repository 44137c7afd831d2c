"""Application services for subscriptions and digests: what the CLI, the web app and flows call.

Each function owns its transactions. ``send_due`` plans the due periods into the outbox
(one row per subscriber and period, unique in the schema), then sends each row through the
state machine of ``storage.outbox``: a period is never sent twice, even across crashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from notifications.atom import atom_feed
from notifications.catalog import Catalog
from notifications.chat import check_apprise_url
from notifications.errors import BadToken, InvalidFilter, RateLimited, TransportError, UnknownSubscriber
from notifications.filters import (
    check_email,
    filters_from_dict,
    filters_to_dict,
    matching_event_ids,
)
from notifications.links import Links
from notifications.message import build_message, message_id, read_rendered, sender_address
from notifications.model import EventData
from notifications.periods import aware, check_frequency, period_containing, period_from_key
from notifications.render import Rendered, render_confirmation
from notifications.tokens import make_token, read_token, verify
from notifications.transport import MaybeSent, NotSent, open_transport
from regtrack.services.digests.planner import plan_due
from regtrack.services.digests.pool import PARALLEL_FROM, SenderPool
from regtrack.services.digests.sender import (
    MailConfig,
    SendReport,
    content_groups,
    count_left_pending,
    digest_message,
    fill_events,
    send_rows,
)
from regtrack.settings import Settings
from storage import outbox
from storage import subscriptions as subs
from storage.db import transaction
from storage.documents import find_document
from storage.models import Subscriber, Subscription
from storage.ratelimits import allow

RETRY_DELAYS = (1.0, 4.0, 15.0)  # seconds to wait for a mail server that went away mid-run
CONFIRM_TTL = timedelta(days=7)  # a confirmation link works this long, once
# (actions, window): confirmation mails to one address; subscribe requests from one client
CONFIRMATIONS_PER_ADDRESS = (3, timedelta(hours=1))
SUBSCRIBES_PER_CLIENT = (10, timedelta(minutes=10))


def mail_config(settings: Settings) -> MailConfig:
    return MailConfig(
        settings.mail_from, settings.base_url, settings.secret_key, settings.smtp_url, settings.outbox_dir
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


# -- subscribing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscribed:
    subscriber_id: int
    subscription_id: int
    email: str
    frequency: str
    filters: dict[str, list[Any]]
    token: str
    confirm_url: str
    active: bool  # already confirmed (nothing to do); else a confirmation email went out


def _resolve_documents(session: Session, refs: Iterable[Any]) -> list[int]:
    """Document ids from ids or references (id, 文号, title), checked to exist."""
    return [find_document(session, str(ref)).id for ref in refs or ()]


def _clean_filters(session: Session, filters: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    raw = dict(filters or {})
    for name in ("documents", "chains"):
        if raw.get(name):
            raw[name] = _resolve_documents(session, raw[name])
    return filters_to_dict(filters_from_dict(raw))


def subscribe(
    engine: Engine,
    settings: Settings,
    email: str,
    filters: Mapping[str, Any] | None,
    frequency: str = "monthly",
    apprise_urls: Sequence[str] = (),
    client: str | None = None,
) -> Subscribed:
    """Store a subscription awaiting double opt-in and mail the confirmation link.

    ``filters``: issuers, categories, keywords, kinds, documents, chains (documents and chains
    may be given as ids or references). Bad input raises before anything is stored, and so does
    a request over the limits (``RateLimited``): per ``client`` (the web's caller) and per address.
    """
    email = check_email(email)
    check_frequency(frequency)
    urls = [check_apprise_url(u) for u in apprise_urls]
    now = _utcnow()
    with transaction(engine, write=True) as session:
        if client and not allow(session, f"subscribe:{client}", *SUBSCRIBES_PER_CLIENT, now):
            raise RateLimited("too many subscribe requests from this client; try again in a few minutes")
        clean = _clean_filters(session, filters)
        subscriber = subs.ensure_subscriber(session, email)
        if subscriber.unsubscribed_at is not None:
            subscriber.unsubscribed_at = None
        subscription, _created = subs.add_subscription(session, subscriber, clean, frequency, urls)
        if not subscription.active and not allow(
            session, f"confirm:{email}", *CONFIRMATIONS_PER_ADDRESS, now
        ):
            raise RateLimited(
                f"a confirmation email went to {email} a short while ago; check the inbox or try later"
            )
        issued = int(now.timestamp())
        result = Subscribed(
            subscriber.id,
            subscription.id,
            email,
            frequency,
            clean,
            token := make_token(
                settings.secret_key, "confirm", subscription.id, _bound(email, subscription), issued
            ),
            Links(settings.base_url).confirm(token),
            subscription.active,
        )
    if not result.active:
        _send_confirmation(settings, result)
    return result


def _send_confirmation(settings: Settings, s: Subscribed) -> None:
    rendered = render_confirmation(email=s.email, frequency=s.frequency, confirm_url=s.confirm_url)
    now = _utcnow()
    msg = build_message(
        rendered,
        mail_from=settings.mail_from,
        to=s.email,
        msg_id=message_id(settings.mail_from, "confirm", s.subscription_id, int(now.timestamp() * 1000)),
        when=now,
    )
    transport = open_transport(settings.smtp_url, settings.outbox_dir)
    try:
        transport.send(msg, sender_address(settings.mail_from), s.email)
    except (NotSent, MaybeSent) as exc:
        raise TransportError(
            f"subscription stored, but the confirmation email was not sent ({exc}); subscribe again to resend"
        ) from exc
    finally:
        transport.close()


def _subscriber_for(session: Session, settings: Settings, token: str, purpose: str) -> Subscriber:
    claim = read_token(token)
    subscriber = session.get(Subscriber, claim.subject_id)
    if subscriber is None:
        raise BadToken(f"this {purpose} link is not valid (no such subscription any more)")
    verify(settings.secret_key, claim, purpose, subscriber.email)
    return subscriber


@dataclass(frozen=True)
class Changed:
    email: str
    count: int  # subscriptions activated (confirm) or removed (unsubscribe)


def _bound(email: str, subscription: Subscription) -> str:
    """What a confirmation link signs besides its ids: the address and the subscription's nonce."""
    return f"{email}\x00{subscription.confirm_nonce or ''}"


def confirm(engine: Engine, settings: Settings, token: str) -> Changed:
    """Finish the double opt-in of the one subscription the token was issued for (count 0 when it
    is already active: a link used twice changes nothing). The link expires after CONFIRM_TTL."""
    claim = read_token(token)
    if claim.purpose != "confirm" or claim.issued is None:
        raise BadToken("this confirmation link is not valid or has expired; subscribe again for a new one")
    now = _utcnow()
    with transaction(engine, write=True) as session:
        subscription = session.get(Subscription, claim.subject_id)
        if subscription is None:
            raise BadToken("this confirmation link is not valid (no such subscription any more)")
        subscriber = subscription.subscriber
        verify(settings.secret_key, claim, "confirm", _bound(subscriber.email, subscription))
        if now.timestamp() - claim.issued > CONFIRM_TTL.total_seconds():
            raise BadToken("this confirmation link has expired; subscribe again for a new one")
        return Changed(subscriber.email, subs.confirm_subscription(session, subscription, now))


def unsubscribe(engine: Engine, settings: Settings, token_or_email: str, *, trusted: bool = False) -> Changed:
    """Stop all mail to a subscriber, from an unsubscribe token (web, one-click) or, when
    ``trusted`` (the operator's CLI), from the bare address."""
    with transaction(engine, write=True) as session:
        if "@" in token_or_email:
            if not trusted:
                raise BadToken("unsubscribing by address needs the link from an email")
            email = check_email(token_or_email)
            found = subs.find_subscriber(session, email)
            if found is None:
                raise UnknownSubscriber(f"no subscriber with the address {email}")
            subscriber = found
        else:
            subscriber = _subscriber_for(session, settings, token_or_email, "unsubscribe")
        return Changed(subscriber.email, subs.unsubscribe_subscriber(session, subscriber, _utcnow()))


def unsubscribe_token(settings: Settings, subscriber_id: int, email: str) -> str:
    return make_token(settings.secret_key, "unsubscribe", subscriber_id, email)


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    email: str
    period_key: str
    event_ids: tuple[int, ...]
    rendered: Rendered
    message: EmailMessage


def preview(engine: Engine, settings: Settings, email: str, period: str | None = None) -> Preview:
    """What this person would get for a period (2024-03, 2024-W12, 2024-03-19; default this
    month so far), matching all their subscriptions, confirmed or not. Nothing is stored."""
    email = check_email(email)
    chosen = period_from_key(period) if period else period_containing("monthly", _utcnow())
    with transaction(engine) as session:
        subscriber = subs.find_subscriber(session, email)
        if subscriber is None or not subscriber.subscriptions:
            raise UnknownSubscriber(f"{email} has no subscriptions; add one with `regtrack subscribe`")
        catalog = Catalog(subs.supersession_edges(session))
        events = catalog.add_events(subs.events_between(session, chosen.start, chosen.end))
        filters = [catalog.compiled(s.filters) for s in subscriber.subscriptions]
        subscriber_id, frequency = subscriber.id, subscriber.subscriptions[0].frequency
    matched = matching_event_ids(filters, catalog.keys(events))
    chosen_events = fill_events(engine, catalog, matched)
    msg_id = message_id(settings.mail_from, "preview", subscriber_id, chosen.key)
    msg = digest_message(
        mail_config(settings),
        catalog,
        subscriber_id=subscriber_id,
        email=email,
        frequency=frequency,
        period=chosen,
        events=chosen_events,
        msg_id=msg_id,
    )
    sent = msg.as_email()  # what the preview shows is read back from what would be sent
    return Preview(email, chosen.key, tuple(matched), read_rendered(sent), sent)


def atom(
    engine: Engine,
    settings: Settings,
    *,
    issuer: str | None = None,
    category: str | None = None,
    q: str | None = None,
    limit: int = 50,
) -> bytes:
    """The Atom feed served at ``/feeds/atom?issuer=…&category=…&q=…``: newest matching events."""
    raw = {
        k: [v] for k, v in (("issuers", issuer), ("categories", category), ("keywords", q)) if v and v.strip()
    }
    catalog = Catalog()
    compiled = catalog.compiled(raw)
    found: list[EventData] = []
    before: int | None = None
    with transaction(engine) as session:
        for _page in range(20):  # at most 10,000 recent events scanned
            page = subs.latest_events(session, before, 500)
            if not page:
                break
            found += [
                e
                for e, k in zip(page, catalog.keys(page), strict=True)
                if matching_event_ids([compiled], [k])
            ]
            before = page[-1].id
            if len(found) >= limit:
                break
    title = "regtrack 法规动态" + "".join(f" · {v}" for v in (issuer, category, q) if v)
    links = Links(settings.base_url)
    return atom_feed(found[:limit], title, links.feed(issuer, category, q), links)


# -- sending -------------------------------------------------------------------------------


def send_due(
    engine: Engine,
    settings: Settings,
    frequency: str,
    now: datetime | None = None,
    *,
    retry_delays: Sequence[float] = RETRY_DELAYS,
    workers: int | None = None,
) -> SendReport:
    """Plan every due period of ``frequency`` into the outbox and send what is waiting there.

    ``now`` decides which periods are complete (default: the current time). ``retry_delays``
    are the waits for a mail server that goes away mid-run before the run stops; rows not
    tried stay ``pending`` for the next run. ``workers`` (default REGTRACK_SMTP_WORKERS)
    processes send a large run in parallel (see ``pool``); a small run, or one worker, is
    sent from this process. Rows with the same content go out together (``content_groups``).
    """
    check_frequency(frequency)
    now = aware(now) if now else _utcnow()
    workers = workers or settings.smtp_workers
    mail = mail_config(settings)
    report = SendReport(frequency)
    with transaction(engine, write=True) as session:
        report.unknown += outbox.interrupted_to_unknown(session, frequency)
        large = workers > 1 and (
            subs.active_subscriber_count(session, frequency) + outbox.retryable_count(session, frequency)
            >= PARALLEL_FROM
        )
    # The workers start (import, connect) while the run is planned here.
    pool = SenderPool(engine, mail, frequency, now, retry_delays, workers) if large else None
    try:
        catalog = plan_due(engine, frequency, now, report)
        groups = content_groups(engine, frequency)
        if pool is not None:
            reachable = pool.run(report, groups)
        else:
            ids = [row_id for group in groups for row_id in group]
            reachable = send_rows(engine, mail, catalog, now, report, retry_delays, ids)
    finally:
        if pool is not None:
            pool.close()
    if not reachable:
        count_left_pending(engine, report)
    return report


def resolve_unknown(engine: Engine, to_status: str) -> int:
    """The operator's decision on ``unknown`` rows after checking the mail server's log:
    ``sent`` (they arrived) or ``pending`` (send them on the next run)."""
    if to_status not in ("sent", "pending"):
        raise InvalidFilter(f"unknown deliveries can become sent or pending, not {to_status!r}")
    with transaction(engine, write=True) as session:
        return outbox.resolve_unknown(session, to_status)


def outbox_status(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return outbox.status_counts(session)
