"""Building the email: multipart text + HTML, Chinese subject, RFC 2369/8058 unsubscribe headers."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from urllib.parse import quote

from notifications.errors import InvalidEmail
from notifications.render import Rendered

# List-Unsubscribe is stored raw (set_raw) and written as is: the email package would otherwise
# RFC 2047-encode a long URL, which mail clients cannot click (RFC 2369 wants it verbatim).
POLICY = SMTP.clone(refold_source="none")


def sender_address(mail_from: str) -> str:
    """The bare address of the configured sender ("regtrack <a@b>" -> "a@b")."""
    address = parseaddr(mail_from)[1]
    if "@" not in address:
        raise InvalidEmail(f"REGTRACK_MAIL_FROM {mail_from!r} has no email address")
    return address


def message_id(mail_from: str, *parts: object) -> str:
    """A stable Message-ID for one outbox row, so a resent copy could be recognised as the same."""
    domain = sender_address(mail_from).rsplit("@", 1)[1]
    local = ".".join(str(p).replace(" ", "") for p in parts)
    return f"<regtrack.{local}@{domain}>"


def build_message(
    rendered: Rendered,
    *,
    mail_from: str,
    to: str,
    msg_id: str,
    when: datetime,
    unsubscribe_url: str | None = None,
    unsubscribe_token: str | None = None,
) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = mail_from
    msg["To"] = Address(addr_spec=to)
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url and unsubscribe_token:
        mailto = f"mailto:{sender_address(mail_from)}?subject={quote('unsubscribe ' + unsubscribe_token)}"
        msg.set_raw("List-Unsubscribe", f"<{unsubscribe_url}>,{POLICY.linesep} <{mailto}>")
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg["Precedence"] = "bulk"
    msg.set_content(rendered.text, charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg
