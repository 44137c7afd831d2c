"""Read models shared by the CLI, the JSON API and the web pages (one shape, one place)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from linking.chain import STILL_IN_FORCE, ChainStep, chain, impact
from linking.model import CHAIN_KINDS, EDITION
from linking.model import STATUSES as STATUSES  # re-exported: the CLI and web validate --status with it
from regtrack.errors import UsageError
from regtrack.services.linking.status import statuses_on, to_entry
from storage.documents import DocumentFilter, article_counts, chunked, iso, list_documents
from storage.models import Document, DocumentVersion, Relation
from storage.versions import decisions_of, version_of, versions_of


def parse_as_of(value: str | None, option: str = "--as-of") -> dt.date:
    """The date statuses are computed for (today when not given); ``option`` names it in the error."""
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} takes a date like 2024-05-01, not {value!r}") from exc


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
    statuses = statuses_on(session, docs, as_of)
    return [document_summary(d, statuses[d.id], counts.get(d.id, 0)) for d in docs]


def document_detail(
    session: Session,
    doc: Document,
    as_of: dt.date,
    version_no: int | None = None,
    *,
    text_as_of: bool = False,
) -> dict[str, Any]:
    """A document with the articles of one version and the list of its versions: ``version_no``,
    else with ``text_as_of`` the version in force on ``as_of`` (point in time), else the latest."""
    versions = versions_of(session, doc.id)
    version = version_of(session, doc, version_no) if version_no is not None else None
    note = None
    if version is None and text_as_of and versions:
        version, note = in_force_on(versions, doc, as_of)
    version = version or (versions[-1] if versions else None)
    articles = version.articles if version else []
    data = document_summary(doc, statuses_on(session, [doc], as_of)[doc.id], len(articles))
    data["text_note"] = note
    data["issuers"] = list(doc.issuers or [])
    data["version"] = version.version_no if version else None
    data["versions"] = version_rows(session, versions)
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


def in_force_on(
    versions: Sequence[DocumentVersion], doc: Document, day: dt.date
) -> tuple[DocumentVersion, dict[str, str] | None]:
    """The version whose text was in force on ``day``, and a note when no text was yet
    (``{"in_force_from": date}``: each surface words it in its own language).

    A version is in force from its effective date (a version derived from an amendment decision:
    the decision's); a version read from a compilation without one, from where the one before it
    was (the first: from the document's own 施行 date).
    """
    starts: list[dt.date | None] = []
    for version in versions:
        starts.append(version.effective_date or (starts[-1] if starts else doc.effective_date))
    chosen = versions[0]
    for version, start in zip(versions, starts, strict=True):
        if start is None or start <= day:
            chosen = version
    first = starts[0]
    if first is not None and day < first:
        return chosen, {"in_force_from": first.isoformat()}
    return chosen, None


def version_rows(session: Session, versions: Sequence[DocumentVersion]) -> list[dict[str, Any]]:
    """Each version, oldest first: where its text came from (an input, or a decision applied to
    an earlier version) and, for a derived one, how the official text compared."""
    numbers = {v.id: v.version_no for v in versions}
    decisions = decisions_of(session, versions)
    rows = []
    for v in versions:
        provenance = v.provenance or {}
        decision = decisions.get(v.decision_document_id) if v.decision_document_id else None
        rows.append(
            {
                "version": v.version_no,
                "derived": v.derived,
                "basis_version": numbers.get(v.basis_version_id) if v.basis_version_id else None,
                "decision": _ref(decision) if decision else None,
                "effective_date": iso(v.effective_date),
                "verified": v.verified,
                "compilation_id": v.compilation_id,
                "instructions": provenance.get("instructions", []),
                "verification": provenance.get("verification"),
            }
        )
    return rows


# --- the effects ledger -------------------------------------------------------------------------

CHAIN_LIMIT = 500  # documents in one chain; a larger component is bad data, not a chain


def _ref(doc: Document | None) -> dict[str, Any]:
    if doc is None:
        return {"id": None, "doc_number": None, "title": None}
    return {"id": doc.id, "doc_number": doc.doc_number, "title": doc.title}


def relation_row(rel: Relation, source: Document | None, target: Document | None) -> dict[str, Any]:
    return {
        "id": rel.id,
        "kind": rel.kind,
        "scope": rel.scope,
        "effective_date": iso(rel.effective_date),
        "confidence": rel.confidence,
        "origin": rel.origin,
        "source": _ref(source),
        "target": {**_ref(target), "placeholder": bool(target and target.placeholder)},
        "evidence": {"quote": rel.quote, "compilation_id": rel.compilation_id, "line": rel.line},
    }


def relation_rows(
    session: Session, *, kind: str | None = None, document: int | None = None
) -> list[dict[str, Any]]:
    """The ledger as the CLI/API contract, optionally one kind or one document's relations."""
    stmt = select(Relation).where(Relation.suppressed.is_(False)).order_by(Relation.id)
    if kind:
        stmt = stmt.where(Relation.kind == kind)
    if document is not None:
        stmt = stmt.where((Relation.source_id == document) | (Relation.target_id == document))
    rels = session.scalars(stmt).all()
    ids = {r.source_id for r in rels} | {r.target_id for r in rels}
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))} if ids else {}
    return [relation_row(r, docs.get(r.source_id), docs.get(r.target_id)) for r in rels]


