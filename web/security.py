"""Security for the web app: headers on every response, CSRF tokens, admin authentication.

CSRF is a signed double submit: a random nonce signed with ``secret_key`` (HMAC-SHA256) lives
in a cookie and is echoed in each form; a POST passes when both are equal and the signature
holds. Admin authentication is ``REGTRACK_ADMIN_TOKEN``, sent as ``Authorization: Bearer`` by
scripts, or exchanged once on the login form for a signed, expiring cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from regtrack.settings import Settings
from storage.db import transaction
from storage.ratelimits import mark, used

CSRF_COOKIE = "regtrack_csrf"
CSRF_FIELD = "csrf_token"
ADMIN_COOKIE = "regtrack_admin"
ADMIN_COOKIE_TTL_S = 8 * 3600

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

# Pages reached by a token in the path, and the admin pages: never stored by a cache.
PRIVATE_PREFIXES = ("/confirm/", "/unsubscribe/", "/manage/", "/admin")
_TOKEN_IN_PATH = re.compile(r"^(/(?:confirm|unsubscribe|manage)/)[^/]+")
ACCESS_LOG = logging.getLogger("regtrack.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers (cheaper than BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        private = scope.get("path", "").startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if private:  # a page reached by a token: no cache, shared or browser, keeps it
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                headers = [(k, _same_site(v) if k.lower() == b"location" else v) for k, v in headers]
                names = {name for name, _ in headers}
                message["headers"] = [*headers, *((k, v) for k, v in SECURITY_HEADERS if k not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_site(location: bytes) -> bytes:
    """A redirect's target as a path on this site. Starlette's trailing-slash redirect writes the
    request's Host header into an absolute URL, so a forged Host (or a path like //evil.example/)
    would send a visitor, or a shared cache, elsewhere; regtrack never redirects off its own site."""
    parts = urlsplit(location.decode("latin-1"))
    path = "/" + parts.path.lstrip("/\\")
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


class AccessLog:
    """One line per request on the ``regtrack.access`` logger: client, method, path (a token in the
    path shown as …), status and milliseconds. The query string is left out: it may carry tokens."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            client = (scope.get("client") or ("-",))[0]
            path = _TOKEN_IN_PATH.sub(r"\1…", scope.get("path", ""))
            ms = (time.perf_counter() - started) * 1000
            ACCESS_LOG.info("%s %s %s %s %.0fms", client, scope.get("method", "-"), path, status or "-", ms)


def sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def new_csrf_token(secret: str) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{sign(secret, 'csrf:' + nonce)}"


def csrf_token_valid(secret: str, token: str | None) -> bool:
    if not token or "." not in token:
        return False
    nonce, signature = token.rsplit(".", 1)
    return hmac.compare_digest(signature, sign(secret, "csrf:" + nonce))


def csrf_token_for(request: Request) -> str:
    """The token of this browser (from its cookie), or a new one the response will set."""
    settings: Settings = request.app.state.settings
    existing = request.cookies.get(CSRF_COOKIE)
    if csrf_token_valid(settings.secret_key, existing):
        assert existing is not None
        return existing
    token = getattr(request.state, "new_csrf_token", None)
    if token is None:
        token = new_csrf_token(settings.secret_key)
        request.state.new_csrf_token = token
    return token


async def csrf_protect(request: Request) -> None:
    """Dependency for every form POST: the form's token must equal the signed cookie's."""
    if bearer_admin(request):  # scripts with the admin token are not a browser riding a cookie
        return
    settings: Settings = request.app.state.settings
    cookie = request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not (
        isinstance(sent, str)
        and cookie
        and hmac.compare_digest(sent, cookie)
        and csrf_token_valid(settings.secret_key, cookie)
    ):
        raise HTTPException(403, "表单已过期或来源不明（CSRF 校验失败），请返回刷新页面后重试。")


# --- admin authentication ------------------------------------------------------------------


def token_matches(settings: Settings, candidate: str | None) -> bool:
    expected = settings.admin_token
    if not expected or not candidate:
        return False
    return hmac.compare_digest(candidate.encode(), expected.encode())


def bearer_admin(request: Request) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return scheme.lower() == "bearer" and token_matches(request.app.state.settings, value.strip())


def admin_cookie_value(settings: Settings, now: float | None = None) -> str:
    expires = int((now or time.time()) + ADMIN_COOKIE_TTL_S)
    # The admin token is part of the key: changing REGTRACK_ADMIN_TOKEN logs everyone out.
    return f"{expires}.{sign(settings.secret_key + '|' + (settings.admin_token or ''), f'admin:{expires}')}"


def admin_cookie_valid(settings: Settings, value: str | None, now: float | None = None) -> bool:
    if not value or not settings.admin_token or "." not in value:
        return False
    expires, signature = value.split(".", 1)
    if not expires.isdigit() or int(expires) < (now or time.time()):
        return False
    expected = sign(settings.secret_key + "|" + settings.admin_token, f"admin:{expires}")
    return hmac.compare_digest(signature, expected)


def is_admin(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return bearer_admin(request) or admin_cookie_valid(settings, request.cookies.get(ADMIN_COOKIE))


# Wrong admin tokens a client may send (login form or Bearer header) before it must wait: counted
# in the database, so every worker refuses the same client.
ADMIN_FAILURES = (5, timedelta(minutes=5))
SECURITY_LOG = logging.getLogger("regtrack.security")
MIN_ADMIN_TOKEN_CHARS = 16


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def admin_attempts_exhausted(request: Request) -> bool:
    """The client sent too many wrong admin tokens lately: refuse it without looking at its token."""
    limit, window = ADMIN_FAILURES
    with transaction(request.app.state.engine) as session:
        return used(session, f"admin-login:{_client(request)}", window, datetime.now(UTC)) >= limit


def note_failed_admin_login(request: Request, how: str) -> None:
    """Count a wrong admin token against its client and log it (never the token itself)."""
    with transaction(request.app.state.engine, write=True) as session:
        mark(session, f"admin-login:{_client(request)}", datetime.now(UTC))
    SECURITY_LOG.warning("failed admin login (%s) from %s", how, _client(request))


def admin_token_problem(token: str | None) -> str | None:
    """Why an admin token is too weak to serve with (None when it is strong enough or unset)."""
    if token is None:
        return None
    if len(token) < MIN_ADMIN_TOKEN_CHARS or len(set(token)) < 8:
        return (
            f"REGTRACK_ADMIN_TOKEN is too weak: use at least {MIN_ADMIN_TOKEN_CHARS} random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(24))")'
        )
    return None
