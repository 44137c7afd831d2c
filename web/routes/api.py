"""The JSON API: the same read models and shapes as the CLI's ``--json`` output."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from diffing.serialize import to_dict
from regtrack.services import views
from regtrack.services.diffs import diff_stored
from storage.documents import DocumentFilter, find_document
from web.deps import get_session, parse_as_of
from web.routes.pages import check_status

router = APIRouter(prefix="/api", tags=["api"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": 'A parameter is malformed (`{"error": "…"}`).'},
    404: {"description": "The reference matches no document."},
    409: {"description": "The reference matches several documents; use an id."},
}
AS_OF = Query(None, description="Status on this date (YYYY-MM-DD); default today.")
REF_HELP = "Document id, 文号 in any bracket form, or (part of) its title."


@router.get("/documents", responses=_ERRORS, summary="List documents (as `regtrack documents --json`)")
def list_documents(
    q: str | None = Query(None, description="Text in the title or 文号."),
    issuer: str | None = Query(None, description="Issuing body (part of its name)."),
    category: str | None = Query(None, description="类别 (part of it)."),
    status: str | None = Query(None, description="One of " + ", ".join(views.STATUSES) + "."),
    as_of: str | None = AS_OF,
    limit: int | None = Query(None, ge=1, le=1000, description="At most this many rows."),
    offset: int = Query(0, ge=0),
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    day = parse_as_of(as_of)
    wanted = check_status(status)
    f = DocumentFilter(q=q or None, issuer=issuer or None, category=category or None)
    if wanted is None:
        return views.document_rows(
            session, DocumentFilter(**{**f.__dict__, "limit": limit, "offset": offset}), day
        )
    rows = [r for r in views.document_rows(session, f, day) if r["status"] == wanted]
    return rows[offset : offset + limit if limit else None]


@router.get("/documents/{ref}", responses=_ERRORS, summary="One document (as `regtrack show --json`)")
def show_document(
    ref: str, as_of: str | None = AS_OF, session: Session = Depends(get_session)
) -> dict[str, Any]:
    day = parse_as_of(as_of)
    return views.document_detail(session, find_document(session, ref), day, text_as_of=as_of is not None)


@router.get(
    "/relations", responses=_ERRORS, summary="Relations in the ledger (as `regtrack relations --json`)"
)
def relations(
    kind: str | None = Query(
        None, description="repeals, replaces, amends, partially_repeals, expires, cites."
    ),
    document: str | None = Query(None, description="Only relations of this document: " + REF_HELP),
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    doc_id = find_document(session, document).id if document else None
    return views.relation_rows(session, kind=kind or None, document=doc_id)


@router.get("/chain/{ref}", responses=_ERRORS, summary="Supersession chain (as `regtrack chain --json`)")
def chain(ref: str, as_of: str | None = AS_OF, session: Session = Depends(get_session)) -> dict[str, Any]:
    day = parse_as_of(as_of)
    return views.chain_view(session, find_document(session, ref), day)


@router.get("/diff", responses=_ERRORS, summary="新旧对照表 of two documents (as `regtrack diff --json`)")
def diff(
    old: str = Query(..., description="The older document: " + REF_HELP),
    new: str = Query(..., description="The newer document: " + REF_HELP),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    return to_dict(diff_stored(session, old, new))
