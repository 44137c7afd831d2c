"""Admin: compilations with their parse reports, sources, and the re-ingest button.

Protected by REGTRACK_ADMIN_TOKEN: scripts send ``Authorization: Bearer <token>``, people
type it once on the login form and get a signed cookie. Every form carries a CSRF token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from regtrack.settings import Settings
from web import queries
from web.deps import get_session, get_settings
from web.render import render
from web.security import (
    ADMIN_COOKIE,
    ADMIN_COOKIE_TTL_S,
    admin_attempts_exhausted,
    admin_cookie_value,
    bearer_admin,
    csrf_protect,
    is_admin,
    note_failed_admin_login,
    token_matches,
)

router = APIRouter(include_in_schema=False)

NOT_CONFIGURED = "管理功能未启用：请设置环境变量 REGTRACK_ADMIN_TOKEN 后重启服务。"
TOO_MANY_ATTEMPTS = "管理员令牌错误次数过多，请 5 分钟后再试。"


def require_admin(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if not settings.admin_token:
        raise HTTPException(403, NOT_CONFIGURED)
    if admin_attempts_exhausted(request):
        raise HTTPException(429, TOO_MANY_ATTEMPTS)
    if not is_admin(request):
        if request.headers.get("authorization"):
            note_failed_admin_login(request, "bearer")
        raise HTTPException(
            401,
            "需要管理员令牌（Authorization: Bearer …，或在 /admin 登录）。",
            {"WWW-Authenticate": "Bearer"},
        )


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, job: int | None = None, session: Session = Depends(get_session)) -> Any:
    settings: Settings = request.app.state.settings
    if not settings.admin_token:
        return render(request, "error.html", {"status": 403, "message": NOT_CONFIGURED}, status_code=403)
    if not is_admin(request):
        return render(request, "admin_login.html", {"nav": "admin", "error": None}, status_code=401)
    board = request.app.state.jobs
    return render(
        request,
        "admin.html",
        {
            "compilations": queries.latest_compilations(session, limit=200),
            "sources": queries.sources(session),
            "jobs": board.recent(),
            "highlight_job": job,
        },
    )


@router.post("/admin/login", dependencies=[Depends(csrf_protect)])
async def login(request: Request, settings: Settings = Depends(get_settings)) -> Response:
    if not settings.admin_token:
        return render(request, "error.html", {"status": 403, "message": NOT_CONFIGURED}, status_code=403)
    if await run_in_threadpool(admin_attempts_exhausted, request):
        return render(request, "admin_login.html", {"error": TOO_MANY_ATTEMPTS}, status_code=429)
    form = await request.form()
    token = form.get("token")
    if not token_matches(settings, token if isinstance(token, str) else None):
        await run_in_threadpool(note_failed_admin_login, request, "login form")
        return render(request, "admin_login.html", {"error": "令牌不正确。"}, status_code=401)
    response = RedirectResponse("/admin", status_code=303)
    response.set_cookie(
        ADMIN_COOKIE,
        admin_cookie_value(settings),
        max_age=ADMIN_COOKIE_TTL_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/admin/logout", dependencies=[Depends(csrf_protect)])
def logout() -> Response:
    response = RedirectResponse("/admin", status_code=303)
    response.delete_cookie(ADMIN_COOKIE, path="/")
    return response


@router.post("/admin/reingest", dependencies=[Depends(require_admin), Depends(csrf_protect)])
async def reingest(request: Request, settings: Settings = Depends(get_settings)) -> Response:
    form = await request.form()
    raw = form.get("compilation_id")
    ids = [int(raw)] if isinstance(raw, str) and raw.isdigit() else None
    job, started = await run_in_threadpool(request.app.state.jobs.start, settings, ids)
    if bearer_admin(request) or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"job": job.as_json(), "started": started}, status_code=202 if started else 409)
    return RedirectResponse(f"/admin?job={job.id}", status_code=303)


@router.get("/admin/jobs/{job_id}", dependencies=[Depends(require_admin)])
def job_state(request: Request, job_id: int) -> JSONResponse:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no re-ingest job {job_id}")
    return JSONResponse(job.as_json())
