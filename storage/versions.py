"""Repository for versions one by one: reading a document's versions, storing a derived one.

Functions take a caller-owned Session and never commit. A derived version is unique per
(document, decision) in the schema, so storing it twice fails instead of doubling it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.model import Article
from storage.documents import content_hash, insert_articles
from storage.errors import NotFound
from storage.models import Document, DocumentVersion


def versions_of(session: Session, document_id: int) -> list[DocumentVersion]:
    """Every version of a document, oldest first."""
    stmt = select(DocumentVersion).where(DocumentVersion.document_id == document_id)
    return list(session.scalars(stmt.order_by(DocumentVersion.version_no)))


def decisions_of(session: Session, versions: Sequence[DocumentVersion]) -> dict[int, Document]:
    """The decisions the derived ones among ``versions`` were made from, by id."""
    ids = {v.decision_document_id for v in versions if v.decision_document_id}
    if not ids:
        return {}
    return {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}


def version_of(session: Session, doc: Document, version_no: int) -> DocumentVersion:
    found = session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.document_id == doc.id, DocumentVersion.version_no == version_no
        )
    ).first()
    if found is None:
        raise NotFound(f"{doc.title} has no version {version_no}")
    return found


def derived_by(session: Session, document_id: int, decision_id: int) -> DocumentVersion | None:
    """The version of a document derived from one decision, if it was stored."""
    return session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document_id, DocumentVersion.decision_document_id == decision_id
        )
    ).first()


def with_hash(session: Session, document_id: int, text: str) -> DocumentVersion | None:
    """The stored version of a document whose text has the comparison form of ``text``."""
    return session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document_id, DocumentVersion.content_hash == content_hash(text)
        )
    ).first()


def articles_of(version: DocumentVersion) -> tuple[Article, ...]:
    """A stored version's articles as the stages read them."""
    return tuple(
        Article(r.label, r.kind, r.number, r.heading, tuple(r.path or ()), r.text, r.line or 0)
        for r in version.articles
    )


def add_derived_version(
    session: Session,
    basis: DocumentVersion,
    decision_id: int,
    text: str,
    articles: Sequence[Article],
    *,
    effective_date: date | None,
    provenance: dict[str, Any],
) -> DocumentVersion:
    """Store ``text`` as the next version of ``basis``'s document, derived from the decision."""
    latest = session.scalar(
        select(func.max(DocumentVersion.version_no)).where(DocumentVersion.document_id == basis.document_id)
    )
    version = DocumentVersion(
        document_id=basis.document_id,
        version_no=(latest or 0) + 1,
        content_hash=content_hash(text),
        text=text,
        parser_version=basis.parser_version,
        derived=True,
        basis_version_id=basis.id,
        decision_document_id=decision_id,
        effective_date=effective_date,
        verified=False,
        provenance=provenance,
    )
    session.add(version)
    session.flush()
    insert_articles(session, [(version.id, articles)])
    session.expire(version, ["articles"])
    return version
