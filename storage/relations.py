"""Repository for the effects ledger (relations between documents)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Relation


def active_relations(session: Session, *, target_ids: Iterable[int] | None = None) -> Sequence[Relation]:
    """Relations that count (not suppressed by a manual override), optionally about some targets."""
    stmt = select(Relation).where(Relation.suppressed.is_(False)).order_by(Relation.id)
    if target_ids is not None:
        stmt = stmt.where(Relation.target_id.in_(list(target_ids)))
    return session.scalars(stmt).all()


def relations_of(session: Session, document_id: int) -> Sequence[Relation]:
    """Every active relation in which the document is source or target."""
    return session.scalars(
        select(Relation)
        .where(Relation.suppressed.is_(False))
        .where(or_(Relation.source_id == document_id, Relation.target_id == document_id))
        .order_by(Relation.effective_date, Relation.id)
    ).all()
