"""The ledger rows a link run reads while it syncs its documents' relations, fetched once.

Syncing one document asks the ledger two things: which rows its texts state (found by the lines
they were read from) and which rows already hold the relations it wants, stated by any text.
Asked document by document that was four statements each (two of them for 001's 85 documents
alone); ``RunRows`` reads the answers for every document of the run in a few statements, then
answers from memory. Every row the run adds, moves or deletes goes through it, so each answer is
the one the query would have given at that point of the run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from linking.model import EDITION
from storage.documents import chunked
from storage.models import DocumentVersion, Relation

Key = tuple[int, int, str, str]  # (source id, target id, kind, scope): unique in the ledger
Span = tuple[int, int, int]  # (compilation id, first line, last line) of one stored text
_SPANS_PER_QUERY = 100  # three parameters each
_SPAN_GAP = 50  # lines between two documents' texts read as well (a superset is sifted in memory)


def key_of(row: Relation) -> Key:
    return (row.source_id, row.target_id, row.kind, row.scope)


class RunRows:
    """The rows the documents' texts state and the rows holding the keys the run may write (with
    some rows beside them: every answer is sifted from the rows held, as the query would)."""

    def __init__(self, session: Session, document_ids: Sequence[int], wanted: Collection[Key]) -> None:
        self.spans = _spans(session, document_ids)
        self.removed: set[Relation] = set()
        self._by_key: dict[Key, Relation] = {}
        self._at: dict[int | None, dict[int | None, dict[Key, Relation]]] = {}  # compilation → line
        unread = [doc_id for doc_id in document_ids if not self.spans.get(doc_id)]
        for row in (
            *_read_from(session, [s for spans in self.spans.values() for s in spans]),
            *_stated_by_source(session, unread),
            *_holding(session, wanted),
        ):
            if key_of(row) not in self._by_key:
                self._by_key[key_of(row)] = row
                self._locate(row)

    def stated_by(self, document_id: int) -> dict[Key, Relation]:
        """What ``linker`` asked SQL for: the non-family rows read from the document's lines (from
        rows whose source it is, when no stored text of it has lines)."""
        spans = self.spans.get(document_id)
        if not spans:
            return {
                key: row
                for key, row in self._by_key.items()
                if row.source_id == document_id and row.kind != EDITION
            }
        found: dict[Key, Relation] = {}
        for compilation_id, start, end in spans:
            lines = self._at.get(compilation_id, {})
            if end - start < len(lines):
                held = (lines.get(line, {}) for line in range(start, end + 1))
            else:
                held = (rows for line, rows in lines.items() if line is not None and start <= line <= end)
            for rows in held:
                found.update((key, row) for key, row in rows.items() if row.kind != EDITION)
        return found

    def find(self, key: Key) -> Relation | None:
        return self._by_key.get(key)

    def add(self, row: Relation) -> None:
        self._by_key[key_of(row)] = row
        self._locate(row)

    def place(self, row: Relation, compilation_id: int | None, line: int | None) -> None:
        """Set the line a row was read from, keeping the row findable by it."""
        self._unlocate(row)
        row.compilation_id, row.line = compilation_id, line
        self._locate(row)

    def remove(self, row: Relation) -> None:
        self._unlocate(row)
        del self._by_key[key_of(row)]
        self.removed.add(row)

    def _locate(self, row: Relation) -> None:
        self._at.setdefault(row.compilation_id, {}).setdefault(row.line, {})[key_of(row)] = row

    def _unlocate(self, row: Relation) -> None:
        self._at[row.compilation_id][row.line].pop(key_of(row))


def _spans(session: Session, document_ids: Sequence[int]) -> dict[int, list[Span]]:
    """The lines of each document's stored texts, in the compilations they were read from."""
    spans: dict[int, list[Span]] = {}
    columns = (DocumentVersion.compilation_id, DocumentVersion.start_line, DocumentVersion.end_line)
    for chunk in chunked(sorted(set(document_ids))):
        stmt = select(DocumentVersion.document_id, *columns).where(
            DocumentVersion.document_id.in_(chunk), DocumentVersion.compilation_id.is_not(None)
        )
        for doc_id, compilation_id, start, end in session.execute(stmt):
            if start is not None and end is not None:
                spans.setdefault(doc_id, []).append((compilation_id, start, end))
    return spans


def _read_from(session: Session, spans: Iterable[Span]) -> list[Relation]:
    """Non-family rows read from any of these lines, or from the few lines between two of them:
    the documents of a compilation follow one another, so a run asks for one range, not 85."""
    merged: list[list[int]] = []
    for compilation_id, start, end in sorted(set(spans)):
        if merged and merged[-1][0] == compilation_id and start <= merged[-1][2] + _SPAN_GAP:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([compilation_id, start, end])
    rows: list[Relation] = []
    for chunk in chunked(merged, _SPANS_PER_QUERY):
        lines: list[ColumnElement[bool]] = [
            (Relation.compilation_id == c) & Relation.line.between(s, e) for c, s, e in chunk
        ]
        rows += session.scalars(select(Relation).where(Relation.kind != EDITION, or_(*lines)))
    return rows


def _stated_by_source(session: Session, document_ids: Sequence[int]) -> list[Relation]:
    rows: list[Relation] = []
    for chunk in chunked(document_ids):
        stmt = select(Relation).where(Relation.kind != EDITION, Relation.source_id.in_(chunk))
        rows += session.scalars(stmt)
    return rows


def _holding(session: Session, keys: Collection[Key]) -> list[Relation]:
    """Every row between the keys' sources and targets: a superset of the rows holding the keys."""
    sources, targets = sorted({k[0] for k in keys}), sorted({k[1] for k in keys})
    rows: list[Relation] = []
    for source_chunk in chunked(sources):
        for target_chunk in chunked(targets):
            stmt = select(Relation).where(
                Relation.source_id.in_(source_chunk), Relation.target_id.in_(target_chunk)
            )
            rows += session.scalars(stmt)
    return rows
