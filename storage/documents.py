"""Repository for compilations, documents, versions and articles.

Functions take a caller-owned Session and never commit. Storing a parse is idempotent:
a document is found again by its identity key, and a version by its content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, insert, or_, select
from sqlalchemy.orm import Session

from ingest.docnumber import canonical_doc_number
from ingest.model import Article as ParsedArticle
from ingest.model import ParsedCompilation, ParsedDocument
from ingest.normalize import comparison_key
from storage.db import insert_for
from storage.errors import Ambiguous, NotFound
from storage.models import Article, Blob, Compilation, Document, DocumentVersion

T = TypeVar("T")
UNREADABLE = "\ufffd"  # what decoding leaves for a byte the file's encoding cannot read


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes) -> str:
    """Store raw bytes content-addressed (a no-op when already stored, even under a race)."""
    digest = sha256(data)
    values = {"sha256": digest, "size": len(data), "data": data}
    insert = insert_for(session)
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
    # stored documents whose text here is damaged (unreadable characters): their version stays
    kept_damaged: list[tuple[int, str]] = field(default_factory=list)


def store_parsed(
    session: Session, compilation: Compilation, parsed: ParsedCompilation, parser_version: str
) -> StoreResult:
    """Store every document (and attachment) of a parse; returns what was added or changed.

    Batched: one query finds the documents already stored and one their versions; new rows are
    inserted in reading order (a document, then its attachments), so ids follow the file.
    """
    items = _flatten(parsed.documents)
    rows = _by_identity(session, [key for _doc, _parent, key in items])
    versions = _versions_of(session, [row.id for row in rows.values()])
    result = StoreResult()
    placed: list[tuple[Document, bool]] = []
    for doc, parent, key in items:
        row = rows.get(key)
        is_new = row is None or row.placeholder
        if row is None:
            row = rows[key] = Document(identity_key=key, title=doc.title)
            session.add(row)
        if is_new or UNREADABLE not in doc.text:
            _apply_metadata(row, doc, compilation, attached=parent is not None)
        placed.append((row, is_new))
    session.flush()  # ids for new documents, in reading order
    pending: list[tuple[int, DocumentVersion | int | None, DocumentVersion]] = []
    texts: list[tuple[DocumentVersion, ParsedDocument]] = []
    for (doc, parent, _key), (row, is_new) in zip(items, placed, strict=True):
        row.parent_id = placed[parent][0].id if parent is not None else None
        result.document_ids.append(row.id)
        if not is_new and UNREADABLE in doc.text:
            # a damaged text (a pasted block in another encoding) never replaces a readable one
            result.kept_damaged.append((row.id, row.title))
            result.unchanged += 1
            continue
        digest = content_hash(doc.text)
        known = versions.known.get((row.id, digest))
        if known is None:
            previous = versions.latest.get(row.id)
            number = versions.numbers.get(row.id, 0) + 1
            version = _add_version(session, row, doc, digest, number, compilation, parser_version)
            versions.record(row.id, digest, number, version)
            pending.append((row.id, previous, version))
            texts.append((version, doc))
        if is_new:
            result.added += 1
            result.added_ids.append(row.id)
        elif known is None:
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    _insert_articles(session, texts)
    result.new_versions = [(doc_id, _version_id(old), new.id) for doc_id, old, new in pending]
    return result


def _flatten(
    documents: Sequence[ParsedDocument],
    parent: int | None = None,
    parent_key: str | None = None,
    into: list[tuple[ParsedDocument, int | None, str]] | None = None,
) -> list[tuple[ParsedDocument, int | None, str]]:
    """(document, index of its parent in the list, identity key) in reading order."""
    found = [] if into is None else into
    for doc in documents:
        key = identity_key(doc, parent_key)
        found.append((doc, parent, key))
        _flatten(doc.attachments, len(found) - 1, key, found)
    return found


def _by_identity(session: Session, keys: Sequence[str]) -> dict[str, Document]:
    found: dict[str, Document] = {}
    for chunk in chunked(list(dict.fromkeys(keys))):
        for row in session.scalars(select(Document).where(Document.identity_key.in_(chunk))):
            found[row.identity_key] = row
    return found


@dataclass
class _Versions:
    """What is known of the stored versions of some documents, kept current while storing."""

    known: dict[tuple[int, str], DocumentVersion | int] = field(default_factory=dict)
    latest: dict[int, DocumentVersion | int] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)

    def record(self, doc_id: int, digest: str, number: int, version: DocumentVersion | int) -> None:
        self.known[(doc_id, digest)] = version
        if number >= self.numbers.get(doc_id, 0):
            self.numbers[doc_id], self.latest[doc_id] = number, version


def _versions_of(session: Session, document_ids: Sequence[int]) -> _Versions:
    versions = _Versions()
    for chunk in chunked(document_ids):
        stmt = select(
            DocumentVersion.document_id,
            DocumentVersion.id,
            DocumentVersion.version_no,
            DocumentVersion.content_hash,
        ).where(DocumentVersion.document_id.in_(chunk))
        for doc_id, version_id, number, digest in session.execute(stmt):
            versions.record(doc_id, digest, number, version_id)
    return versions


def _version_id(version: DocumentVersion | int | None) -> int | None:
    return version.id if isinstance(version, DocumentVersion) else version


def chunked(values: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices of at most ``size``: IN lists stay well under the drivers' parameter limits."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _apply_metadata(row: Document, doc: ParsedDocument, compilation: Compilation, *, attached: bool) -> None:
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
    row.is_attachment = attached
    row.attachment_label = doc.attachment_label
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
    session.add(version)
    return version


def _insert_articles(session: Session, versions: Sequence[tuple[DocumentVersion, ParsedDocument]]) -> None:
    """All articles of the new versions in one executemany (no ORM objects: nothing reads them back here)."""
    insert_articles(session, [(version.id, doc.articles) for version, doc in versions])


def insert_articles(session: Session, units: Sequence[tuple[int, Sequence[ParsedArticle]]]) -> None:
    """The units of each (version id, units) as article rows, in one insert."""
    rows = [
        {
            "version_id": version_id,
            "position": i,
            "label": a.label,
            "kind": a.kind,
            "number": a.number,
            "heading": a.heading,
            "path": list(a.path),
            "text": a.text,
            "line": a.line,
        }
        for version_id, articles in units
        for i, a in enumerate(articles)
    ]
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy_articles(session, rows)
        return
    # render_nulls: a paragraph's None number is sent as NULL (the column has no default)
    # instead of starting another statement: one insert for all, not one per run of kinds.
    session.execute(insert(Article).execution_options(render_nulls=True), rows)


_ARTICLE_COLUMNS = ("version_id", "position", "label", "kind", "number", "heading", "path", "text", "line")
_ARTICLE_TYPES = ("int4", "int4", "varchar", "varchar", "int4", "varchar", "json", "text", "int4")


def _copy_articles(session: Session, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: the rows by COPY, in the session's transaction. An ingest stores thousands of
    articles (001: 2,000); COPY sends them as one stream, without a statement per row."""
    from psycopg.types.json import Json

    driver = session.connection().connection.driver_connection
    assert driver is not None  # a connection checked out for this transaction
    cursor = driver.cursor()
    with cursor.copy(f"COPY articles ({', '.join(_ARTICLE_COLUMNS)}) FROM STDIN") as copy:
        copy.set_types(list(_ARTICLE_TYPES))
        for row in rows:
            copy.write_row([Json(row[c]) if c == "path" else row[c] for c in _ARTICLE_COLUMNS])


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFilter:
    q: str | None = None
    issuer: str | None = None
    category: str | None = None
    include_placeholders: bool = True
    limit: int | None = None
    offset: int = 0


