"""A document's status (时效性) on a given day, from the relations that target it.

A relation counts from its effective date on: a document repealed from 2024-05-01 is in force on
2024-04-30 and repealed from 2024-05-01 onwards, whatever is asked later. A relation with an
unknown effective date counts on every day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from linking.model import LedgerEntry

# Strongest first: repealed/replaced > expired > partially_repealed > amended > in_force.
_PARTIAL = {"partially_repeals": "partially_repealed", "amends": "amended"}


def status_on(
    doc_id: int,
    as_of: date,
    ledger: Sequence[LedgerEntry],
    *,
    effective_date: date | None,
    expiry_date: date | None,
) -> str:
    """One of in_force, not_yet_effective, amended, partially_repealed, repealed, replaced, expired.

    ``expiry_date`` is the last day in force (有效期至…); an ``expires`` entry whose target is the
    document counts the same way.
    """
    applying = [
        e for e in ledger if e.target_id == doc_id and (e.effective_date is None or e.effective_date <= as_of)
    ]
    ended = [e for e in applying if e.kind in ("repeals", "replaces")]
    if ended:
        first = min(ended, key=lambda e: (e.effective_date or date.min, e.kind != "replaces"))
        return "replaced" if first.kind == "replaces" else "repealed"
    if effective_date is not None and as_of < effective_date:
        return "not_yet_effective"
    if _expired(doc_id, as_of, ledger, expiry_date):
        return "expired"
    kinds = {e.kind for e in applying}
    for kind in ("partially_repeals", "amends"):
        if kind in kinds:
            return _PARTIAL[kind]
    return "in_force"


def _expired(doc_id: int, as_of: date, ledger: Sequence[LedgerEntry], expiry_date: date | None) -> bool:
    ends = [
        e.effective_date for e in ledger if e.kind == "expires" and e.target_id == doc_id and e.effective_date
    ]
    if expiry_date is not None:
        ends.append(expiry_date)
    return any(as_of > end for end in ends)
