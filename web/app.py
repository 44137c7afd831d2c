"""The web app: server-rendered pages (Jinja2, no JavaScript), a JSON API, and the admin.

``create_app(settings)`` is the only entry point: `regtrack serve`, the tests and the
benchmark all build the app through it.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from notifications.errors import NotificationError, TransportError, UnknownSubscriber
from regtrack import errors
from regtrack.errors import UsageError, one_line
from regtrack.settings import Settings, load_settings
from storage.db import make_engine
from storage.errors import Ambiguous, DatabaseError, NotFound
from web.admission import Admission
from web.cache import PageCache
from web.jobs import JobBoard
from web.render import make_templates, render
from web.routes import admin, api, diffs, pages, subscriptions
from web.security import AccessLog, SecurityHeaders

STATIC_DIR = Path(__file__).resolve().parent / "static"
ROUTERS = (pages, diffs, subscriptions, admin, api)
# Requests running routes at once: below the connection pool's 5 + 10, so the page cache's
# version reads and the re-ingest jobs always find a connection too.
ROUTE_CONCURRENCY = 10
# Starlette's English reason phrases, said in the pages' language.
PLAIN_ERRORS = {
    404: "没有这个页面。",
    405: "这个地址不接受这种请求（例如表单提交后的地址不能直接打开）。",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    app = FastAPI(
        title="regtrack API",
        version="1",
        description="Chinese health regulations: documents, their status on a date, relations, diffs.",
        docs_url=None,  # Swagger UI needs inline scripts and a CDN; the CSP forbids both
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.templates = make_templates()
    app.state.jobs = JobBoard(app.state.engine)  # admin re-ingest jobs, shared by every worker
    # The last added runs first: the access log, SecurityHeaders, the page cache, admission control.
    app.add_middleware(Admission, limit=ROUTE_CONCURRENCY)
    app.add_middleware(
        PageCache,
        engine=app.state.engine,
        max_bytes=settings.page_cache_mb * 1024 * 1024,
        query_names=_query_names(ROUTERS),
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in ROUTERS:
        app.include_router(module.router)
    _add_error_handlers(app)
    return app


def _query_names(modules: tuple[Any, ...]) -> set[str]:
    """Every query parameter a route (or a dependency of one) reads, by the name in the URL."""
    names: set[str] = set()
    routes = [route for module in modules for route in module.router.routes]
    pending = [route.dependant for route in routes if isinstance(route, APIRoute)]
    while pending:
        dependant = pending.pop()
        names.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return names


# Starlette's refusals of an oversized form (request.form()), said in the pages' language.
_FORM_LIMITS = (
    (
        re.compile(r"(?:Field|Part) exceeded maximum size of (\d+)KB\."),
        "表单中有一项超过了 {} KB 的上限，请缩短后再提交。",
    ),
    (re.compile(r"Too many fields\. Maximum number of fields is (\d+)\."), "表单的项目太多（上限 {} 项）。"),
    (
        re.compile(r"Too many files\. Maximum number of files is (\d+)\."),
        "表单附带的文件太多（上限 {} 个）。",
    ),
)


def _form_limit_in_chinese(detail: str) -> str:
    for pattern, chinese in _FORM_LIMITS:
        match = pattern.fullmatch(detail)
        if match:
            return chinese.format(match[1])
    return detail


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def _status_of(exc: BaseException) -> int:
    if isinstance(exc, (NotFound, UnknownSubscriber)):
        return 404
    if isinstance(exc, Ambiguous):
        return 409
    if isinstance(exc, DatabaseError):
        return 503
    if isinstance(exc, TransportError):
        return 502
    return 400


def _add_error_handlers(app: FastAPI) -> None:
    async def user_error(request: Request, exc: Exception) -> Response:
        return _error(request, _status_of(exc), one_line(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = str(exc.detail)
        if not _wants_json(request) and detail == HTTPStatus(exc.status_code).phrase:
            detail = PLAIN_ERRORS.get(exc.status_code, detail)
        elif not _wants_json(request):
            detail = _form_limit_in_chinese(detail)
        response = _error(request, exc.status_code, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _error(request, 422, problems)

    # Read at build time: stages register their base errors when they are imported.
    for error in dict.fromkeys((*errors.USER_ERRORS, UsageError, NotificationError)):
        app.add_exception_handler(error, user_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
