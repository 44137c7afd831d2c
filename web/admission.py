"""Admission control: at most ``limit`` requests reach the routes at once; the rest wait in line.

Every route holds one pooled database connection while it runs. Without a cap, 50 browsers at once
start 50 requests, the connection pool (SQLAlchemy's default: 5 plus 10 overflow) runs dry, and the
unlucky ones fail after the pool's 30 s timeout. Waiting here instead costs them only the queue.
Pages served from the page cache never get this far.
"""

from __future__ import annotations

import asyncio
from typing import Any

from web.security import ASGIApp, Scope


class Admission:
    """Pure ASGI middleware: an asyncio semaphore around the app (the lifespan passes freely)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.slots:
            await self.app(scope, receive, send)
