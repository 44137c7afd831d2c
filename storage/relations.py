"""Repository for the effects ledger (relations between documents)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from storage.models import Relation

LedgerRow = tuple[int, int, int, str, str, date | None]


def active_relations(session: Session, *, target_ids: Iterable[int] | None = None) -> Sequence[Relation]:
    """Relations that count (not suppressed by a manual override), optionally about some targets."""
    stmt = select(Relation).where(Relation.suppressed.is_(False)).order_by(Relation.id)
    if target_ids is not None:
        stmt = stmt.where(Relation.target_id.in_(list(target_ids)))
    return session.scalars(stmt).all()


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


def relations_of(session: Session, document_id: int) -> Sequence[Relation]:
    """Every active relation in which the document is source or target."""
    return session.scalars(
        select(Relation)
        .where(Relation.suppressed.is_(False))
        .where(or_(Relation.source_id == document_id, Relation.target_id == document_id))
        .order_by(Relation.effective_date, Relation.id)
    ).all()
