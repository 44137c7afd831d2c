"""Read models shared by the CLI, the JSON API and the web pages (one shape, one place)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from regtrack import ledger
from storage.documents import DocumentFilter, article_counts, iso, latest_version, list_documents
from storage.models import Document

STATUSES = (
    "in_force",
    "not_yet_effective",
    "amended",
    "partially_repealed",
    "repealed",
    "replaced",
    "expired",
)


def document_summary(doc: Document, status: str, article_count: int) -> dict[str, Any]:
    return {
        "id": doc.id,
        "doc_number": doc.doc_number,
        "title": doc.title,
        "issuer": doc.issuer,
        "written_date": iso(doc.written_date),
        "published_date": iso(doc.published_date),
        "effective_date": iso(doc.effective_date),
        "expiry_date": iso(doc.expiry_date),
        "category": doc.category,
        "keywords": list(doc.keywords or []),
        "status": status,
        "article_count": article_count,
        "is_attachment": doc.is_attachment,
        "parent_id": doc.parent_id,
        "placeholder": doc.placeholder,
        "compilation_id": doc.compilation_id,
        "line": doc.line,
    }


def document_rows(session: Session, f: DocumentFilter, as_of: dt.date) -> list[dict[str, Any]]:
    docs: Sequence[Document] = list_documents(session, f)
    counts = article_counts(session, (d.id for d in docs))
    statuses = ledger.statuses(session, docs, as_of)
    return [document_summary(d, statuses[d.id], counts.get(d.id, 0)) for d in docs]


def document_detail(session: Session, doc: Document, as_of: dt.date) -> dict[str, Any]:
    version = latest_version(session, doc.id)
    articles = version.articles if version else []
    data = document_summary(doc, ledger.statuses(session, [doc], as_of)[doc.id], len(articles))
    data["issuers"] = list(doc.issuers or [])
    data["version"] = version.version_no if version else None
    data["articles"] = [
        {
            "label": a.label,
            "number": a.number,
            "path": list(a.path or []),
            "heading": a.heading,
            "text": a.text,
        }
        for a in articles
    ]
    return data
