"""SMTP delivery with smtplib: ``smtp://`` (plain), ``smtp+starttls://``, ``smtps://`` (TLS).

``REGTRACK_SMTP_URL`` looks like ``smtp+starttls://user:pass@mail.example.org:587?timeout=20``;
user and password are percent-decoded; ``?verify=false`` accepts a self-signed certificate.
The connection is reused across messages. Which step failed decides the outcome: anything up to
the DATA command's 354 means the message certainly did not leave; a failure after the body
was written means it may have (``MaybeSent``).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from notifications.errors import TransportError
from notifications.message import Outgoing
from notifications.transport import MaybeSent, NotSent

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
MESSAGES_PER_CONNECTION = 200  # reconnect now and then: some servers cap messages per session


@dataclass(frozen=True)
class SmtpConfig:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    verify: bool = True

    def redacted(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpConfig:
    """SmtpConfig from ``REGTRACK_SMTP_URL``; TransportError names what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise TransportError(
            f"REGTRACK_SMTP_URL scheme {scheme!r} is not supported; use smtp://, smtp+starttls:// or smtps://"
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise TransportError("REGTRACK_SMTP_URL has an invalid port") from exc
    if not parts.hostname:
        raise TransportError("REGTRACK_SMTP_URL has no host (e.g. smtp://user:pass@mail.example.org:25)")
    query = parse_qs(parts.query)
    try:
        timeout = float(query.get("timeout", ["30"])[0])
    except ValueError as exc:
        raise TransportError("REGTRACK_SMTP_URL ?timeout= must be a number of seconds") from exc
    return SmtpConfig(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
        verify=query.get("verify", ["true"])[0].lower() not in ("0", "false", "no"),
    )


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: leading dots doubled, ended by <CRLF>.<CRLF> (RFC 5321).

    The message comes from the SMTP policy, so its lines already end in CRLF; a regtrack message
    (base64 parts, folded headers) has no line starting with a dot, so the doubling pass is
    usually skipped.
    """
    if b"\n." in data:
        data = data.replace(b"\r\n.", b"\r\n..")
    if data.startswith(b"."):
        data = b"." + data
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class SmtpTransport:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._conn: smtplib.SMTP | None = None
        self._sent_on_conn = 0

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.config.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        conn: smtplib.SMTP | None = None
        try:
            if c.scheme == "smtps":
                conn = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._context())
            else:
                conn = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            conn.ehlo_or_helo_if_needed()
            if c.scheme == "smtp+starttls":
                conn.starttls(context=self._context())
                conn.ehlo()
            if c.username:
                conn.login(c.username, c.password or "")
            return conn
        except smtplib.SMTPAuthenticationError as exc:
            # Nothing was sent: the run stops and every row stays pending until the URL is fixed.
            problem = (
                f"{c.redacted()} refused the user name or password in REGTRACK_SMTP_URL ({exc.smtp_code})"
            )
        except (smtplib.SMTPException, OSError) as exc:
            problem = f"cannot connect to {c.redacted()}: {exc}"
        if conn is not None:
            conn.close()
        raise NotSent(problem, connection=True)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _check(code: int, reply: bytes, step: str) -> None:
        if code in (250, 251, 354):
            return
        text = f"{step} refused: {code} {reply.decode(errors='replace')}"
        raise NotSent(text, connection=code == 421, permanent=500 <= code < 600)

    def _envelope(self, conn: smtplib.SMTP, sender: str, recipient: str) -> None:
        """MAIL, RCPT and DATA up to 354: a failure here means nothing was handed over."""
        try:
            if conn.has_extn("pipelining") and sender.isascii() and recipient.isascii():
                self._pipelined_envelope(conn, sender, recipient)
            else:
                self._check(*conn.mail(sender), "MAIL FROM")
                self._check(*conn.rcpt(recipient), "RCPT TO")
                conn.putcmd("data")
                self._check(*conn.getreply(), "DATA")
        except NotSent:
            if self._conn is not None:
                self._reset(conn)
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise NotSent(f"connection to {self.config.redacted()} lost: {exc}", connection=True) from exc

    def _pipelined_envelope(self, conn: smtplib.SMTP, sender: str, recipient: str) -> None:
        """The three commands in one write and their replies read in order (RFC 2920): one
        round trip to the server instead of three."""
        steps = ("MAIL FROM", "RCPT TO", "DATA")
        commands = (
            f"mail FROM:{smtplib.quoteaddr(sender)}\r\nrcpt TO:{smtplib.quoteaddr(recipient)}\r\ndata\r\n"
        )
        conn.send(commands.encode("ascii"))
        refused: tuple[int, bytes, str] | None = None
        for step in steps:
            try:
                code, reply = conn.getreply()
            except (smtplib.SMTPException, OSError):
                if refused is None:
                    raise
                self._drop()  # the server hung up after refusing: its refusal is the answer
                break
            if step == "DATA" and code == 354 and refused is not None:
                # DATA accepted although MAIL or RCPT was refused: end an empty message at once.
                conn.send(b".\r\n")
                conn.getreply()
            if refused is None and code not in (250, 251, 354):
                refused = (code, reply, step)
        if refused is not None:
            self._check(*refused)

    def _reset(self, conn: smtplib.SMTP) -> None:
        try:
            conn.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def send(self, msg: Outgoing, sender: str, recipient: str) -> None:
        reused = self._conn is not None
        if self._conn is None or self._sent_on_conn >= MESSAGES_PER_CONNECTION:
            self._drop()
            self._conn, self._sent_on_conn, reused = self._connect(), 0, False
        try:
            self._envelope(self._conn, sender, recipient)
        except NotSent as exc:
            if not (reused and exc.connection and self._conn is None):
                raise
            # An idle connection the server closed: one fresh connection before giving up.
            self._conn, self._sent_on_conn = self._connect(), 0
            self._envelope(self._conn, sender, recipient)
        payload = _dot_stuffed(msg.data)
        try:
            self._conn.send(payload)
            code, reply = self._conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise MaybeSent(
                f"no answer from {self.config.redacted()} after the message was sent: {exc}"
            ) from exc
        self._sent_on_conn += 1
        self._check(code, reply, "message")

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()
