"""`regtrack subscribe | subscriptions | unsubscribe | confirm | digest`: subscriptions and digests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from notifications.errors import NotificationError
from notifications.filters import describe, filters_from_dict
from notifications.model import FREQUENCIES
from regtrack import errors
from regtrack.cli.output import out, print_json, print_table
from regtrack.errors import UsageError
from storage import subscriptions as subs
from storage.db import transaction

if TYPE_CHECKING:
    from regtrack.services import digests


def subscribe_cmd(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="The address that receives the digests."),
    issuer: list[str] = typer.Option([], "--issuer", help="Issuing body (part of its name); repeatable."),
    category: list[str] = typer.Option([], "--category", help="类别 (part of it); repeatable."),
    keyword: list[str] = typer.Option(
        [], "--keyword", help="Text in the title, 文号 or keywords; repeatable."
    ),
    kind: list[str] = typer.Option(
        [], "--kind", help="repeals, replaces, amends, partially_repeals, expires, cites, new; repeatable."
    ),
    document: list[str] = typer.Option([], "--document", help="A document (id, 文号 or title); repeatable."),
    chain: list[str] = typer.Option(
        [], "--chain", help="A document whose whole supersession chain is followed; repeatable."
    ),
    frequency: str = typer.Option("monthly", "--frequency", help=f"One of {', '.join(FREQUENCIES)}."),
    notify: list[str] = typer.Option([], "--notify", help="Apprise URL for a chat summary; repeatable."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Subscribe an address (double opt-in: a confirmation link is mailed)."""
    from regtrack.services import digests  # the mail and notification stack, for these commands alone

    filters = {
        "issuers": issuer,
        "categories": category,
        "keywords": keyword,
        "kinds": kind,
        "documents": document,
        "chains": chain,
    }
    settings = ctx.obj.settings
    result = digests.subscribe(ctx.obj.engine(), settings, email, filters, frequency, notify)
    if as_json:
        print_json(
            {
                "subscriber_id": result.subscriber_id,
                "subscription_id": result.subscription_id,
                "email": result.email,
                "frequency": result.frequency,
                "filters": result.filters,
                "active": result.active,
                "confirm_url": result.confirm_url,
            }
        )
        return
    what = describe(filters_from_dict(result.filters))
    if result.active:
        out.print(f"{result.email} already receives this ({result.frequency}: {what})", markup=False)
        return
    where = "mailed" if settings.smtp_url else f"written to {settings.outbox_dir}"
    out.print(
        f"subscription {result.subscription_id} for {result.email} ({result.frequency}: {what})", markup=False
    )
    out.print(f"confirmation link {where}: {result.confirm_url}", markup=False)


