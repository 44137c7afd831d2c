"""Linking against the database: extract relations from stored documents, resolve their targets
(creating placeholders for documents known only by citation), keep the ledger in sync, merge
placeholders when the real document arrives, record version families and change events.

Pure work is ``linking``'s; this module only moves rows. It runs inside the caller's transaction.
A link run reads and writes only what its documents can touch (their citations' candidates,
their families, their relations), in a few statements per document, so an ingest costs the same
in a database of a thousand documents or of a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, aliased

from ingest.decode import decode
from linking.extract import extract_relations
from linking.model import Citation, ExtractedRelation, SourceDoc
from regtrack import editions, placeholders
from regtrack.catalogue import Catalogue, fill_title_keys, set_title_key
from regtrack.linkrun import FAMILY_KIND, LinkReport, LinkRun
from storage.documents import chunked
from storage.models import Blob, ChangeEvent, Compilation, Document, DocumentVersion, Relation

# Relation kind → the change event a subscriber hears about for its target.
EVENT_OF_KIND = {
    "repeals": "repealed",
    "replaces": "replaced",
    "amends": "amended",
    "partially_repeals": "partially_repealed",
    "expires": "expired",
}

__all__ = ["FAMILY_KIND", "LinkReport", "link_documents", "record_new_documents", "relink_all"]


@dataclass
class _Work:
    """One document being linked: its latest text and what that text states."""

    doc: Document
    version: DocumentVersion
    extracted: list[ExtractedRelation]
    ends: list[tuple[int, int]] = field(default_factory=list)  # (source id, target id) per relation


def compilation_lines(session: Session, compilation_id: int, cache: dict[int, list[str]]) -> list[str]:
    """The decoded lines of a stored compilation (its raw bytes decoded again, once per run)."""
    if compilation_id not in cache:
        comp = session.get(Compilation, compilation_id)
        blob = session.get(Blob, comp.sha256) if comp else None
        cache[compilation_id] = (
            decode(blob.data, filename=comp.origin).text.split("\n") if blob and comp else []
        )
    return cache[compilation_id]


def source_doc(
    doc: Document, version: DocumentVersion, lines: Sequence[str], children: Sequence[str]
) -> SourceDoc:
    """What extraction reads: the compilation's own lines of the version, so evidence lines are real."""
    start, end = version.start_line or 1, version.end_line or len(lines)
    text = "\n".join(lines[start - 1 : end]) if lines else version.text
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
    session: Session,
    document_ids: Iterable[int],
    lines_cache: dict[int, list[str]] | None = None,
    *,
    sweep: bool = False,
) -> LinkReport:
    """Re-extract and re-resolve the relations stated by these documents; then merge placeholders.

    ``sweep`` also removes every orphan placeholder in the database, not only those this run
    could have orphaned (``relink_all``).
    """
    run = LinkRun()
    cache = lines_cache if lines_cache is not None else {}
    ids = list(dict.fromkeys(document_ids))
    works = _extract(session, ids, cache)
    fill_title_keys(session)
    _resolve(session, works, run)
    for work in works:
        _sync_relations(session, work, run)
    placeholders.merge_title_placeholders(session, ids, run)
    editions.sync_families(session, [*ids, *run.touched], run)
    session.flush()
    placeholders.delete_orphans(session, None if sweep else run.maybe_orphaned)
    _record_cites_repealed(session, None if sweep else run)
    return run.report


def _extract(session: Session, ids: Sequence[int], cache: dict[int, list[str]]) -> list[_Work]:
    """Each linkable document with its latest version and extracted relations, in ``ids`` order."""
    works: list[_Work] = []
    for chunk in chunked(ids):
        docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(chunk)))}
        versions = _latest_versions(session, chunk)
        children: dict[int | None, list[str]] = {}
        stmt = select(Document.parent_id, Document.title).where(Document.parent_id.in_(chunk))
        for parent_id, title in session.execute(stmt.order_by(Document.id)):
            children.setdefault(parent_id, []).append(title)
        for doc_id in chunk:
            doc, version = docs.get(doc_id), versions.get(doc_id)
            if doc is None or version is None or doc.placeholder:
                continue
            set_title_key(doc)
            lines = (
                compilation_lines(session, version.compilation_id, cache) if version.compilation_id else []
            )
            source = source_doc(doc, version, lines, children.get(doc_id, []))
            works.append(_Work(doc, version, extract_relations(source)))
    return works


