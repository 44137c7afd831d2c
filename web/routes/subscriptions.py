"""Subscriptions: the form with double opt-in, confirmation, management and one-click
unsubscribe (RFC 8058), and Atom feeds of filtered changes."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from notifications.errors import InvalidEmail, InvalidFilter, NotificationError, RateLimited
from notifications.model import FREQUENCIES
from notifications.tokens import read_token
from regtrack.services import digests, subscriptions
from regtrack.settings import Settings
from storage.db import transaction
from storage.errors import StorageError
from storage.subscriptions import find_subscriber
from web.deps import get_settings
from web.render import render
from web.security import csrf_protect

router = APIRouter(include_in_schema=False)

# Kinds a subscriber can pick, as notifications.filters understands them, with their labels.
KIND_CHOICES = (
    ("new", "新发布"),
    ("repeals", "废止"),
    ("replaces", "替代"),
    ("amends", "修改（含条文变化）"),
    ("partially_repeals", "部分废止"),
    ("expires", "有效期届满"),
    ("cites", "引用了已废止的文件"),
)
_SPLIT = re.compile(r"[,，、;；\n]+")
MAX_EMAIL_CHARS = 254
MAX_BOX_CHARS = 500  # one text box of the form: a few issuers or keywords
RATE_LIMITED = "请求过于频繁：确认邮件刚刚发出过，请先查收邮箱（含垃圾邮件），稍后再试。"


def _shortened(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values cut to what the form accepts, to show them again without echoing megabytes."""
    return {k: v[:MAX_BOX_CHARS] if isinstance(v, str) else v for k, v in values.items()}


def split_values(raw: str | None) -> list[str]:
    """What a person types in one box ("国家卫生健康委、国家疾控局") as a list of values."""
    return [part.strip() for part in _SPLIT.split(raw or "") if part.strip()]


def _form_values(form: Any) -> dict[str, Any]:
    return {
        "email": (form.get("email") or "").strip(),
        "frequency": form.get("frequency") or "monthly",
        "issuers": form.get("issuers") or "",
        "categories": form.get("categories") or "",
        "keywords": form.get("keywords") or "",
        "kinds": [k for k in form.getlist("kinds") if isinstance(k, str)],
        "document": form.get("document") or "",
        "follow": form.get("follow") or "document",
    }


def _filters(values: dict[str, Any]) -> dict[str, list[Any]]:
    filters: dict[str, list[Any]] = {
        "issuers": split_values(values["issuers"]),
        "categories": split_values(values["categories"]),
        "keywords": split_values(values["keywords"]),
        "kinds": values["kinds"],
    }
    if values["document"]:
        filters["chains" if values["follow"] == "chain" else "documents"] = [values["document"]]
    return {k: v for k, v in filters.items() if v}


def _form(request: Request, values: dict[str, Any], error: str | None = None, status: int = 200) -> Any:
    return render(
        request,
        "subscribe.html",
        {"values": values, "error": error, "kinds": KIND_CHOICES, "frequencies": FREQUENCIES},
        status_code=status,
    )


@router.get("/subscribe")
def subscribe_form(
    request: Request,
    issuer: str | None = None,
    category: str | None = None,
    q: str | None = None,
    document: int | None = None,
    email: str | None = None,
) -> Any:
    values = {
        "email": email or "",
        "frequency": "monthly",
        "issuers": issuer or "",
        "categories": category or "",
        "keywords": q or "",
        "kinds": [],
        "document": str(document) if document else "",
        "follow": "chain",
    }
    return _form(request, values)


