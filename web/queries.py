"""Read queries only the web pages need (home page, versions, admin lists). Session in, dicts out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.notices import notice_from_json
from storage.documents import DocumentFilter, document_query, iso
from storage.models import Compilation, Document, DocumentVersion, Relation, Source, VersionDiff
from storage.versions import decisions_of

# Kinds the home page counts for "what changed this month", in the order it shows them.
MONTH_KINDS = ("new", "repealed", "replaced", "amended", "partially_repealed")
_RELATION_OF_STATUS = {
    "repealed": "repeals",
    "replaced": "replaces",
    "amended": "amends",
    "partially_repealed": "partially_repeals",
}


def parse_month(value: str | None) -> dt.date | None:
    """'2024-03' -> 2024-03-01; None when absent or malformed."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value + "-01")
    except ValueError:
        return None


def month_bounds(first: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the month starting at ``first``."""
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def default_month(session: Session, today: dt.date) -> dt.date:
    """This month when something happened in it, else the latest month documents were published."""
    this_month = today.replace(day=1)
    if any(changes_in_month(session, this_month).values()):
        return this_month
    latest = session.scalar(
        select(func.max(Document.published_date)).where(
            Document.placeholder.is_(False), Document.published_date <= today
        )
    )
    return latest.replace(day=1) if latest else this_month


def changes_in_month(session: Session, first: dt.date) -> dict[str, list[int]]:
    """Document ids per kind for one month: published in it (new), or a relation took effect in it."""
    start, end = month_bounds(first)
    published = func.coalesce(Document.published_date, Document.written_date)
    new_ids = session.scalars(
        select(Document.id)
        .where(Document.placeholder.is_(False), Document.is_attachment.is_(False))
        .where(published >= start, published <= end)
        .order_by(Document.id)
    ).all()
    result: dict[str, list[int]] = {"new": list(new_ids)}
    for status, kind in _RELATION_OF_STATUS.items():
        ids = session.scalars(
            select(Relation.target_id)
            .where(Relation.kind == kind, Relation.suppressed.is_(False))
            .where(Relation.effective_date >= start, Relation.effective_date <= end)
            .distinct()
        ).all()
        result[status] = sorted(ids)
    return result


def latest_compilations(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    rows = session.scalars(select(Compilation).order_by(Compilation.id.desc()).limit(limit)).all()
    return [compilation_row(c) for c in rows]


def compilation_row(c: Compilation) -> dict[str, Any]:
    report = dict(c.parse_report or {})
    return {
        "id": c.id,
        "title": c.title,
        # what people call it: its masthead, else its documents' issuers, months and count
        "name": report.get("display_name") or c.title,
        "origin": c.origin,
        "kind": c.kind,
        "media": c.media,
        "encoding": c.encoding,
        "status": c.status,
        "error": c.error,
        "parser_version": c.parser_version,
        "ingested_at": c.ingested_at.isoformat(timespec="seconds") if c.ingested_at else None,
        "documents_added": c.documents_added,
        "documents_updated": c.documents_updated,
        "documents": report.get("documents"),
        # in Chinese, each with the line of the compilation it concerns (older reports: English text)
        "warnings": [
            {"text": n.chinese(), "line": n.line}
            for n in map(notice_from_json, report.get("notices") or report.get("warnings") or [])
        ],
        "reparses": len(report.get("reparses") or []),
    }


def sources(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Source).order_by(Source.id)).all()
    return [
        {
            "id": s.id,
            "url": s.url,
            "kind": s.kind,
            "name": s.name,
            "enabled": s.enabled,
            "last_polled_at": s.last_polled_at.isoformat(timespec="seconds") if s.last_polled_at else None,
            "last_error": s.last_error,
        }
        for s in rows
    ]


def count_documents(session: Session, f: DocumentFilter) -> int:
    return session.scalar(select(func.count()).select_from(document_query(f).subquery())) or 0


def issuers_and_categories(session: Session) -> tuple[list[str], list[str]]:
    """Distinct issuers and categories, for the filter form's suggestions."""
    issuers = session.scalars(
        select(Document.issuer).where(Document.issuer.is_not(None)).distinct().order_by(Document.issuer)
    ).all()
    categories = session.scalars(
        select(Document.category).where(Document.category.is_not(None)).distinct().order_by(Document.category)
    ).all()
    return [i for i in issuers if i], [c for c in categories if c]


def versions_of(session: Session, document_id: int) -> list[dict[str, Any]]:
    """Every stored version, newest first, with the stored diff from the version before it and,
    for a version derived from an amendment decision, the decision and whether it was verified."""
    versions = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.version_no.desc())
    ).all()
    ids = [v.id for v in versions]
    previous = {newer.id: older.id for newer, older in zip(versions, versions[1:], strict=False)}
    diffs: dict[int, VersionDiff] = {}
    for d in session.scalars(select(VersionDiff).where(VersionDiff.new_version_id.in_(ids))):
        # The 新旧对照表 between consecutive versions; another diff into it only when there is none.
        if d.new_version_id not in diffs or d.old_version_id == previous.get(d.new_version_id):
            diffs[d.new_version_id] = d
    decisions = decisions_of(session, versions)
    rows = []
    for v in versions:
        diff = diffs.get(v.id)
        decision = decisions.get(v.decision_document_id or 0)
        verification = (v.provenance or {}).get("verification") or {}
        rows.append(
            {
                "id": v.id,
                "version_no": v.version_no,
                "compilation_id": v.compilation_id,
                "start_line": v.start_line,
                "end_line": v.end_line,
                "parser_version": v.parser_version,
                "created_at": iso(v.created_at.date()) if v.created_at else None,
                "diff_id": diff.id if diff else None,
                "diff_summary": dict(diff.summary or {}) if diff else None,
                "derived": v.derived,
                "verified": v.verified,
                "effective_date": iso(v.effective_date),
                "decision": {"id": decision.id, "title": decision.title} if decision else None,
                "differing_articles": list(verification.get("differing_articles") or []),
            }
        )
    return rows
