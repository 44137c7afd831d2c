"""Edition edges (操作手册（2023版）→（2024版）, WS/T 347—2011 → —2024) stored as ``version`` relations.

``linking.families`` finds the edges among a set of documents. A link run recomputes only the
families its documents belong to, or belonged to: every document sharing a title key or a
standard's number stem with them, closed over the members found, so each family is seen whole.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from linking.families import version_families
from linking.model import EDITION, KnownDoc
from regtrack.services.linking.candidates import known_docs, title_key
from regtrack.services.linking.run import LinkRun
from storage.documents import chunked
from storage.models import Document, Relation

# linking.families gives no family to a title key shorter than 6 characters (管理办法, 实施方案):
# such keys are shared by many unrelated documents, so they are not followed here either.
_MIN_FAMILY_KEY = 6
# A standard's canonical number, "WS/T 347-2024": its editions share everything before the year.
_NUMBER_STEM = re.compile(r"(?P<stem>.+-)[0-9]{4}")


def sync_families(session: Session, document_ids: Iterable[int], run: LinkRun) -> None:
    """Store the edition edges of the families of ``document_ids``; drop the ones no longer found."""
    seeds = set(document_ids)
    for row in _version_rows(session, seeds):
        seeds.update((row.source_id, row.target_id))  # families the documents were joined to before
    members = _closure(session, seeds)
    docs = [members[i] for i in sorted(members)]
    wanted = {(succ, pred): reason for pred, succ, reason in version_families(docs)}
    rows = {(r.source_id, r.target_id): r for r in _version_rows(session, set(members))}
    for key, row in rows.items():
        if key not in wanted and row.origin == "extracted":
            run.forget(row)
            session.delete(row)
    for (succ, pred), reason in wanted.items():
        if (succ, pred) not in rows:
            successor = session.get(Document, succ)
            when = successor.effective_date or successor.written_date if successor else None
            session.add(
                Relation(
                    source_id=succ,
                    target_id=pred,
                    kind=EDITION,
                    scope="whole",
                    effective_date=when,
                    quote=reason,
                )
            )


def _version_rows(session: Session, ids: Collection[int]) -> list[Relation]:
    found: dict[int, Relation] = {}
    for chunk in chunked(sorted(ids)):
        stmt = select(Relation).where(
            Relation.kind == EDITION, or_(Relation.source_id.in_(chunk), Relation.target_id.in_(chunk))
        )
        found.update((r.id, r) for r in session.scalars(stmt))
    return [found[i] for i in sorted(found)]


def _closure(session: Session, seeds: Collection[int]) -> dict[int, KnownDoc]:
    """The seeds and every document that may share a family with one of them, transitively."""
    members = known_docs(session, ids=seeds)
    keys_done: set[str] = set()
    stems_done: set[str] = set()
    while True:
        keys = {k for d in members.values() if len(k := title_key(d.title)) >= _MIN_FAMILY_KEY} - keys_done
        stems = {s for d in members.values() if (s := _stem(d.doc_number_canonical))} - stems_done
        if not keys and not stems:
            return members
        keys_done |= keys
        stems_done |= stems
        members.update(known_docs(session, keys=keys, number_stems=stems))


def _stem(number: str | None) -> str | None:
    match = _NUMBER_STEM.fullmatch(number or "")
    return match["stem"] if match else None
