"""Diffs for the web: rebuilding change records from the stored JSON contract, and downloads.

The stored ``VersionDiff.diff`` holds ``diffing.render_json.diff_to_dict``; the texts of each
record are its ops joined (EQUAL + DELETE is the old text, EQUAL + INSERT the new one), so the
records rebuilt here render exactly like freshly computed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

from diffing.model import DELETE, EQUAL, INSERT, ArticleChange, DiffSummary, DocumentDiff
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


def diff_from_dict(data: Mapping[str, Any]) -> DocumentDiff:
    """The inverse of ``diff_to_dict`` (headings are not in the contract: labels stand in)."""
    articles = tuple(_article(a) for a in data.get("articles", []))
    summary = data.get("summary") or {}
    return DocumentDiff(
        old_ref=(data.get("old") or {}).get("ref", ""),
        old_title=(data.get("old") or {}).get("title", ""),
        new_ref=(data.get("new") or {}).get("ref", ""),
        new_title=(data.get("new") or {}).get("title", ""),
        summary=DiffSummary(
            **{k: int(v) for k, v in summary.items() if k in DiffSummary.__dataclass_fields__}
        ),
        articles=articles,
    )


def _article(a: Mapping[str, Any]) -> ArticleChange:
    ops = tuple((int(op), str(text)) for op, text in a.get("ops", []))
    cosmetic = tuple(bool(flag) for flag in a.get("cosmetic") or ())
    return ArticleChange(
        change=a["change"],
        old_label=a.get("old_label"),
        new_label=a.get("new_label"),
        old_number=a.get("old_number"),
        new_number=a.get("new_number"),
        similarity=float(a.get("similarity", 0.0)),
        ops=ops,
        old_text="".join(t for op, t in ops if op in (EQUAL, DELETE)),
        new_text="".join(t for op, t in ops if op in (EQUAL, INSERT)),
        old_heading=a.get("old_heading") or "",
        new_heading=a.get("new_heading") or "",
        restructure=a.get("restructure") or "",
        cosmetic=cosmetic if len(cosmetic) == len(ops) else (),
    )


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
