"""How uvicorn serves the app: a deadline on reading each request's headers.

uvicorn closes a connection left idle after a response (``timeout_keep_alive``), but a client
that connects and sends nothing, or half a request line, is kept forever: a few hundred such
half-open connections hold a server's sockets and file descriptors (slowloris). This protocol
gives every request ``HEADER_TIMEOUT_S`` seconds from its first byte (or from the connection,
for the first request) to the end of its headers, then closes the connection.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = float(os.environ.get("REGTRACK_HEADER_TIMEOUT_S", "10"))
KEEP_ALIVE_S = 5  # uvicorn's default, said here so both limits read together

# What `serve` and `run` hand to uvicorn.run (an import string, so that worker processes load it).
UVICORN_OPTIONS: dict[str, Any] = {
    "http": "web.serving:HeaderDeadlineProtocol",
    "timeout_keep_alive": KEEP_ALIVE_S,
}


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's headers."""

    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._give_up)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _give_up(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
