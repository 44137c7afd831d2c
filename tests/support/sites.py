"""Real HTTP on 127.0.0.1 for the tests (no tests here): ``serve_http`` runs any request handler
(plain or TLS) in a thread; ``serve_site`` runs a little web site on it that serves feeds and
compilations with ETag/Last-Modified, has routes that hang until released (a source that times
out), and records every request, JSON POSTs included (a webhook receiver)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.conftest import sample_path

LAST_MODIFIED = "Mon, 01 Apr 2024 01:00:00 GMT"


@contextmanager
def serve_http(handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """``handler`` served on a free port of 127.0.0.1 until the block ends; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Site:
    """Routes of a little web site; ``hang`` paths answer only once ``release`` is set."""

    base: str = ""
    routes: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    posts: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

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

    def paths(self) -> list[str]:
        """The path of every GET, in order."""
        return [p for p, _headers in self.requests]


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


class _SiteHandler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        site = self.site
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

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.site.posts.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site()
    with serve_http(type("SiteHandler", (_SiteHandler,), {"site": site})) as base:
        site.base = base
        try:
            yield site
        finally:
            site.release.set()
