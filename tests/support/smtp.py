"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives (no tests here).

It advertises PIPELINING unless told not to (so both ways of sending are tested). It can hold the n-th message until released, or refuse everything after n messages and stop
(a server going down mid-run); subclasses override aiosmtpd hooks to refuse in other ways."""

from __future__ import annotations

import asyncio
import email
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.net import free_port, wait_until


class SmtpSink:
    """An aiosmtpd handler that records every message; ``url`` is set while it is served."""

    def __init__(
        self, block_on: int | None = None, down_after: int | None = None, pipelining: bool = True
    ) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.pipelining = pipelining  # advertise RFC 2920, as real mail servers do
        self.block_on = block_on
        self.down_after = down_after
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.went_down = threading.Event()
        self.lock = threading.Lock()
        self.port = 0
        self.url = ""

    async def handle_EHLO(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self.pipelining:  # aiosmtpd reads commands in order, so it copes with pipelining
            responses = [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.down_after is not None and len(self.messages) >= self.down_after:
            self.went_down.set()  # the server stops right after this answer
            return "421 4.3.2 service shutting down"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
            count = len(self.messages)
        if self.block_on == count:
            self.blocked.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return "250 OK queued"

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return [msg for _rcpts, msg in self.messages]

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(rcpt for rcpts, _ in self.messages for rcpt in rcpts)

    def to(self, recipient: str) -> list[EmailMessage]:
        with self.lock:
            return [msg for rcpts, msg in self.messages if recipient in rcpts]

    def wait_for(self, predicate: Callable[[EmailMessage], bool], timeout: float = 20.0) -> EmailMessage:
        """The first message that matches, once it has arrived."""

        def found() -> EmailMessage | None:
            return next((msg for msg in self.received() if predicate(msg)), None)

        return wait_until(found, timeout, f"a matching message (got {len(self.messages)} so far)")


@contextmanager
def serve_smtp(
    sink: SmtpSink | None = None, *, timeout: float | None = None, **controller_options: Any
) -> Iterator[SmtpSink]:
    """Serve ``sink`` on a free port of 127.0.0.1; its ``url`` carries ``?timeout=`` when given.
    ``controller_options`` go to aiosmtpd (TLS, authentication). Stops when ``went_down`` is set."""
    sink = sink or SmtpSink()
    port = free_port()  # aiosmtpd checks readiness by connecting: it needs a real port number
    controller = Controller(sink, hostname="127.0.0.1", port=port, **controller_options)
    controller.start()
    sink.port = port
    sink.url = f"smtp://127.0.0.1:{port}" + (f"?timeout={timeout:g}" if timeout is not None else "")

    def stop_when_down() -> None:
        sink.went_down.wait()
        controller.stop()

    stopper = threading.Thread(target=stop_when_down, daemon=True)
    stopper.start()
    try:
        yield sink
    finally:
        sink.release.set()
        sink.went_down.set()
        stopper.join(30)
