"""Linking against the database: extract relations from stored documents, resolve their targets
(creating placeholders for documents known only by citation), keep the ledger in sync, merge
placeholders when the real document arrives, record version families and change events.

Pure work is ``linking``'s; this module only moves rows. It runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ingest.decode import decode
from linking.extract import extract_relations
from linking.families import version_families
from linking.model import Citation, ExtractedRelation, KnownDoc, SourceDoc
from linking.resolve import CatalogueIndex, index_catalogue, resolve
from linking.titles import title_key
from storage.models import Blob, ChangeEvent, Compilation, Document, DocumentVersion, Relation

# Relation kind → the change event a subscriber hears about for its target.
EVENT_OF_KIND = {
    "repeals": "repealed",
    "replaces": "replaced",
    "amends": "amended",
    "partially_repeals": "partially_repealed",
    "expires": "expired",
}
FAMILY_KIND = "version"  # successor → predecessor edge between editions of one instrument


@dataclass
class LinkReport:
    relations_added: int = 0
    relations_removed: int = 0
    placeholders_created: int = 0
    placeholders_merged: int = 0
    warnings: list[str] = field(default_factory=list)


def known_doc(doc: Document) -> KnownDoc:
    year = doc.written_date or doc.published_date or doc.effective_date
    return KnownDoc(
        id=doc.id,
        doc_number_canonical=doc.doc_number_canonical,
        title=doc.title,
        issuers=tuple(doc.issuers or ()),
        year=year.year if year else None,
    )


class Catalogue:
    """Every stored document as ``KnownDoc``, indexed once per link run.

    Placeholders created during the run are not indexed: a second citation of the same target
    finds its placeholder by identity key instead.
    """

    def __init__(self, session: Session) -> None:
        self.index: CatalogueIndex = index_catalogue(
            [known_doc(d) for d in session.scalars(select(Document))]
        )


def compilation_lines(session: Session, compilation_id: int, cache: dict[int, list[str]]) -> list[str]:
    """The decoded lines of a stored compilation (its raw bytes decoded again, once per run)."""
    if compilation_id not in cache:
        comp = session.get(Compilation, compilation_id)
        blob = session.get(Blob, comp.sha256) if comp else None
        cache[compilation_id] = (
            decode(blob.data, filename=comp.origin).text.split("\n") if blob and comp else []
        )
    return cache[compilation_id]


def source_doc(session: Session, doc: Document, version: DocumentVersion, lines: Sequence[str]) -> SourceDoc:
    """What extraction reads: the compilation's own lines of the version, so evidence lines are real."""
    start, end = version.start_line or 1, version.end_line or len(lines)
    text = "\n".join(lines[start - 1 : end]) if lines else version.text
    children = session.scalars(select(Document.title).where(Document.parent_id == doc.id)).all()
    return SourceDoc(
        key=str(doc.id),
        text=text,
        start_line=start if lines else 1,
        doc_number_canonical=doc.doc_number_canonical,
        title=doc.title,
        issuers=tuple(doc.issuers or ()),
        written_date=doc.written_date,
        published_date=doc.published_date,
        effective_date=doc.effective_date,
        own_titles=tuple(children),
    )


def link_documents(
    session: Session, document_ids: Iterable[int], lines_cache: dict[int, list[str]] | None = None
) -> LinkReport:
    """Re-extract and re-resolve the relations stated by these documents; then merge placeholders."""
    report = LinkReport()
    cache = lines_cache if lines_cache is not None else {}
    catalogue = Catalogue(session)
    ids = list(dict.fromkeys(document_ids))
    for doc_id in ids:
        doc = session.get(Document, doc_id)
        version = _latest(session, doc_id)
        if doc is None or version is None or doc.placeholder:
            continue
        lines = compilation_lines(session, version.compilation_id, cache) if version.compilation_id else []
        extracted = extract_relations(source_doc(session, doc, version, lines))
        _sync_relations(session, doc, version, extracted, catalogue, report)
    _merge_title_placeholders(session, ids, report)
    _sync_families(session)
    session.flush()
    delete_orphan_placeholders(session)
    _record_cites_repealed(session)
    return report


def _latest(session: Session, doc_id: int) -> DocumentVersion | None:
    return session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == doc_id)
        .order_by(DocumentVersion.version_no.desc())
    ).first()


