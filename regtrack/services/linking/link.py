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
from datetime import date
from typing import Any

from sqlalchemy import exists, insert, inspect, select
from sqlalchemy.orm import Session, aliased

from ingest.decode import decode
from linking import sources
from linking.extract import extract_relations
from linking.model import Citation, ExtractedRelation, SourceDoc
from regtrack.services.linking import editions, placeholders
from regtrack.services.linking.candidates import Catalogue, fill_title_keys, set_title_key
from regtrack.services.linking.prefetch import Key, RunRows
from regtrack.services.linking.run import LinkReport, LinkRun
from storage.documents import chunked, latest_versions
from storage.models import Blob, ChangeEvent, Compilation, Document, DocumentVersion, Relation

# Relation kind → the change event a subscriber hears about for its target.
EVENT_OF_KIND = {
    "repeals": "repealed",
    "replaces": "replaced",
    "amends": "amended",
    "partially_repeals": "partially_repealed",
    "expires": "expired",
}

Event = dict[str, Any]  # the columns of one change_events row

__all__ = ["LinkReport", "link_documents", "record_new_documents", "relink_all"]


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
    if not lines:  # a version with no compilation lines (an import): its own text, from line 1
        lines = version.text.split("\n")
        start, end = 1, len(lines)
    else:
        start, end = version.start_line or 1, version.end_line or len(lines)
    return sources.source_doc(
        str(doc.id),
        lines,
        start,
        end,
        title=doc.title,
        doc_number_canonical=doc.doc_number_canonical,
        issuers=doc.issuers or (),
        written_date=doc.written_date,
        published_date=doc.published_date,
        effective_date=doc.effective_date,
        own_titles=children,
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
    _sync_all(session, works, run)
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
        versions = latest_versions(session, chunk)
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
            # no subject: the document itself acts; no citation: it is acted on (its own expiry, or
            # an amendment its header records: 根据《国务院关于修改…的决定》修订)
            source = work.doc.id if rel.subject is None else next(targets)
            pairs.append((source, work.doc.id if rel.citation is None else next(targets)))
        ends.append(pairs)
    cited.create()  # placeholder ids exist only now
    for work, pairs in zip(works, ends, strict=True):
        work.ends = [(placeholders.id_of(s), placeholders.id_of(t)) for s, t in pairs]


def _wanted(work: _Work) -> list[tuple[Key, ExtractedRelation]]:
    """The ledger key of each relation the work's text states, once per key, in text order."""
    wanted: list[tuple[Key, ExtractedRelation]] = []
    seen: set[Key] = set()
    for rel, (source_id, target_id) in zip(work.extracted, work.ends, strict=True):
        if target_id == source_id and rel.kind != "expires":
            continue
        key = (source_id, target_id, rel.kind, rel.scope)
        if key not in seen:
            seen.add(key)
            wanted.append((key, rel))
    return wanted


def _sync_all(session: Session, works: Sequence[_Work], run: LinkRun) -> None:
    """The ledger rows of every work, document after document as if each were read and written on
    its own, from rows read once (``RunRows``); their events are recorded together at the end."""
    wanted = [_wanted(work) for work in works]
    rows = RunRows(session, [work.doc.id for work in works], {key for keys in wanted for key, _ in keys})
    events: list[tuple[Relation, Event]] = []
    for work, keys in zip(works, wanted, strict=True):
        events += _sync_relations(session, work, keys, rows, run)
    session.flush()
    _add_relation_events(session, [(rel, event) for rel, event in events if rel not in rows.removed])


def _sync_relations(
    session: Session, work: _Work, wanted: list[tuple[Key, ExtractedRelation]], rows: RunRows, run: LinkRun
) -> list[tuple[Relation, Event]]:
    """Write what one document states; the events of its rows, as they would be recorded now."""
    existing = rows.stated_by(work.doc.id)
    events: list[tuple[Relation, Event]] = []
    for key, rel in wanted:
        row = existing.get(key) or rows.find(key)
        if row is None:
            row = Relation(source_id=key[0], target_id=key[1], kind=rel.kind, scope=rel.scope)
            row.origin, row.suppressed = "extracted", False  # as stored: a later document reads it unflushed
            session.add(row)
            rows.add(row)
            run.report.relations_added += 1
        run.stated(row)
        if row.suppressed or row.origin == "manual":
            continue  # a person decided about this one; re-linking never overrides it
        row.effective_date = rel.effective_date
        row.quote = rel.quote
        row.confidence = rel.confidence
        rows.place(row, work.version.compilation_id, rel.line)
        if row.kind in EVENT_OF_KIND:
            events.append((row, _relation_event(row)))
    stated = {key for key, _ in wanted}
    gone = [
        row
        for key, row in existing.items()
        if key not in stated and row.origin == "extracted" and not row.suppressed
    ]
    if any(inspect(row).pending for row in gone):
        session.flush()  # a row an earlier document wrote in this run: it is deleted once stored
    for row in gone:
        run.forget(row)
        rows.remove(row)
        session.delete(row)
        run.report.relations_removed += 1
    if gone:
        session.flush()  # before a later document writes the same key again
    return events


def record_relation_events(session: Session, rows: Sequence[Relation]) -> None:
    """One change event per relation of an eventful kind, the first time it is stated."""
    _add_relation_events(session, [(r, _relation_event(r)) for r in rows if r.kind in EVENT_OF_KIND])


def _relation_event(rel: Relation) -> Event:
    """The event of a stated relation, as the relation reads now (its id is set when it is added)."""
    return _event(
        f"relation:{rel.source_id}:{rel.target_id}:{rel.kind}:{rel.scope}",
        EVENT_OF_KIND[rel.kind],
        rel.target_id,
        related_document_id=rel.source_id if rel.source_id != rel.target_id else None,
        effective_date=rel.effective_date,
        summary=(rel.quote or "")[:500],
        compilation_id=rel.compilation_id,
    )


def _add_relation_events(session: Session, events: Sequence[tuple[Relation, Event]]) -> None:
    """Add the events whose key is not recorded yet, the first of each key (relations are stored)."""
    known = _existing_event_keys(session, [event["event_key"] for _, event in events])
    rows: list[Event] = []
    for rel, event in events:
        if event["event_key"] in known:
            continue
        known.add(event["event_key"])
        rows.append({**event, "relation_id": rel.id})
    _insert_events(session, rows)


def _event(
    event_key: str,
    kind: str,
    document_id: int,
    *,
    related_document_id: int | None = None,
    relation_id: int | None = None,
    effective_date: date | None = None,
    summary: str = "",
    compilation_id: int | None = None,
) -> Event:
    return {
        "event_key": event_key,
        "kind": kind,
        "document_id": document_id,
        "related_document_id": related_document_id,
        "relation_id": relation_id,
        "effective_date": effective_date,
        "summary": summary,
        "compilation_id": compilation_id,
    }


def _insert_events(session: Session, events: Sequence[Event]) -> None:
    """Events go in as one statement, not as ORM rows flushed one by one (SQLite cannot batch
    those): nothing in a run reads an event back but by its key. ``render_nulls``: a None is
    sent as NULL (no column here has a default) instead of making a statement of its own."""
    if events:
        session.execute(insert(ChangeEvent).execution_options(render_nulls=True), list(events))


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
    events: list[Event] = []
    for rel, event_key in zip(rows, keys, strict=True):
        if event_key in recorded:
            continue  # recorded before, or another scope of the same citation
        recorded.add(event_key)
        events.append(
            _event(
                event_key,
                "cites_repealed",
                rel.source_id,
                related_document_id=rel.target_id,
                relation_id=rel.id,
                summary=(rel.quote or "")[:500],
                compilation_id=rel.compilation_id,
            )
        )
    _insert_events(session, events)


def record_new_documents(session: Session, document_ids: Iterable[int], compilation_id: int) -> None:
    ids = list(dict.fromkeys(document_ids))
    known = _existing_event_keys(session, [f"new:{doc_id}" for doc_id in ids])
    docs: dict[int, Document] = {}
    for chunk in chunked(ids):
        docs.update((d.id, d) for d in session.scalars(select(Document).where(Document.id.in_(chunk))))
    events: list[Event] = []
    for doc_id in ids:
        if f"new:{doc_id}" in known:
            continue
        doc = docs.get(doc_id)
        events.append(
            _event(
                f"new:{doc_id}",
                "new_document",
                doc_id,
                effective_date=doc.effective_date if doc else None,
                summary=doc.title if doc else "",
                compilation_id=compilation_id,
            )
        )
    _insert_events(session, events)


def relink_all(session: Session) -> LinkReport:
    """Re-link every stored (non-placeholder) document: after a linking code change."""
    fill_title_keys(session, every=True)
    ids = list(
        session.scalars(select(Document.id).where(Document.placeholder.is_(False)).order_by(Document.id))
    )
    return link_documents(session, ids, sweep=True)
