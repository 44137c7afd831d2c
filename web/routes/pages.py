"""Reading pages: home, the document list, a document, its supersession chain."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from regtrack.errors import UsageError
from regtrack.services import ingest as ingest_service
from regtrack.services import views
from storage.documents import DocumentFilter, find_document
from storage.errors import NotFound
from storage.models import Compilation, Document
from web import queries, timeline
from web.deps import PAGE_SIZE, get_session, parse_as_of, parse_page
from web.relations import document_relations
from web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz(session: Session = Depends(get_session)) -> JSONResponse:
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


@router.get("/", response_class=HTMLResponse)
def home(request: Request, month: str | None = None, session: Session = Depends(get_session)) -> Any:
    today = dt.date.today()
    first = queries.parse_month(month) or queries.default_month(session, today)
    start, end = queries.month_bounds(first)
    changes = queries.changes_in_month(session, first)
    compilations = queries.latest_compilations(session, limit=8)
    warnings = [(c, w) for c in compilations for w in c["warnings"][:5]]
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    following = end + dt.timedelta(days=1)
    return render(
        request,
        "home.html",
        {
            "month": first.strftime("%Y-%m"),
            "month_label": f"{first.year}年{first.month}月",
            "month_end": end.isoformat(),
            "previous_month": previous.strftime("%Y-%m"),
            "next_month": following.strftime("%Y-%m") if following <= today else None,
            "counts": [(kind, len(changes[kind])) for kind in queries.MONTH_KINDS],
            "compilations": compilations,
            "warnings": warnings[:20],
            "warning_total": sum(len(c["warnings"]) for c in compilations),
        },
    )


def filtered_rows(
    session: Session,
    f: DocumentFilter,
    as_of: dt.date,
    *,
    status: str | None,
    only_ids: set[int] | None,
    page: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of document rows and the total; statuses are computed only for what is shown
    unless a status filter needs them all."""
    if status is None and only_ids is None:
        total = queries.count_documents(session, f)
        paged = replace(f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return views.document_rows(session, paged, as_of), total
    rows = views.document_rows(session, f, as_of)
    if only_ids is not None:
        rows = [r for r in rows if r["id"] in only_ids]
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    start = (page - 1) * PAGE_SIZE
    return rows[start : start + PAGE_SIZE], len(rows)


def check_status(status: str | None) -> str | None:
    if status and status not in views.STATUSES:
        raise UsageError(f"unknown status {status!r}; use one of {', '.join(views.STATUSES)}")
    return status or None


@router.get("/documents", response_class=HTMLResponse)
def documents(
    request: Request,
    q: str | None = None,
    issuer: str | None = None,
    category: str | None = None,
    status: str | None = None,
    as_of: str | None = None,
    page: str | None = None,
    changed: str | None = None,
    month: str | None = None,
    session: Session = Depends(get_session),
) -> Any:
    day = parse_as_of(as_of)
    page_no = parse_page(page)
    f = DocumentFilter(q=q or None, issuer=issuer or None, category=category or None)
    only_ids = None
    first = queries.parse_month(month)
    if changed and first:
        only_ids = set(queries.changes_in_month(session, first).get(changed, []))
    rows, total = filtered_rows(session, f, day, status=check_status(status), only_ids=only_ids, page=page_no)
    issuers, categories = queries.issuers_and_categories(session)
    params = {
        "q": q,
        "issuer": issuer,
        "category": category,
        "status": status,
        "as_of": as_of,
        "changed": changed,
        "month": month,
    }
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "documents.html",
        {
            "rows": rows,
            "total": total,
            "page": page_no,
            "pages": pages,
            "params": params,
            "as_of": day.isoformat(),
            "statuses": views.STATUSES,
            "issuers": issuers[:200],
            "categories": categories[:200],
            "changed": changed if only_ids is not None else None,
            "month": month,
            "feed_params": {"q": q, "issuer": issuer, "category": category},
        },
    )


def get_document(session: Session, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"no document with id {document_id}")
    return doc


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document(
    request: Request,
    document_id: int,
    as_of: str | None = None,
    version: int | None = None,
    session: Session = Depends(get_session),
) -> Any:
    day = parse_as_of(as_of)
    doc = get_document(session, document_id)
    detail = views.document_detail(session, doc, day, version, text_as_of=as_of is not None)
    relations = document_relations(views.relation_rows(session, document=doc.id), doc.id)
    return render(
        request,
        "document.html",
        {
            "doc": detail,
            "as_of": day.isoformat(),
            **relations,
            "versions": queries.versions_of(session, doc.id),
            "impact": views.impact_rows(session, doc, day),
            "parent": _summary(session, doc.parent_id),
        },
    )


def _summary(session: Session, document_id: int | None) -> dict[str, Any] | None:
    if document_id is None:
        return None
    doc = session.get(Document, document_id)
    return {"id": doc.id, "title": doc.title, "doc_number": doc.doc_number} if doc else None


_CONTEXT_BEFORE, _CONTEXT_AFTER = 15, 45


@router.get("/compilations/{compilation_id}", response_class=HTMLResponse)
def compilation(
    request: Request, compilation_id: int, line: int | None = None, session: Session = Depends(get_session)
) -> Any:
    """One compilation: its facts, every parse notice in Chinese, and its text around ``line``
    (each line anchored ``#L<n>``, the one asked for marked)."""
    comp = session.get(Compilation, compilation_id)
    if comp is None:
        raise NotFound(f"no compilation with id {compilation_id}")
    lines = ingest_service.compilation_lines(session, compilation_id)
    focus = min(max(line or 1, 1), max(len(lines), 1))
    first = max(focus - _CONTEXT_BEFORE, 1)
    last = min(first + _CONTEXT_BEFORE + _CONTEXT_AFTER, len(lines))
    return render(
        request,
        "compilation.html",
        {
            "c": queries.compilation_row(comp),
            "focus": focus if line else None,
            "window": [(n, lines[n - 1]) for n in range(first, last + 1)],
            "line_count": len(lines),
            "earlier": max(first - 1 - _CONTEXT_AFTER, 1) if first > 1 else None,
            "later": last + _CONTEXT_BEFORE + 1 if last < len(lines) else None,
        },
    )


@router.get("/documents/{document_id}/chain", response_class=HTMLResponse)
def chain(
    request: Request, document_id: int, as_of: str | None = None, session: Session = Depends(get_session)
) -> Any:
    day = parse_as_of(as_of)
    doc = get_document(session, document_id)
    view = views.chain_view(session, doc, day)
    nodes, edges = timeline.chain_nodes(view)
    return render(
        request,
        "chain.html",
        {
            "chain": view,
            "doc": view["document"],
            "as_of": day.isoformat(),
            "svg": timeline.layout(nodes, edges),
        },
    )


@router.get("/find")
def find(ref: str, session: Session = Depends(get_session)) -> Any:
    """A document by id, 文号 or title, for the "go to" box; redirects to its page."""
    doc = find_document(session, ref)
    return RedirectResponse(f"/documents/{doc.id}", status_code=303)
