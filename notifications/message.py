"""Building the email: multipart text + HTML, Chinese subject, RFC 2369/8058 unsubscribe headers.

The message is written straight to bytes (CRLF lines, base64 parts, headers folded by the
email package's SMTP policy): ten thousand digests a run cannot afford the email package's
line-by-line generator. ``Outgoing.as_email()`` parses it back into an ``EmailMessage`` for
previews and tests, so what is inspected is exactly what is sent.
"""

from __future__ import annotations

import binascii
import email
import secrets
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from urllib.parse import quote

from notifications.errors import InvalidEmail
from notifications.render import Rendered

POLICY = policy.SMTP


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    data: bytes  # RFC 5322, CRLF line ends, 7-bit: ready for SMTP DATA or an .eml file

    def as_email(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


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


@lru_cache(maxsize=1024)
def _folded(name: str, value: str) -> bytes:
    """A header folded and RFC 2047-encoded where needed (Chinese subject, sender name)."""
    return POLICY.fold_binary(*POLICY.header_store_parse(name, value))


def _raw(name: str, value: str) -> bytes:
    """An ASCII header written as is: long URLs must stay clickable (RFC 2369), not encoded."""
    return f"{name}: {value}\r\n".encode("ascii")


def _base64_lines(data: bytes) -> bytes:
    """Base64 in 76-character CRLF lines (RFC 2045), encoded in one call."""
    flat = binascii.b2a_base64(data, newline=False)
    return b"".join(flat[i : i + 76] + b"\r\n" for i in range(0, len(flat), 76))


def _part(subtype: str, text: str) -> bytes:
    body = _base64_lines(text.encode("utf-8"))
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    return head.encode("ascii") + body


def build_message(
    rendered: Rendered,
    *,
    mail_from: str,
    to: str,
    msg_id: str,
    when: datetime,
    unsubscribe_url: str | None = None,
    unsubscribe_token: str | None = None,
) -> Outgoing:
    """multipart/alternative (plain text first, HTML preferred) with the list headers."""
    boundary = f"=_regtrack_{secrets.token_hex(12)}"  # "=_" never starts a base64 line
    headers = [
        _folded("From", mail_from),
        _raw("To", to),
        _folded("Subject", rendered.subject),
        _raw("Date", format_datetime(when)),
        _raw("Message-ID", msg_id),
        _raw("Auto-Submitted", "auto-generated"),
    ]
    if unsubscribe_url and unsubscribe_token:
        mailto = f"mailto:{sender_address(mail_from)}?subject={quote('unsubscribe ' + unsubscribe_token)}"
        headers += [
            f"List-Unsubscribe: <{unsubscribe_url}>,\r\n <{mailto}>\r\n".encode("ascii"),
            _raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            _raw("Precedence", "bulk"),
        ]
    headers += [
        _raw("MIME-Version", "1.0"),
        _raw("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    sep = f"--{boundary}\r\n".encode("ascii")
    data = b"".join(
        (
            *headers,
            b"\r\n",
            sep,
            _part("plain", rendered.text),
            sep,
            _part("html", rendered.html),
            f"--{boundary}--\r\n".encode("ascii"),
        )
    )
    return Outgoing(msg_id, data)