def _latest_versions(session: Session, ids: Sequence[int]) -> dict[int, DocumentVersion]:
    latest: dict[int, DocumentVersion] = {}
    stmt = select(DocumentVersion).where(DocumentVersion.document_id.in_(ids))
    for version in session.scalars(stmt.order_by(DocumentVersion.version_no)):
        latest[version.document_id] = version
    return latest


def _resolve(session: Session, works: Sequence[_Work], run: LinkRun) -> None:
    """Source and target ids of every extracted relation; placeholders for citations nothing matches."""
    requests: list[tuple[Citation, int | None, int | None]] = []
    for work in works:
        year = work.doc.written_date.year if work.doc.written_date else None
        for rel in work.extracted:
            for citation in (rel.subject, rel.citation):
                if citation is not None:
                    requests.append((citation, year, work.doc.id))
    found = Catalogue(session, [c for c, _, _ in requests]).resolve_all(requests)
    unresolved = [c for (c, _, _), r in zip(requests, found, strict=True) if r.doc_id is None]
    cited = placeholders.Placeholders(session, run, unresolved)
    targets = iter([cited.target(c, r) for (c, _, _), r in zip(requests, found, strict=True)])
    ends: list[list[tuple[int | Document, int | Document]]] = []
    for work in works:
        pairs: list[tuple[int | Document, int | Document]] = []
        for rel in work.extracted:
            source = work.doc.id if rel.subject is None else next(targets)
            pairs.append((source, source if rel.citation is None else next(targets)))
        ends.append(pairs)
    cited.create()  # placeholder ids exist only now
    for work, pairs in zip(works, ends, strict=True):
        work.ends = [(placeholders.id_of(s), placeholders.id_of(t)) for s, t in pairs]


def _sync_relations(session: Session, work: _Work, run: LinkRun) -> None:
    doc, version = work.doc, work.version
    existing = {(r.source_id, r.target_id, r.kind, r.scope): r for r in _stated_by(session, doc, version)}
    wanted: list[tuple[tuple[int, int, str, str], ExtractedRelation]] = []
    seen: set[tuple[int, int, str, str]] = set()
    for rel, (source_id, target_id) in zip(work.extracted, work.ends, strict=True):
        if target_id == source_id and rel.kind != "expires":
            continue
        key = (source_id, target_id, rel.kind, rel.scope)
        if key not in seen:
            seen.add(key)
            wanted.append((key, rel))
    elsewhere = _relation_rows(session, [k for k, _ in wanted if k not in existing])
    touched: list[Relation] = []
    for key, rel in wanted:
        row = existing.get(key) or elsewhere.get(key)
        if row is None:
            row = Relation(source_id=key[0], target_id=key[1], kind=rel.kind, scope=rel.scope)
            session.add(row)
            run.report.relations_added += 1
        run.stated(row)
        if row.suppressed or row.origin == "manual":
            continue  # a person decided about this one; re-linking never overrides it
        row.effective_date = rel.effective_date
        row.quote = rel.quote
        row.line = rel.line
        row.confidence = rel.confidence
        row.compilation_id = version.compilation_id
        touched.append(row)
    session.flush()
    record_relation_events(session, touched)
    for key, row in existing.items():
        if key not in seen and row.origin == "extracted" and not row.suppressed:
            run.forget(row)
            session.delete(row)
            run.report.relations_removed += 1


def _relation_rows(
    session: Session, keys: Sequence[tuple[int, int, str, str]]
) -> dict[tuple[int, int, str, str], Relation]:
    """The ledger rows for these (source, target, kind, scope), stated by any text (e.g. an earlier version)."""
    if not keys:
        return {}
    wanted = set(keys)
    stmt = select(Relation).where(
        Relation.source_id.in_({k[0] for k in keys}), Relation.target_id.in_({k[1] for k in keys})
    )
    rows = {(r.source_id, r.target_id, r.kind, r.scope): r for r in session.scalars(stmt)}
    return {key: row for key, row in rows.items() if key in wanted}


