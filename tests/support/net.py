"""Ports and waiting, for tests that talk to real servers on 127.0.0.1 (no tests here)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now (for servers that want a number first)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    predicate: Callable[[], T], timeout: float = 20.0, message: str = "condition", every: float = 0.02
) -> T:
    """Poll ``predicate`` until it returns something true and return that; after ``timeout`` seconds
    fail naming ``message``. The one way tests wait: never a bare sleep as synchronisation."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message}")
        time.sleep(every)
    return result
