"""新旧对照表 pages: two stored documents compared now, or a stored diff between two versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from diffing.model import DocumentDiff
from diffing.serialize import from_dict
from regtrack.services.diffs import diff_stored
from storage.errors import NotFound
from storage.models import DocumentVersion, VersionDiff
from web.deps import get_session
from web.diffview import FORMATS, VIEWS, check_choice, download
from web.render import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    diff: DocumentDiff,
    *,
    path: str,
    params: dict[str, Any],
    view: str | None,
    changed: str | None,
    extra: dict[str, Any],
) -> Any:
    changed_only = changed != "0"  # the 新旧对照表 lists changed articles unless all are asked for
    articles = diff.changed_articles if changed_only else diff.articles
    return render(
        request,
        "diff.html",
        {
            "diff": diff,
            "articles": articles,
            "view": view or "side",
            "changed_only": changed_only,
            "path": path,
            "params": {**params, "view": view, "changed": changed},
            **extra,
        },
    )


@router.get("/diff")
def compare_documents(
    request: Request,
    old: str,
    new: str,
    view: str | None = None,
    changed: str | None = None,
    format: str | None = None,
    session: Session = Depends(get_session),
) -> Any:
    fmt = check_choice("format", format, FORMATS)
    diff = diff_stored(session, old, new)
    if fmt:
        return download(diff, fmt, "新旧对照表", changed_only=changed != "0")
    params = {"old": old, "new": new}
    return _page(
        request,
        diff,
        path="/diff",
        params=params,
        view=check_choice("view", view, VIEWS),
        changed=changed,
        extra={"stored": None},
    )


@router.get("/diffs/{version_diff_id}")
def stored_diff(
    request: Request,
    version_diff_id: int,
    view: str | None = None,
    changed: str | None = None,
    format: str | None = None,
    session: Session = Depends(get_session),
) -> Any:
    fmt = check_choice("format", format, FORMATS)
    row = session.get(VersionDiff, version_diff_id)
    if row is None:
        raise NotFound(f"no stored diff with id {version_diff_id}")
    diff = from_dict(row.diff)
    if fmt:
        return download(diff, fmt, f"新旧对照表-{version_diff_id}", changed_only=changed != "0")
    old_version = session.get(DocumentVersion, row.old_version_id)
    new_version = session.get(DocumentVersion, row.new_version_id)
    stored = {
        "id": row.id,
        "old_document_id": old_version.document_id if old_version else None,
        "new_document_id": new_version.document_id if new_version else None,
        "old_version_no": old_version.version_no if old_version else None,
        "new_version_no": new_version.version_no if new_version else None,
        "created_at": row.created_at.date().isoformat() if row.created_at else None,
    }
    return _page(
        request,
        diff,
        path=f"/diffs/{version_diff_id}",
        params={},
        view=check_choice("view", view, VIEWS),
        changed=changed,
        extra={"stored": stored},
    )
