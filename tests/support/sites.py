"""Shared by the source, polling and flow tests (no tests here): a real HTTP site on 127.0.0.1
that serves feeds and compilations with ETag/Last-Modified, one route that hangs until released
(a source that times out), and a real SMTP server (aiosmtpd) that records what it receives."""

from __future__ import annotations

import contextlib
import email
import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.conftest import sample_path

LAST_MODIFIED = "Mon, 01 Apr 2024 01:00:00 GMT"


@dataclass
class Site:
    """Routes of a little web site; ``hang`` paths answer only once ``release`` is set."""

    base: str = ""
    routes: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def put(self, path: str, body: bytes, content_type: str = "text/plain; charset=utf-8") -> str:
        self.routes[path] = (body, content_type)
        return self.url(path)

    def put_sample(self, path: str, prefix: str) -> str:
        return self.put(path, sample_path(prefix).read_bytes())

    def put_feed(self, path: str, links: list[str], title: str = "样例") -> str:
        return self.put(path, atom_feed(links, title), "application/atom+xml")

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


def atom_feed(links: list[str], title: str = "样例") -> bytes:
    entries = "".join(
        f"<entry><title>{title} {i}</title><id>urn:t:{i}</id>"
        f"<updated>2024-03-0{i % 9 + 1}T09:00:00+08:00</updated>"
        f'<link rel="enclosure" href="{href}"/></entry>'
        for i, href in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:t</id><updated>2024-04-01T00:00:00Z</updated>{entries}</feed>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        site: Site = self.server.site
        site.requests.append((self.path, dict(self.headers.items())))
        if self.path in site.hang:
            site.release.wait(30)
        if self.path not in site.routes:
            self.send_error(404)
            return
        body, content_type = site.routes[self.path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.site = site  # type: ignore[attr-defined]
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.release.set()
        server.shutdown()
        server.server_close()


class Mailbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK queued"

    def to(self, recipient: str) -> list[EmailMessage]:
        with self.lock:
            return [msg for rcpts, msg in self.messages if recipient in rcpts]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, str]]:
    """A real SMTP server on 127.0.0.1; yields (mailbox, smtp:// URL)."""
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd checks readiness by connecting: it needs a real port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll with a deadline (never a bare sleep as synchronisation)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
