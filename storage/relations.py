"""Repository for the effects ledger (relations between documents)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from storage.models import Relation

LedgerRow = tuple[int, int, int, str, str, date | None]


def ledger_rows(session: Session, target_ids: Iterable[int], kinds: Sequence[str]) -> list[Row[LedgerRow]]:
    """(id, source_id, target_id, kind, scope, effective_date) of the active relations of ``kinds``
    about these targets, in relation order: what a status needs, without loading whole relations."""
    ids = sorted(set(target_ids))
    rows: list[Row[LedgerRow]] = []
    columns = (Relation.id, Relation.source_id, Relation.target_id, Relation.kind, Relation.scope)
    for start in range(0, len(ids), 1000):
        stmt = select(*columns, Relation.effective_date).where(
            Relation.target_id.in_(ids[start : start + 1000]),
            Relation.kind.in_(kinds),
            Relation.suppressed.is_(False),
        )
        rows += session.execute(stmt).all()
    rows.sort(key=lambda row: row.id)
    return rows
