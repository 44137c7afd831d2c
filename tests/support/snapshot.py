"""What a database holds, by natural keys: two databases that ingested the same files compare
equal however their ids differ (tests of concurrency, ingest order and Prefect backfills)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from regtrack.services.linking.status import statuses_on
from storage.db import transaction
from storage.models import ChangeEvent, Compilation, Document, DocumentVersion, Relation

AS_OF = dt.date(2026, 12, 1)


def snapshot(engine: Engine) -> dict[str, list[Any]]:
    """Documents with their status on ``AS_OF``, versions, relations (dated), compilations, and how
    many change events of each kind (their keys hold ids)."""
    source, target = aliased(Document), aliased(Document)
    with transaction(engine) as session:
        docs = list(session.scalars(select(Document)))
        status = statuses_on(session, docs, AS_OF)
        versions = session.execute(
            select(Document.identity_key, DocumentVersion.content_hash).join(
                DocumentVersion, DocumentVersion.document_id == Document.id
            )
        )
        relations = session.execute(
            select(
                source.identity_key,
                target.identity_key,
                Relation.kind,
                Relation.scope,
                Relation.effective_date,
            )
            .join(source, source.id == Relation.source_id)
            .join(target, target.id == Relation.target_id)
        )
        compilations = session.execute(select(Compilation.sha256, Compilation.status))
        events = session.execute(select(ChangeEvent.kind, func.count()).group_by(ChangeEvent.kind))
        return {
            "documents": sorted((d.identity_key, status[d.id]) for d in docs),
            "versions": sorted(tuple(row) for row in versions),
            "relations": sorted((tuple(row) for row in relations), key=str),
            "compilations": sorted(tuple(row) for row in compilations),
            "events": sorted(tuple(row) for row in events),
        }


def difference(stored: dict[str, list[Any]], expected: dict[str, list[Any]]) -> dict[str, Any]:
    """Per part that differs: (a few only in ``stored``, a few only in ``expected``)."""
    return {
        key: (
            sorted(set(stored[key]) - set(expected[key]), key=str)[:5],
            sorted(set(expected[key]) - set(stored[key]), key=str)[:5],
        )
        for key in expected
        if stored[key] != expected[key]
    }