def _stated_by(session: Session, doc: Document, version: DocumentVersion) -> Sequence[Relation]:
    """Relations the document's texts state, found by the lines they were read from: its own, and
    those whose subject it announces (a 通告's "WS/T 347—2024 … 代替WS/T 347—2011", 004 line 7).

    Not every relation whose source is the document: the 通告's statement about WS/T 347—2024 must
    survive when the standard itself arrives and is linked.
    """
    spans = session.execute(
        select(DocumentVersion.compilation_id, DocumentVersion.start_line, DocumentVersion.end_line).where(
            DocumentVersion.document_id == doc.id, DocumentVersion.compilation_id.is_not(None)
        )
    ).all()
    read_from = [
        (Relation.compilation_id == comp) & Relation.line.between(start, end)
        for comp, start, end in spans
        if start is not None and end is not None
    ]
    if not read_from:
        return session.scalars(
            select(Relation).where(Relation.kind != FAMILY_KIND, Relation.source_id == doc.id)
        ).all()
    return session.scalars(select(Relation).where(Relation.kind != FAMILY_KIND, or_(*read_from))).all()


def record_relation_events(session: Session, rows: Sequence[Relation]) -> None:
    """One change event per relation of an eventful kind, the first time it is stated."""
    eventful = [r for r in rows if r.kind in EVENT_OF_KIND]
    keys = [f"relation:{r.source_id}:{r.target_id}:{r.kind}:{r.scope}" for r in eventful]
    known = _existing_event_keys(session, keys)
    for rel, key in zip(eventful, keys, strict=True):
        if key in known:
            continue
        known.add(key)
        session.add(
            ChangeEvent(
                event_key=key,
                kind=EVENT_OF_KIND[rel.kind],
                document_id=rel.target_id,
                related_document_id=rel.source_id if rel.source_id != rel.target_id else None,
                relation_id=rel.id,
                effective_date=rel.effective_date,
                summary=(rel.quote or "")[:500],
                compilation_id=rel.compilation_id,
            )
        )


def _existing_event_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunked(sorted(set(keys))):
        found.update(session.scalars(select(ChangeEvent.event_key).where(ChangeEvent.event_key.in_(chunk))))
    return found


def _record_cites_repealed(session: Session, run: LinkRun | None) -> None:
    """An event for each document that cites something repealed or replaced (once per pair).

    A new pair needs a citation or a repeal written in ``run``: only the run's citations and the
    citations of what it repealed are looked at (None: every citation, for ``relink_all``).
    """
    ender = aliased(Relation)
    ended = exists().where(
        ender.target_id == Relation.target_id,
        ender.kind.in_(("repeals", "replaces")),
        ender.suppressed.is_(False),
    )
    stmt = select(Relation).where(Relation.kind == "cites", Relation.suppressed.is_(False), ended)
    if run is None:
        found = {rel.id: rel for rel in session.scalars(stmt)}
    else:
        found = {}
        cited = sorted({rel.id for rel in run.citations if rel.id is not None})
        for column, values in ((Relation.id, cited), (Relation.target_id, sorted(run.ended))):
            for chunk in chunked(values):
                found.update((rel.id, rel) for rel in session.scalars(stmt.where(column.in_(chunk))))
    rows = [found[i] for i in sorted(found)]
    keys = [f"cites_repealed:{rel.source_id}:{rel.target_id}" for rel in rows]
    recorded = _existing_event_keys(session, keys)
    for rel, event_key in zip(rows, keys, strict=True):
        if event_key in recorded:
            continue  # recorded before, or another scope of the same citation
        recorded.add(event_key)
        session.add(
            ChangeEvent(
                event_key=event_key,
                kind="cites_repealed",
                document_id=rel.source_id,
                related_document_id=rel.target_id,
                relation_id=rel.id,
                summary=(rel.quote or "")[:500],
                compilation_id=rel.compilation_id,
            )
        )


def record_new_documents(session: Session, document_ids: Iterable[int], compilation_id: int) -> None:
    ids = list(dict.fromkeys(document_ids))
    known = _existing_event_keys(session, [f"new:{doc_id}" for doc_id in ids])
    docs: dict[int, Document] = {}
    for chunk in chunked(ids):
        docs.update((d.id, d) for d in session.scalars(select(Document).where(Document.id.in_(chunk))))
    for doc_id in ids:
        if f"new:{doc_id}" in known:
            continue
        doc = docs.get(doc_id)
        session.add(
            ChangeEvent(
                event_key=f"new:{doc_id}",
                kind="new_document",
                document_id=doc_id,
                effective_date=doc.effective_date if doc else None,
                summary=doc.title if doc else "",
                compilation_id=compilation_id,
            )
        )


def relink_all(session: Session) -> LinkReport:
    """Re-link every stored (non-placeholder) document: after a linking code change."""
    fill_title_keys(session, every=True)
    ids = list(
        session.scalars(select(Document.id).where(Document.placeholder.is_(False)).order_by(Document.id))
    )
    return link_documents(session, ids, sweep=True)
