"""Diffs against the database and files: compare stored versions or documents, store VersionDiffs
and one ChangeEvent per changed article. The comparison itself is ``diffing``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from diffing import compare
from diffing.model import DocumentDiff
from diffing.serialize import to_dict
from diffing.units import with_preamble
from ingest.errors import IngestError
from ingest.model import Article
from ingest.parse import parse_text
from ingest.structure import parse_structure
from linking.model import COMPARABLE_KINDS
from regtrack.errors import UsageError
from storage.documents import find_document, latest_version, latest_versions
from storage.models import Article as ArticleRow
from storage.models import ChangeEvent, Document, DocumentVersion, Relation, VersionDiff

# Relations whose two texts are worth comparing: the new text takes the old one's place.


def units_of(version: DocumentVersion) -> tuple[Article, ...]:
    rows: Iterable[ArticleRow] = version.articles
    units = tuple(
        Article(r.label, r.kind, r.number, r.heading, tuple(r.path or ()), r.text, r.line or 0) for r in rows
    )
    return with_preamble(version.text, units or parse_structure(version.text, version.start_line or 1))


def compare_versions(old: DocumentVersion, new: DocumentVersion) -> DocumentDiff:
    return compare(
        units_of(old),
        units_of(new),
        old_ref=_ref(old.document, old),
        old_title=old.document.title,
        new_ref=_ref(new.document, new),
        new_title=new.document.title,
    )


def _ref(doc: Document, version: DocumentVersion) -> str:
    return f"{doc.doc_number or doc.id} v{version.version_no}"


def store_diff(session: Session, old: DocumentVersion, new: DocumentVersion) -> VersionDiff | None:
    """Compute and store the diff of two versions once; returns None when it was stored already."""
    known = session.scalars(
        select(VersionDiff).where(VersionDiff.old_version_id == old.id, VersionDiff.new_version_id == new.id)
    ).first()
    if known is not None:
        return None
    diff = compare_versions(old, new)
    row = VersionDiff(
        old_version_id=old.id,
        new_version_id=new.id,
        summary=diff.summary.as_dict(),
        diff=to_dict(diff, extended=True),
    )
    session.add(row)
    session.flush()
    _record_article_events(session, row, diff, new)
    return row


def _record_article_events(
    session: Session, row: VersionDiff, diff: DocumentDiff, new: DocumentVersion
) -> None:
    # The position in the diff keeps keys unique where a text repeats an article label.
    for position, article in enumerate(diff.changed_articles):
        label = article.new_label or article.old_label or ""
        session.add(
            ChangeEvent(
                event_key=f"diff:{row.id}:{position}:{label}:{article.change}",
                kind="article_changed",
                document_id=new.document_id,
                version_diff_id=row.id,
                article_label=label,
                effective_date=new.document.effective_date,
                summary=f"{article.change} {label}",
                compilation_id=new.compilation_id,
            )
        )


def diffs_for_new_versions(session: Session, new_versions: Iterable[tuple[int, int | None, int]]) -> int:
    """A diff for every document that got a new text (previous version → new version)."""
    stored = 0
    for _doc_id, old_id, new_id in new_versions:
        if old_id is None:
            continue
        old, new = session.get(DocumentVersion, old_id), session.get(DocumentVersion, new_id)
        if old is not None and new is not None and store_diff(session, old, new) is not None:
            stored += 1
    return stored


def diffs_for_relations(session: Session, document_ids: Iterable[int] | None = None) -> int:
    """A diff for every amends/replaces/edition pair whose two texts are both stored."""
    stmt = select(Relation).where(Relation.kind.in_(COMPARABLE_KINDS), Relation.suppressed.is_(False))
    if document_ids is not None:
        ids = list(document_ids)
        stmt = stmt.where(Relation.source_id.in_(ids) | Relation.target_id.in_(ids))
    relations = session.scalars(stmt).all()
    latest = latest_versions(session, [i for rel in relations for i in (rel.source_id, rel.target_id)])
    stored = 0
    for rel in relations:
        old, new = latest.get(rel.target_id), latest.get(rel.source_id)
        if old is None or new is None or old.id == new.id:
            continue
        if store_diff(session, old, new) is not None:
            stored += 1
    return stored


# --- ad-hoc comparisons (CLI `regtrack diff`, web /diff) ---------------------------------------


def units_from_file(path: Path, max_bytes: int) -> tuple[str, tuple[Article, ...]]:
    """(title, units) of a text/PDF/HTML/Word file holding one document."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    from ingest.decode import decode  # PDF and Word readers: only a diff of files needs them

    text = decode(data, filename=path.name, max_bytes=max_bytes).text
    try:
        parsed = parse_text(text)
    except IngestError:
        return path.name, with_preamble(text, parse_structure(text, 1))
    docs = [d for d in parsed.documents if d.articles]
    if len(docs) == 1:
        return docs[0].title, with_preamble(docs[0].text, docs[0].articles)
    return path.name, with_preamble(text, parse_structure(text, 1))


def stored_side(session: Session, ref: str) -> tuple[str, str, tuple[Article, ...]]:
    """(ref, title, units) of a stored document's latest text; never reads a file."""
    doc = find_document(session, ref)
    version = latest_version(session, doc.id)
    if version is None:
        raise UsageError(f"{doc.title} is known only by citation: there is no text to compare")
    return doc.doc_number or str(doc.id), doc.title, units_of(version)


def diff_stored(session: Session, old_ref: str, new_ref: str) -> DocumentDiff:
    """Compare two stored documents (id, 文号 or title). Safe for web visitors: names no file."""
    return _diff(stored_side(session, old_ref), stored_side(session, new_ref))


def diff_documents(session: Session, old_ref: str, new_ref: str, max_bytes: int) -> DocumentDiff:
    """Compare stored documents or files (text/PDF/HTML/Word): the CLI's `regtrack diff`."""
    return _diff(_side(session, old_ref, max_bytes), _side(session, new_ref, max_bytes))


def _side(session: Session, ref: str, max_bytes: int) -> tuple[str, str, tuple[Article, ...]]:
    path = Path(ref)
    if path.is_file():
        title, units = units_from_file(path, max_bytes)
        return str(path), title, units
    return stored_side(session, ref)


def _diff(
    old: tuple[str, str, tuple[Article, ...]], new: tuple[str, str, tuple[Article, ...]]
) -> DocumentDiff:
    return compare(old[2], new[2], old_ref=old[0], old_title=old[1], new_ref=new[0], new_title=new[1])
