"""A page cache for the reading pages, keyed on the data version and today's date.

A reading page (the home page, the document list, a document, its chain, a diff, the Atom feed,
the JSON API) changes only when the data does, or when the day does: statuses are computed for
today. So each rendered 200 response is kept under (path, query, data version, today); a hit
costs one one-row query and no rendering, and any write committed by any process — a scheduled
ingest, the CLI — moves every page to a new key (``storage.dataversion``).

Pure ASGI, outside FastAPI: a hit skips routing, dependencies and the thread pool. Responses that
set a cookie are never kept (a cookie must not be shared between browsers). An ETag lets a browser
revalidate with ``If-None-Match`` and get a bodiless 304.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine

from storage.dataversion import VersionReader
from web.security import ASGIApp, Message, Scope

# The GET pages whose content is a function of the data, the URL and the day only.
CACHEABLE = re.compile(
    r"/(?:|documents(?:/\d+(?:/chain)?)?|diff|diffs/\d+|feeds/atom|api/(?:documents|chain|diff)\b.*)"
)
REPLACED_HEADERS = {b"content-length", b"etag"}  # set anew on every answer from the cache


@dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes


class PageCache:
    """Pure ASGI middleware: serve a kept response, or keep what the app answers."""

    def __init__(
        self, app: ASGIApp, engine: Engine, max_bytes: int, query_names: Collection[str] = ()
    ) -> None:
        """``query_names``: the query parameters some route reads. Others change nothing on a page,
        so they are left out of the key: junk parameters neither force renders nor evict pages."""
        self.app, self.max_bytes, self.query_names = app, max_bytes, query_names
        self.reader = VersionReader(engine)
        self.entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.size = 0
        self.version: int | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_at_shutdown(send))
            return
        if (
            self.max_bytes <= 0
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or not CACHEABLE.fullmatch(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        try:
            version = self._data_version()
        except self.reader.errors:  # the database is away: the route says so in its own words
            await self.app(scope, receive, send)
            return
        key = (scope["path"], self._query_key(scope["query_string"]), version, dt.date.today())
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            await self._send(entry, _header(scope, b"if-none-match"), send)
            return
        await self._render(key, scope, receive, send)

    def _query_key(self, query_string: bytes) -> str:
        """The query as the routes read it: only parameters they know, in the order given."""
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        return urlencode([(name, value) for name, value in pairs if name in self.query_names])

    def _data_version(self) -> int:
        version = self.reader.read()  # tens of microseconds: it runs on the event loop
        if version != self.version:  # every kept page is stale now
            self.entries.clear()
            self.size, self.version = 0, version
        return version

    def _closing_at_shutdown(self, send: Any) -> Any:
        async def forward(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                self.reader.close()
            await send(message)

        return forward

    async def _send(self, entry: Entry, if_none_match: bytes | None, send: Any) -> None:
        if if_none_match is not None and entry.etag in _etags(if_none_match):
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", entry.etag)]})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode()), (b"etag", entry.etag)]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})

    async def _render(self, key: tuple[Any, ...], scope: Scope, receive: Any, send: Any) -> None:
        """Let the app answer; keep the answer when it may be shared, and send it with its ETag."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        entry = self._store(key, start, body)
        if entry is not None:
            await self._send(entry, _header(scope, b"if-none-match"), send)
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})

    def _store(self, key: tuple[Any, ...], start: Message, body: bytes) -> Entry | None:
        headers = start.get("headers", [])
        if start.get("status") != 200 or any(name.lower() == b"set-cookie" for name, _ in headers):
            return None
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        kept = tuple((name, value) for name, value in headers if name.lower() not in REPLACED_HEADERS)
        entry = Entry(start["status"], kept, body, etag)
        if len(body) <= self.max_bytes // 8 and key[2] == self.version:
            # (a larger page would crowd out the rest; a changed version means a write landed
            # while this page rendered, so it may hold newer data than its key says)
            replaced = self.entries.pop(key, None)  # two misses of one page rendered at once
            self.size += len(body) - (len(replaced.body) if replaced else 0)
            self.entries[key] = entry
            while self.size > self.max_bytes:
                _, evicted = self.entries.popitem(last=False)
                self.size -= len(evicted.body)
        return entry


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _etags(header: bytes) -> set[bytes]:
    return {tag.strip().removeprefix(b"W/") for tag in header.split(b",")}
