"""Jinja2 templates (autoescaped: document text comes from outside) and the labels pages show."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from diffing.model import CHANGE_NAMES, RESTRUCTURE_NAMES
from linking.model import RELATION_LABELS, RELATION_LABELS_PASSIVE, STATUS_LABELS
from notifications.model import EVENT_LABELS
from web.security import CSRF_COOKIE, CSRF_FIELD, csrf_token_for

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

COMPILATION_STATUS = {"ingested": "已入库", "failed": "解析失败", "pending": "处理中"}
FREQUENCY_LABELS = {"immediate": "即时", "daily": "每日", "weekly": "每周", "monthly": "每月"}


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "未知")


def kind_label(kind: str | None, passive: bool = False) -> str:
    labels = RELATION_LABELS_PASSIVE if passive else RELATION_LABELS
    return labels.get(kind or "", kind or "")


def zh_date(value: str | dt.date | None) -> str:
    """2024-03-19 -> 2024年3月19日 (how Chinese documents write dates)."""
    if not value:
        return "—"
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def short_origin(origin: str | None) -> str:
    """The file name of a path or URL: what people recognise a compilation by."""
    return (origin or "").rstrip("/").rsplit("/", 1)[-1] or (origin or "")


def stamp(value: str | None) -> str:
    """2026-11-26T10:58:14+00:00 -> 2026-11-26 10:58 UTC."""
    if not value:
        return "—"
    moment = dt.datetime.fromisoformat(value)
    zone = " UTC" if moment.utcoffset() == dt.timedelta(0) else ""
    return moment.strftime("%Y-%m-%d %H:%M") + zone


def linkify(text: str, base_url: str) -> Markup:
    """Plain text with this site's own URLs made into links (everything else escaped)."""
    pattern = re.compile(re.escape(base_url) + r"/[^\s<>\"]*")
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """``params`` with ``changes`` applied, empty values dropped, as ``?a=b``."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "", False)}
    return "?" + urlencode(kept) if kept else ""


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["status_label"] = status_label
    env.filters["kind_label"] = kind_label
    env.filters["zh_date"] = zh_date
    env.filters["short_origin"] = short_origin
    env.filters["stamp"] = stamp
    env.filters["linkify"] = linkify
    env.globals["COMPILATION_STATUS"] = COMPILATION_STATUS
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["MONTH_LABELS"] = {"new": EVENT_LABELS["new_document"], **EVENT_LABELS}
    env.globals["CHANGE_NAMES"] = CHANGE_NAMES
    env.globals["RESTRUCTURE_NAMES"] = RESTRUCTURE_NAMES
    env.globals["FREQUENCY_LABELS"] = FREQUENCY_LABELS
    env.globals["query_string"] = query_string
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    return templates


class _CsrfToken:
    """The page's CSRF token, made only if the template prints it (a form): a page without a
    form then sets no cookie, which lets the page cache share it between browsers."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def __html__(self) -> str:
        return csrf_token_for(self.request)

    __str__ = __html__


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page; sets the CSRF cookie when it has a form and this browser had no valid one."""
    templates: Jinja2Templates = request.app.state.templates
    context = {
        "csrf_token": _CsrfToken(request),
        "base_url": request.app.state.settings.base_url,
        **context,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)  # renders now
    new_token = getattr(request.state, "new_csrf_token", None)
    if new_token:
        response.set_cookie(
            CSRF_COOKIE,
            new_token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response