def subscriptions_cmd(
    ctx: typer.Context,
    email: str | None = typer.Option(None, "--email", help="Only this address."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """List subscribers and their subscriptions."""
    from notifications.chat import redact  # Apprise

    with transaction(ctx.obj.engine()) as session:
        rows: list[dict[str, Any]] = [
            {
                "email": s.email,
                "state": "unsubscribed"
                if s.unsubscribed_at
                else ("confirmed" if s.confirmed_at else "unconfirmed"),
                "subscription_id": sub.id,
                "frequency": sub.frequency,
                "active": sub.active,
                "filters": sub.filters,
                "channels": [redact(u) for u in sub.apprise_urls or []],
            }
            for s in subs.list_subscriptions(session, email.strip().lower() if email else None)
            for sub in s.subscriptions
        ]
    if as_json:
        print_json(rows)
        return
    print_table(
        f"{len(rows)} subscriptions",
        ["id", "email", "state", "frequency", "active", "filters", "channels"],
        (
            [
                r["subscription_id"],
                r["email"],
                r["state"],
                r["frequency"],
                "yes" if r["active"] else "awaiting confirmation",
                describe(filters_from_dict(r["filters"])),
                ", ".join(r["channels"]),
            ]
            for r in rows
        ),
    )


def unsubscribe_cmd(
    ctx: typer.Context,
    who: str = typer.Argument(..., help="An email address, or the token of an unsubscribe link."),
) -> None:
    """Stop all mail to an address (its subscriptions are removed)."""
    from regtrack.services import digests  # the mail and notification stack, for these commands alone

    done = digests.unsubscribe(ctx.obj.engine(), ctx.obj.settings, who, trusted=True)
    out.print(f"{done.email} unsubscribed ({done.count} subscriptions removed)", markup=False)


def confirm_cmd(
    ctx: typer.Context, token: str = typer.Argument(..., help="The token of a confirmation link.")
) -> None:
    """Confirm a subscription by its token (what the /confirm/{token} page does)."""
    from regtrack.services import digests  # the mail and notification stack, for these commands alone

    done = digests.confirm(ctx.obj.engine(), ctx.obj.settings, token)
    out.print(f"{done.email} confirmed ({done.count} subscriptions started)", markup=False)


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--now takes a time like 2024-04-01T09:00+08:00, not {value!r}") from exc


def _print_report(report: digests.SendReport) -> None:
    counts = (
        "planned",
        "empty",
        "sent",
        "failed",
        "deferred",
        "rejected",
        "unknown",
        "skipped",
        "left_pending",
    )
    periods = ", ".join(report.periods) or "none due"
    out.print(
        f"{report.frequency} ({periods}): " + ", ".join(f"{k} {getattr(report, k)}" for k in counts),
        markup=False,
    )
    if report.chat_sent or report.chat_failed:
        out.print(f"  chat summaries: {report.chat_sent} sent, {report.chat_failed} failed", markup=False)
    for line in report.errors:
        out.print(f"  {line}", markup=False)
    if report.unknown:
        out.print(
            "  unknown: interrupted while sending; check the mail server log, then "
            "`regtrack digest --resolve-unknown sent|pending`",
            markup=False,
        )


def digest_cmd(
    ctx: typer.Context,
    preview: str | None = typer.Option(None, "--preview", help="Render what this address would get."),
    period: str | None = typer.Option(
        None, "--period", help="With --preview: 2024-03, 2024-W12 or 2024-03-19."
    ),
    html: bool = typer.Option(False, "--html", help="With --preview: print the HTML part."),
    eml: bool = typer.Option(False, "--eml", help="With --preview: print the whole message (RFC 5322)."),
    send: bool = typer.Option(False, "--send", help="Send every digest that is due."),
    frequency: str | None = typer.Option(None, "--frequency", help="With --send: only this frequency."),
    now: str | None = typer.Option(None, "--now", help="With --send: the time to plan for (ISO 8601)."),
    resolve_unknown: str | None = typer.Option(
        None, "--resolve-unknown", help="Mark deliveries left 'unknown' as sent or pending."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Preview a digest, send the digests that are due, or settle interrupted deliveries."""
    from regtrack.services import digests  # the mail and notification stack, for these commands alone

    engine, settings = ctx.obj.engine(), ctx.obj.settings
    if sum(map(bool, (preview, send, resolve_unknown))) != 1:
        raise UsageError("use exactly one of --preview EMAIL, --send or --resolve-unknown sent|pending")
    if resolve_unknown:
        changed = digests.resolve_unknown(engine, resolve_unknown)
        out.print(f"{changed} deliveries marked {resolve_unknown}", markup=False)
        return
    if preview:
        shown = digests.preview(engine, settings, preview, period)
        if as_json:
            print_json(
                {
                    "email": shown.email,
                    "period": shown.period_key,
                    "event_ids": list(shown.event_ids),
                    "subject": shown.rendered.subject,
                    "text": shown.rendered.text,
                    "html": shown.rendered.html,
                }
            )
        elif eml:
            typer.echo(shown.message.as_string())
        else:
            typer.echo(
                shown.rendered.html if html else f"Subject: {shown.rendered.subject}\n\n{shown.rendered.text}"
            )
        return
    if frequency is not None and frequency not in FREQUENCIES:
        raise UsageError(f"unknown frequency {frequency!r}; use one of {', '.join(FREQUENCIES)}")
    when = _parse_now(now)
    reports = [
        digests.send_due(engine, settings, f, when) for f in ([frequency] if frequency else FREQUENCIES)
    ]
    if as_json:
        print_json([{**vars(r), "ok": r.ok} for r in reports])
    else:
        for report in reports:
            _print_report(report)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    errors.register(NotificationError)
    app.command("subscribe")(subscribe_cmd)
    app.command("subscriptions")(subscriptions_cmd)
    app.command("unsubscribe")(unsubscribe_cmd)
    app.command("confirm")(confirm_cmd)
    app.command("digest")(digest_cmd)
