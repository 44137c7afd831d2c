"""How a built message leaves: the outcome a sender must know to never send a copy twice.

A transport either returns (the server took the message), raises ``NotSent`` (it certainly did
not: the connection failed before the message was handed over, or the server refused it), or
raises ``MaybeSent`` (the message was handed over but no answer came back: it may have gone).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from notifications.message import Outgoing


class NotSent(Exception):
    """The message certainly did not leave.

    ``connection``: the server is unreachable or went away (try again later, every message);
    ``permanent``: the server refused this message for good (5xx), do not try again.
    """

    def __init__(self, message: str, *, connection: bool = False, permanent: bool = False) -> None:
        super().__init__(message)
        self.connection = connection
        self.permanent = permanent


class MaybeSent(Exception):
    """The message was handed over and the answer was lost: it must not be sent again blindly."""


class Transport(Protocol):
    def send(self, msg: Outgoing, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


def open_transport(smtp_url: str | None, outbox_dir: Path) -> Transport:
    """SMTP when a URL is configured, else .eml files in the outbox folder (works out of the box)."""
    if smtp_url:
        from notifications.smtp import SmtpTransport, parse_smtp_url

        return SmtpTransport(parse_smtp_url(smtp_url))
    from notifications.outbox_files import FileTransport

    return FileTransport(outbox_dir)
