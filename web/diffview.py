"""Diffs for the web: the choices a diff page takes, and downloads."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from diffing.model import DocumentDiff
from diffing.render_docx import render_docx
from diffing.render_html import render_html
from diffing.render_json import render_json
from regtrack.errors import UsageError

FORMATS = ("html", "docx", "json")
VIEWS = ("side", "inline")
_MEDIA = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


def check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value and value not in allowed:
        raise UsageError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value or None


def download(diff: DocumentDiff, fmt: str, filename: str, *, changed_only: bool) -> Response:
    """The diff as a file to save (attachment), never rendered in the page's origin."""
    if fmt == "html":
        body: bytes = render_html(diff, changed_only=changed_only).encode("utf-8")
    elif fmt == "docx":
        body = render_docx(diff, changed_only=changed_only)
    else:
        body = render_json(diff, indent=2).encode("utf-8")
    name = f"{filename}.{fmt}"
    disposition = (
        f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"; filename*=UTF-8''{quote(name)}"
    )
    return Response(body, media_type=_MEDIA[fmt], headers={"Content-Disposition": disposition})