def _component(session: Session, doc_id: int) -> list[Relation]:
    """Chain relations reachable from ``doc_id`` in either direction (breadth first, bounded)."""
    seen, frontier, found = {doc_id}, {doc_id}, {}
    while frontier and len(seen) < CHAIN_LIMIT:
        rels: list[Relation] = []
        # One query per side, so each is an index range on (document, kind): with the two sides
        # OR-ed, SQLite (no statistics) scanned every relation of the chain kinds instead.
        for end_column in (Relation.source_id, Relation.target_id):
            rels += session.scalars(
                select(Relation).where(
                    end_column.in_(frontier), Relation.kind.in_(CHAIN_KINDS), Relation.suppressed.is_(False)
                )
            )
        frontier = set()
        for rel in rels:
            found[rel.id] = rel
            for end in (rel.source_id, rel.target_id):
                if end not in seen:
                    seen.add(end)
                    frontier.add(end)
    return [found[i] for i in sorted(found)]


def chain_view(session: Session, doc: Document, as_of: dt.date) -> dict[str, Any]:
    """{"document", "predecessors", "successors"}: each step a document summary with the kind and
    effective date of the relation that joins it, and that relation's evidence; oldest → newest."""
    rels = _component(session, doc.id)
    families = [(r.target_id, r.source_id, r.quote or "") for r in rels if r.kind == EDITION]
    ledger_entries = [to_entry(r) for r in rels if r.kind != EDITION]
    before, after = chain(doc.id, ledger_entries, families=families)
    ids = {doc.id} | {s.doc_id for s in before} | {s.doc_id for s in after}
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    statuses = statuses_on(session, list(docs.values()), as_of)
    counts = article_counts(session, ids)

    def step(s: ChainStep, newer_side: bool) -> dict[str, Any]:
        d = docs[s.doc_id]
        data = document_summary(d, statuses[d.id], counts.get(d.id, 0))
        data["document_effective_date"] = data["effective_date"]
        data["kind"], data["effective_date"] = s.kind, iso(s.effective_date)
        rel = _joining(rels, s, newer_side)
        data["evidence"] = (
            {"quote": rel.quote, "compilation_id": rel.compilation_id, "line": rel.line} if rel else None
        )
        return data

    return {
        "document": document_summary(doc, statuses[doc.id], counts.get(doc.id, 0)),
        "predecessors": [step(s, False) for s in before],
        "successors": [step(s, True) for s in after],
    }


def _joining(rels: Sequence[Relation], s: ChainStep, newer_side: bool) -> Relation | None:
    """The relation of kind ``s.kind`` that has the step's document on its side of the edge."""
    for rel in rels:
        end = rel.source_id if newer_side else rel.target_id
        if rel.kind == s.kind and end == s.doc_id:
            return rel
    return None


def impact_rows(session: Session, doc: Document, as_of: dt.date) -> list[dict[str, Any]]:
    """Documents still in force on ``as_of`` that cite ``doc`` (an outstanding effect when it is repealed).

    Read as plain rows, not whole relations and documents: a law may be cited by thousands.
    """
    cites = session.execute(
        select(Relation.source_id, Relation.quote, Relation.line)
        .where(Relation.kind == "cites", Relation.target_id == doc.id, Relation.suppressed.is_(False))
        .order_by(Relation.id)
    ).all()
    columns = (
        Document.id,
        Document.doc_number,
        Document.title,
        Document.effective_date,
        Document.expiry_date,
    )
    sources: dict[int, Any] = {}
    for chunk in chunked(sorted({r.source_id for r in cites})):
        sources.update((d.id, d) for d in session.execute(select(*columns).where(Document.id.in_(chunk))))
    statuses = statuses_on(session, list(sources.values()), as_of)
    rows = []
    for rel in cites:
        status = statuses.get(rel.source_id)
        if status in STILL_IN_FORCE:
            rows.append(
                {
                    "document": _ref(sources[rel.source_id]),
                    "status": status,
                    "quote": rel.quote,
                    "line": rel.line,
                }
            )
    return rows


def outstanding_impact(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    """Every (in-force document, superseded document it cites) pair on ``as_of``."""
    ended_targets = select(Relation.target_id).where(Relation.kind.in_(("repeals", "replaces")))
    cites = session.scalars(
        select(Relation).where(
            Relation.kind == "cites", Relation.suppressed.is_(False), Relation.target_id.in_(ended_targets)
        )
    ).all()
    ids = {r.source_id for r in cites} | {r.target_id for r in cites}
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))} if ids else {}
    statuses = statuses_on(session, list(docs.values()), as_of)
    found = impact([to_entry(r) for r in cites], statuses)
    return [
        {
            "source": _ref(docs[i.source_id]),
            "source_status": statuses[i.source_id],
            "target": _ref(docs[i.target_id]),
            "target_status": i.target_status,
        }
        for i in found
    ]