def _sync_relations(
    session: Session,
    doc: Document,
    version: DocumentVersion,
    extracted: Sequence[ExtractedRelation],
    catalogue: Catalogue,
    report: LinkReport,
) -> None:
    existing = {(r.source_id, r.target_id, r.kind, r.scope): r for r in _stated_by(session, doc, version)}
    seen: set[tuple[int, int, str, str]] = set()
    for rel in extracted:
        source_id = doc.id if rel.subject is None else _target(session, rel.subject, catalogue, doc, report)
        target_id = (
            source_id if rel.citation is None else _target(session, rel.citation, catalogue, doc, report)
        )
        if target_id == source_id and rel.kind != "expires":
            continue
        key = (source_id, target_id, rel.kind, rel.scope)
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key) or _relation_row(session, key)
        if row is None:
            row = Relation(source_id=source_id, target_id=target_id, kind=rel.kind, scope=rel.scope)
            session.add(row)
            report.relations_added += 1
        elif row.suppressed or row.origin == "manual":
            continue  # a person decided about this one; re-linking never overrides it
        row.effective_date = rel.effective_date
        row.quote = rel.quote
        row.line = rel.line
        row.confidence = rel.confidence
        row.compilation_id = version.compilation_id
        session.flush()
        _record_relation_event(session, row)
    for key, row in existing.items():
        if key not in seen and row.origin == "extracted" and not row.suppressed:
            session.delete(row)
            report.relations_removed += 1


def _relation_row(session: Session, key: tuple[int, int, str, str]) -> Relation | None:
    """The ledger row for (source, target, kind, scope), stated by any text (e.g. an earlier version)."""
    source_id, target_id, kind, scope = key
    return session.scalars(
        select(Relation).where(
            Relation.source_id == source_id,
            Relation.target_id == target_id,
            Relation.kind == kind,
            Relation.scope == scope,
        )
    ).first()


def _stated_by(session: Session, doc: Document, version: DocumentVersion) -> Sequence[Relation]:
    """Relations the document's text states: its own, and those whose subject it announces
    (a 通告's "WS/T 347—2024 … 代替WS/T 347—2011"), found by the lines they were read from."""
    stmt = select(Relation).where(Relation.kind != FAMILY_KIND)
    own = Relation.source_id == doc.id
    if version.compilation_id and version.start_line and version.end_line:
        announced = (Relation.compilation_id == version.compilation_id) & Relation.line.between(
            version.start_line, version.end_line
        )
        return session.scalars(stmt.where(own | announced)).all()
    return session.scalars(stmt.where(own)).all()


def _target(
    session: Session, citation: Citation, catalogue: Catalogue, source: Document, report: LinkReport
) -> int:
    """The stored document a citation names, or a placeholder created for it."""
    year = source.written_date.year if source.written_date else None
    found = resolve(citation, catalogue.index, source_year=year, source_id=source.id)
    if found.doc_id is not None:
        return found.doc_id
    key = (
        f"dn:{citation.doc_number_canonical}"
        if citation.doc_number_canonical
        else f"t:{title_key(citation.title or '')}"
    )
    row = session.scalars(select(Document).where(Document.identity_key == key)).one_or_none()
    if row is None:
        row = Document(
            identity_key=key,
            title=citation.title or citation.doc_number_raw or key,
            title_key=title_key(citation.title) if citation.title else None,
            doc_number=citation.doc_number_raw,
            doc_number_canonical=citation.doc_number_canonical,
            placeholder=True,
        )
        session.add(row)
        session.flush()
        report.placeholders_created += 1
    elif row.placeholder and citation.title and row.title == (row.doc_number or row.identity_key):
        row.title = citation.title  # a later citation gives the title the first one lacked
    return row.id


def _merge_title_placeholders(session: Session, new_ids: Sequence[int], report: LinkReport) -> None:
    """A placeholder known only by title becomes the real document once one matches it."""
    placeholders = session.scalars(select(Document).where(Document.placeholder.is_(True))).all()
    if not placeholders or not new_ids:
        return
    real = [known_doc(d) for d in session.scalars(select(Document).where(Document.id.in_(new_ids)))]
    index = index_catalogue(real)
    for ph in placeholders:
        citation = Citation(ph.doc_number, ph.doc_number_canonical, ph.title)
        found = resolve(citation, index)
        if found.doc_id is None or found.doc_id == ph.id:
            continue
        _repoint(session, ph.id, found.doc_id)
        session.delete(ph)
        report.placeholders_merged += 1
    session.flush()


