"""Building the email: multipart text + HTML, Chinese subject, RFC 2369/8058 unsubscribe headers.

The message is written straight to bytes (CRLF lines, base64 parts, headers folded by the
email package's SMTP policy): ten thousand digests a run cannot afford the email package's
line-by-line generator. ``Outgoing.as_email()`` parses it back into an ``EmailMessage`` for
previews and tests, so what is inspected is exactly what is sent.
"""

from __future__ import annotations

import binascii
import email
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.header import Header
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


def read_rendered(msg: EmailMessage) -> Rendered:
    """Subject, text and HTML read back from a built message."""
    text, html = (msg.get_body((subtype,)) for subtype in ("plain", "html"))
    assert text is not None and html is not None, "a regtrack message has both parts"
    return Rendered(str(msg["Subject"]), text.get_content(), html.get_content())


@lru_cache(maxsize=16)  # parsed once, not for every message of a run
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


@lru_cache(maxsize=4)
def _date(when: datetime) -> bytes:
    """The Date header, to the second (a run writes many messages a second)."""
    return _raw("Date", format_datetime(when))


def _subject_header(subject: str) -> bytes:
    """The Subject header, RFC 2047-encoded in utf-8 words by the email package's ``Header``, in a
    seventh of the SMTP policy's time (a run encodes one per distinct digest). It reads back as the
    same subject; the encoded words may differ from the policy's (base64 where it chose
    quoted-printable, a trailing ASCII word encoded)."""
    if subject.isascii():
        return _folded("Subject", subject)
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
    return f"Subject: {encoded}\r\n".encode("ascii")


def _raw(name: str, value: str) -> bytes:
    """An ASCII header written as is: long URLs must stay clickable (RFC 2369), not encoded."""
    return f"{name}: {value}\r\n".encode("ascii")


_LINE = re.compile(rb".{1,76}", re.DOTALL)


def _base64_lines(data: bytes) -> bytes:
    """Base64 in lines of at most 76 characters, each ended by CRLF (RFC 2045), in C."""
    lines = _LINE.findall(binascii.b2a_base64(data, newline=False))
    return b"\r\n".join(lines) + b"\r\n" if lines else b""


@dataclass(frozen=True)
class Base64Start:
    """A text part's beginning, base64-encoded once for every message that continues it.

    Base64 works on 3-byte groups, so the encoding of a concatenation is the concatenation of
    the encodings when the first piece is a whole number of groups: the start is encoded up to
    its last whole group, and the 0–2 bytes left over go with each message's own ending.
    """

    lines: bytes
    rest: bytes

    @classmethod
    def of(cls, text: str) -> Base64Start:
        data = text.encode("utf-8")
        cut = len(data) - len(data) % 3
        return cls(_base64_lines(data[:cut]), data[cut:])

    def then(self, ending: str) -> bytes:
        """The whole part's base64: this start, then ``ending``."""
        return self.lines + _base64_lines(self.rest + ending.encode("utf-8"))


@dataclass(frozen=True)
class SharedBody:
    """What every recipient of one digest body shares, encoded once: subject, text, HTML."""

    subject: str
    subject_header: bytes
    text: Base64Start
    html: Base64Start

    @classmethod
    def of(cls, subject: str, text: str, html: str) -> SharedBody:
        return cls(subject, _subject_header(subject), Base64Start.of(text), Base64Start.of(html))


def _part(subtype: str, encoded: bytes) -> bytes:
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    return head.encode("ascii") + encoded


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
    return assemble(
        SharedBody.of(rendered.subject, rendered.text, rendered.html),
        mail_from=mail_from,
        to=to,
        msg_id=msg_id,
        when=when,
        unsubscribe_url=unsubscribe_url,
        unsubscribe_token=unsubscribe_token,
    )


def assemble(
    shared: SharedBody,
    *,
    text_end: str = "",
    html_end: str = "",
    mail_from: str,
    to: str,
    msg_id: str,
    when: datetime,
    unsubscribe_url: str | None = None,
    unsubscribe_token: str | None = None,
) -> Outgoing:
    """The message whose text and HTML are the shared ones followed by ``text_end``/``html_end``."""
    boundary = f"=_regtrack_{secrets.token_hex(12)}"  # "=_" never starts a base64 line
    headers = [
        _folded("From", mail_from),
        _raw("To", to),
        shared.subject_header,
        _date(when),
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
            _part("plain", shared.text.then(text_end)),
            sep,
            _part("html", shared.html.then(html_end)),
            f"--{boundary}--\r\n".encode("ascii"),
        )
    )
    return Outgoing(msg_id, data)
