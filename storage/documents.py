"""Repository for compilations, documents, versions and articles.

Functions take a caller-owned Session and never commit. Storing a parse is idempotent:
a document is found again by its identity key, and a version by its content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ingest.docnumber import canonical_doc_number
from ingest.model import ParsedCompilation, ParsedDocument
from ingest.normalize import comparison_key
from storage.errors import Ambiguous, NotFound
from storage.models import Article, Blob, Compilation, Document, DocumentVersion


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes) -> str:
    """Store raw bytes content-addressed (a no-op when already stored, even under a race)."""
    digest = sha256(data)
    values = {"sha256": digest, "size": len(data), "data": data}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Blob).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))
    return digest


def identity_key(doc: ParsedDocument, parent_key: str | None = None) -> str:
    """What makes a document the same document across compilations (see Document)."""
    if doc.attachment_label and parent_key:
        return f"att:{parent_key}#{comparison_key(doc.attachment_label)}"
    if doc.doc_number_canonical:
        return f"dn:{doc.doc_number_canonical}"
    issuer = comparison_key(doc.issuers[0]) if doc.issuers else ""
    written = doc.written_date.isoformat() if doc.written_date else ""
    return f"t:{comparison_key(doc.title)[:400]}|{issuer}|{written}"


def content_hash(text: str) -> str:
    """Hash of the comparison form: a punctuation-style or line-break change is not a new version."""
    return sha256(comparison_key(text).encode("utf-8"))


@dataclass
class StoreResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    document_ids: list[int] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    # (document id, previous version id or None, new version id) for every new text seen
    new_versions: list[tuple[int, int | None, int]] = field(default_factory=list)


def store_parsed(
    session: Session, compilation: Compilation, parsed: ParsedCompilation, parser_version: str
) -> StoreResult:
    """Store every document (and attachment) of a parse; returns what was added or changed."""
    result = StoreResult()
    for doc in parsed.documents:
        _store_tree(session, compilation, doc, None, parser_version, result)
    return result


def _store_tree(
    session: Session,
    compilation: Compilation,
    doc: ParsedDocument,
    parent: Document | None,
    parser_version: str,
    result: StoreResult,
) -> None:
    row = _store_document(session, compilation, doc, parent, parser_version, result)
    for child in doc.attachments:
        _store_tree(session, compilation, child, row, parser_version, result)


def _store_document(
    session: Session,
    compilation: Compilation,
    doc: ParsedDocument,
    parent: Document | None,
    parser_version: str,
    result: StoreResult,
) -> Document:
    key = identity_key(doc, parent.identity_key if parent else None)
    row = session.scalars(select(Document).where(Document.identity_key == key)).one_or_none()
    is_new = row is None or row.placeholder
    if row is None:
        row = Document(identity_key=key, title=doc.title)
        session.add(row)
    _apply_metadata(row, doc, parent, compilation)
    session.flush()
    latest = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == row.id)
        .order_by(DocumentVersion.version_no.desc())
    ).first()
    digest = content_hash(doc.text)
    known = session.scalars(
        select(DocumentVersion.id).where(
            DocumentVersion.document_id == row.id, DocumentVersion.content_hash == digest
        )
    ).first()
    if known is None:
        version = _add_version(
            session, row, doc, digest, (latest.version_no + 1) if latest else 1, compilation, parser_version
        )
        result.new_versions.append((row.id, latest.id if latest else None, version.id))
    if is_new:
        result.added += 1
        result.added_ids.append(row.id)
    elif known is None:
        result.updated += 1
    else:
        result.unchanged += 1
    result.document_ids.append(row.id)
    return row


def _apply_metadata(
    row: Document, doc: ParsedDocument, parent: Document | None, compilation: Compilation
) -> None:
    row.title = doc.title
    row.doc_number = doc.doc_number
    row.doc_number_canonical = doc.doc_number_canonical
    row.issuers = list(doc.issuers)
    row.issuer = "、".join(doc.issuers) or None
    row.written_date = doc.written_date
    row.published_date = doc.published_date
    row.effective_date = doc.effective_date
    row.expiry_date = doc.expiry_date
    row.category = doc.category
    row.keywords = list(doc.keywords)
    row.is_attachment = parent is not None
    row.attachment_label = doc.attachment_label
    row.parent_id = parent.id if parent else None
    row.placeholder = False
    row.compilation_id = compilation.id
    row.line = doc.start_line


def _add_version(
    session: Session,
    row: Document,
    doc: ParsedDocument,
    digest: str,
    version_no: int,
    compilation: Compilation,
    parser_version: str,
) -> DocumentVersion:
    version = DocumentVersion(
        document_id=row.id,
        version_no=version_no,
        content_hash=digest,
        text=doc.text,
        compilation_id=compilation.id,
        start_line=doc.start_line,
        end_line=doc.end_line,
        parser_version=parser_version,
    )
    version.articles = [
        Article(
            position=i,
            label=a.label,
            kind=a.kind,
            number=a.number,
            heading=a.heading,
            path=list(a.path),
            text=a.text,
            line=a.line,
        )
        for i, a in enumerate(doc.articles)
    ]
    session.add(version)
    session.flush()
    return version


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFilter:
    q: str | None = None
    issuer: str | None = None
    category: str | None = None
    include_placeholders: bool = True
    limit: int | None = None
    offset: int = 0


def document_query(f: DocumentFilter) -> Select[Document]:
    stmt = select(Document).order_by(Document.id)
    if f.q:
        like = f"%{f.q}%"
        stmt = stmt.where(
            or_(
                Document.title.like(like),
                Document.doc_number.like(like),
                Document.doc_number_canonical.like(like),
            )
        )
    if f.issuer:
        stmt = stmt.where(Document.issuer.like(f"%{f.issuer}%"))
    if f.category:
        stmt = stmt.where(Document.category.like(f"%{f.category}%"))
    if not f.include_placeholders:
        stmt = stmt.where(Document.placeholder.is_(False))
    return stmt


def list_documents(session: Session, f: DocumentFilter) -> Sequence[Document]:
    stmt = document_query(f).offset(f.offset)
    if f.limit is not None:
        stmt = stmt.limit(f.limit)
    return session.scalars(stmt).all()


def latest_version(session: Session, document_id: int) -> DocumentVersion | None:
    return session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.version_no.desc())
    ).first()


def article_counts(session: Session, document_ids: Iterable[int]) -> dict[int, int]:
    """Number of articles in the latest version of each document (one query)."""
    ids = list(document_ids)
    if not ids:
        return {}
    newest = (
        select(DocumentVersion.document_id, func.max(DocumentVersion.version_no).label("v"))
        .where(DocumentVersion.document_id.in_(ids))
        .group_by(DocumentVersion.document_id)
        .subquery()
    )
    rows = session.execute(
        select(DocumentVersion.document_id, func.count(Article.id))
        .join(
            newest,
            (newest.c.document_id == DocumentVersion.document_id)
            & (newest.c.v == DocumentVersion.version_no),
        )
        .join(Article, Article.version_id == DocumentVersion.id, isouter=True)
        .group_by(DocumentVersion.document_id)
    ).all()
    return {doc_id: count for doc_id, count in rows}


def find_document(session: Session, ref: str) -> Document:
    """A document by id, by 文号 in any bracket/space form, or by (part of) its title."""
    ref = ref.strip()
    if not ref:
        raise NotFound("empty document reference")
    if ref.isdigit():
        doc = session.get(Document, int(ref))
        if doc is None:
            raise NotFound(f"no document with id {ref}")
        return doc
    try:
        canonical = canonical_doc_number(ref)
    except ValueError:
        canonical = None
    if canonical:
        matches = session.scalars(select(Document).where(Document.doc_number_canonical == canonical)).all()
        if matches:
            return _one(matches, ref)
    exact = session.scalars(select(Document).where(Document.title == ref)).all()
    if exact:
        return _one(exact, ref)
    partial = session.scalars(select(Document).where(Document.title.like(f"%{ref}%")).limit(6)).all()
    if partial:
        return _one(partial, ref)
    raise NotFound(f"no document matches {ref!r} (try an id, a 文号 or a title)")


def _one(matches: Sequence[Document], ref: str) -> Document:
    non_attachments = [d for d in matches if not d.is_attachment] or list(matches)
    if len(non_attachments) == 1:
        return non_attachments[0]
    shown = "; ".join(f"{d.id}: {d.title[:30]}" for d in non_attachments[:5])
    raise Ambiguous(f"{ref!r} matches {len(non_attachments)} documents ({shown}); use an id")


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