def _repoint(session: Session, old_id: int, new_id: int) -> None:
    """Move every relation and event of ``old_id`` onto ``new_id``, dropping exact duplicates."""
    for column in (Relation.target_id, Relation.source_id):
        for rel in session.scalars(select(Relation).where(column == old_id)):
            source = new_id if rel.source_id == old_id else rel.source_id
            target = new_id if rel.target_id == old_id else rel.target_id
            clash = session.scalars(
                select(Relation.id).where(
                    Relation.source_id == source,
                    Relation.target_id == target,
                    Relation.kind == rel.kind,
                    Relation.scope == rel.scope,
                )
            ).first()
            if clash is not None or (source == target and rel.kind != "expires"):
                session.delete(rel)
            else:
                rel.source_id, rel.target_id = source, target
        session.flush()
    session.execute(update(ChangeEvent).where(ChangeEvent.document_id == old_id).values(document_id=new_id))
    session.execute(
        update(ChangeEvent)
        .where(ChangeEvent.related_document_id == old_id)
        .values(related_document_id=new_id)
    )


def _sync_families(session: Session) -> None:
    """Store edition edges (操作手册（2023版）→（2024版）, WS/T 347—2011 → —2024) as ``version`` relations."""
    docs = [known_doc(d) for d in session.scalars(select(Document))]
    wanted = {(succ, pred): reason for pred, succ, reason in version_families(docs)}
    rows = {
        (r.source_id, r.target_id): r
        for r in session.scalars(select(Relation).where(Relation.kind == FAMILY_KIND))
    }
    for key, row in rows.items():
        if key not in wanted and row.origin == "extracted":
            session.delete(row)
    for (succ, pred), reason in wanted.items():
        if (succ, pred) not in rows:
            successor = session.get(Document, succ)
            when = successor.effective_date or successor.written_date if successor else None
            session.add(
                Relation(
                    source_id=succ,
                    target_id=pred,
                    kind=FAMILY_KIND,
                    scope="whole",
                    effective_date=when,
                    quote=reason,
                )
            )


def _record_relation_event(session: Session, rel: Relation) -> None:
    kind = EVENT_OF_KIND.get(rel.kind)
    if kind is None:
        return
    key = f"relation:{rel.source_id}:{rel.target_id}:{rel.kind}:{rel.scope}"
    if session.scalars(select(ChangeEvent.id).where(ChangeEvent.event_key == key)).first() is None:
        session.add(
            ChangeEvent(
                event_key=key,
                kind=kind,
                document_id=rel.target_id,
                related_document_id=rel.source_id if rel.source_id != rel.target_id else None,
                relation_id=rel.id,
                effective_date=rel.effective_date,
                summary=(rel.quote or "")[:500],
                compilation_id=rel.compilation_id,
            )
        )


def _record_cites_repealed(session: Session) -> None:
    """An event for each document that cites something repealed or replaced (once per pair)."""
    ended = select(Relation.target_id).where(
        Relation.kind.in_(("repeals", "replaces")), Relation.suppressed.is_(False)
    )
    cites = session.scalars(
        select(Relation).where(
            Relation.kind == "cites", Relation.suppressed.is_(False), Relation.target_id.in_(ended)
        )
    ).all()
    for rel in cites:
        key = f"cites_repealed:{rel.source_id}:{rel.target_id}"
        if session.scalars(select(ChangeEvent.id).where(ChangeEvent.event_key == key)).first() is None:
            session.add(
                ChangeEvent(
                    event_key=key,
                    kind="cites_repealed",
                    document_id=rel.source_id,
                    related_document_id=rel.target_id,
                    relation_id=rel.id,
                    summary=(rel.quote or "")[:500],
                    compilation_id=rel.compilation_id,
                )
            )


def record_new_documents(session: Session, document_ids: Iterable[int], compilation_id: int) -> None:
    for doc_id in document_ids:
        key = f"new:{doc_id}"
        if session.scalars(select(ChangeEvent.id).where(ChangeEvent.event_key == key)).first() is None:
            doc = session.get(Document, doc_id)
            session.add(
                ChangeEvent(
                    event_key=key,
                    kind="new_document",
                    document_id=doc_id,
                    effective_date=doc.effective_date if doc else None,
                    summary=doc.title if doc else "",
                    compilation_id=compilation_id,
                )
            )


def relink_all(session: Session) -> LinkReport:
    """Re-link every stored (non-placeholder) document: after a linking code change."""
    ids = list(
        session.scalars(select(Document.id).where(Document.placeholder.is_(False)).order_by(Document.id))
    )
    return link_documents(session, ids)


def delete_orphan_placeholders(session: Session) -> int:
    """Placeholders no relation points at any more (their citing text changed) are removed."""
    used = select(Relation.target_id).union(select(Relation.source_id))
    orphans = session.scalars(
        select(Document.id).where(Document.placeholder.is_(True), Document.id.not_in(used))
    ).all()
    if orphans:
        session.execute(delete(Document).where(Document.id.in_(orphans)))
    return len(orphans)