@router.post("/subscribe", dependencies=[Depends(csrf_protect)])
async def subscribe(request: Request, settings: Settings = Depends(get_settings)) -> Any:
    values = _form_values(await request.form())
    if values["frequency"] not in FREQUENCIES:
        return _form(request, values, "未知的频率", 400)
    if len(values["email"]) > MAX_EMAIL_CHARS or any(
        len(values[box]) > MAX_BOX_CHARS for box in ("issuers", "categories", "keywords", "document")
    ):
        return _form(
            request, _shortened(values), "输入过长：邮箱不超过 254 个字符，每一栏不超过 500 个字符。", 400
        )
    client = request.client.host if request.client else None
    try:
        # database and mail server work, off the event loop: a hung mail server holds one
        # thread, never the worker's other requests
        result = await run_in_threadpool(
            digests.subscribe,
            request.app.state.engine,
            settings,
            values["email"],
            _filters(values),
            values["frequency"],
            client=client,
        )
    except RateLimited:
        return _form(request, values, RATE_LIMITED, 429)
    except (InvalidEmail, InvalidFilter, StorageError) as exc:
        return _form(request, values, str(exc), 400)
    return render(request, "subscribe_sent.html", {"email": result.email, "active": result.active})


@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str) -> Any:
    read_token(token)  # a malformed link fails here; the signature is checked on confirming
    return render(request, "confirm.html", {"token": token, "confirmed": None})


@router.post("/confirm/{token}", dependencies=[Depends(csrf_protect)])
def confirm(request: Request, token: str, settings: Settings = Depends(get_settings)) -> Any:
    engine = request.app.state.engine
    changed = digests.confirm(engine, settings, token)
    preview: digests.Preview | None = None
    note: str | None = None
    try:
        preview = digests.preview(engine, settings, changed.email)
    except NotificationError as exc:  # nothing to preview is not a failed confirmation
        note = str(exc)
    return render(
        request,
        "confirm.html",
        {
            "token": token,
            "confirmed": changed,
            "preview": preview,
            "preview_note": note,
            "manage_token": _manage_token(engine, settings, changed.email),
        },
    )


def _manage_token(engine: Engine, settings: Settings, email: str) -> str | None:
    """The token of the manage/unsubscribe page (the same one the digest emails carry)."""
    with transaction(engine) as session:
        subscriber = find_subscriber(session, email)
        return digests.unsubscribe_token(settings, subscriber.id, subscriber.email) if subscriber else None


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str, settings: Settings = Depends(get_settings)) -> Any:
    view = subscriptions.subscriber_view(request.app.state.engine, settings, token)
    return render(
        request,
        "unsubscribe.html",
        {"token": token, "subscriber": view, "done": False, "frequencies": FREQUENCIES},
    )


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, token: str, settings: Settings = Depends(get_settings)) -> Any:
    """RFC 8058 one-click: mail clients POST here without a page or a CSRF token; the signed
    token is the proof, and removing one's own subscriptions is all it can do."""
    changed = digests.unsubscribe(request.app.state.engine, settings, token)
    return render(request, "unsubscribe.html", {"token": token, "done": changed, "subscriber": None})


@router.post("/manage/{token}", dependencies=[Depends(csrf_protect)])
async def manage_subscription(
    request: Request, token: str, settings: Settings = Depends(get_settings)
) -> Any:
    form = await request.form()
    raw_id = form.get("subscription_id")
    subscription_id = int(raw_id) if isinstance(raw_id, str) and raw_id.isdigit() else 0
    engine = request.app.state.engine
    if form.get("action") == "remove":
        subscriptions.remove(engine, settings, token, subscription_id)
        message = "已删除这项订阅。"
    else:
        subscriptions.set_frequency(
            engine, settings, token, subscription_id, str(form.get("frequency") or "")
        )
        message = "已更新发送频率。"
    view = subscriptions.subscriber_view(engine, settings, token)
    return render(
        request,
        "unsubscribe.html",
        {"token": token, "subscriber": view, "done": False, "frequencies": FREQUENCIES, "message": message},
    )


@router.get("/feeds/atom")
def atom(
    request: Request,
    issuer: str | None = None,
    category: str | None = None,
    q: str | None = None,
    settings: Settings = Depends(get_settings),
) -> Response:
    body = digests.atom(request.app.state.engine, settings, issuer=issuer, category=category, q=q)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
