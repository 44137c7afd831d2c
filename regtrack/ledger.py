"""Status of stored documents on a date, computed by linking from the stored ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from linking.model import LedgerEntry
from linking.status import status_on
from storage.models import Document, Relation
from storage.relations import active_relations


def to_entry(rel: Relation) -> LedgerEntry:
    return LedgerEntry(
        source_id=rel.source_id,
        target_id=rel.target_id,
        kind=rel.kind,
        scope=rel.scope,
        effective_date=rel.effective_date,
    )


def statuses(session: Session, docs: Sequence[Document], as_of: dt.date) -> dict[int, str]:
    """{document id: status on ``as_of``} for the given documents, from one ledger query."""
    entries = [to_entry(r) for r in active_relations(session, target_ids=[d.id for d in docs])]
    return {
        d.id: status_on(d.id, as_of, entries, effective_date=d.effective_date, expiry_date=d.expiry_date)
        for d in docs
    }