def document_query(f: DocumentFilter) -> Select[tuple[Document]]:
    stmt = select(Document).order_by(Document.id)
    if f.q:
        like = f"%{f.q.strip()}%"
        matches: list[ColumnElement[bool]] = [
            Document.title.like(like),
            Document.doc_number.like(like),
            Document.doc_number_canonical.like(like),
        ]
        with suppress(ValueError):  # a 文号 typed with other brackets or spaces finds its canonical form
            matches.append(Document.doc_number_canonical == canonical_doc_number(f.q))
        stmt = stmt.where(or_(*matches))
    if f.issuer:
        stmt = stmt.where(Document.issuer.like(f"%{f.issuer}%"))
    if f.category:
        stmt = stmt.where(Document.category.like(f"%{f.category}%"))
    if not f.include_placeholders:
        stmt = stmt.where(Document.placeholder.is_(False))
    return stmt


def list_documents(session: Session, f: DocumentFilter) -> Sequence[Document]:
    if f.limit is None:
        return session.scalars(document_query(f).offset(f.offset)).all()
    # A page: skip over ids only, then read the page's rows (PostgreSQL otherwise reads every
    # skipped row whole: 34 → 18 ms for a page deep into 100,000 documents).
    page = document_query(f).with_only_columns(Document.id).offset(f.offset).limit(f.limit)
    ids = list(session.scalars(page))
    return session.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id)).all()


def latest_version(session: Session, document_id: int) -> DocumentVersion | None:
    return session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.version_no.desc())
    ).first()


def latest_versions(session: Session, document_ids: Iterable[int]) -> dict[int, DocumentVersion]:
    """The latest version of each of these documents that has one (``latest_version`` in bulk)."""
    latest: dict[int, DocumentVersion] = {}
    for chunk in chunked(sorted(set(document_ids))):
        stmt = select(DocumentVersion).where(DocumentVersion.document_id.in_(chunk))
        for version in session.scalars(stmt.order_by(DocumentVersion.version_no)):
            latest[version.document_id] = version
    return latest


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
