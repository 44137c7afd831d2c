"""Status of stored documents on a date, computed by linking from the stored ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Row
from sqlalchemy.orm import Session

from linking.model import STATUS_KINDS, LedgerEntry
from linking.status import status_on
from storage.models import Relation
from storage.relations import LedgerRow, ledger_rows


def to_entry(rel: Relation | Row[LedgerRow]) -> LedgerEntry:
    return LedgerEntry(
        source_id=rel.source_id,
        target_id=rel.target_id,
        kind=rel.kind,
        scope=rel.scope,
        effective_date=rel.effective_date,
    )


# The relation kinds ``status_on`` reads; a law's thousands of citations (cites) are not among them.


class Dated(Protocol):
    """What a status needs of a document (a ``Document`` or a row of these columns)."""

    id: int
    effective_date: dt.date | None
    expiry_date: dt.date | None


def statuses_on(session: Session, docs: Sequence[Dated], as_of: dt.date) -> dict[int, str]:
    """{document id: status on ``as_of``} for the given documents, from the ledger rows about them.

    Each document is judged on the entries that target it (``status_on`` reads no others), so a
    thousand documents cost a thousand short scans, not a thousand scans of the whole ledger.
    """
    targeting: dict[int, list[LedgerEntry]] = {}
    for rel in ledger_rows(session, (d.id for d in docs), STATUS_KINDS):
        targeting.setdefault(rel.target_id, []).append(to_entry(rel))
    return {
        d.id: status_on(
            d.id, as_of, targeting.get(d.id, []), effective_date=d.effective_date, expiry_date=d.expiry_date
        )
        for d in docs
    }
