"""The stored documents a link run's citations may name, fetched by SQL on indexed columns.

``linking.resolve`` matches a citation against a catalogue: by canonical 文号, by title key, else
by a close title. Indexing every stored document for each link run costs O(database) per ingest;
instead a run fetches only the candidates its citations can reach:

- every document with a cited 文号 or a cited title key (``documents.doc_number_canonical`` and
  ``documents.title_key``, both indexed), so 文号 and exact-title matches are the same as against
  the whole catalogue;
- for a citation neither finds, the documents whose title key sorts next to the cited one,
  forwards and read backwards (``title_key_reversed``): a close title (ratio ≥ 90, same first two
  characters, see ``linking.resolve``) differs by a few characters, so it shares a long prefix or
  a long suffix with the citation and sorts beside it in one of the two orders.
  ``NEIGHBOURS`` per side and order bounds the fuzzy candidates whatever the database's size.

``title_key`` and ``title_key_reversed`` must hold ``linking.titles.title_key(title)`` for every
row: ``fill_title_keys`` keeps them so (new rows, rows stored before the column existed).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, or_, select, text, update
from sqlalchemy.orm import Session

from linking import titles
from linking.model import Citation, KnownDoc
from linking.resolve import CatalogueIndex, Resolution, index_catalogue, resolve
from storage.documents import chunked
from storage.models import Document


@functools.lru_cache(maxsize=65536)
def title_key(title: str) -> str:
    """``linking.titles.title_key``, remembered: a run asks for the same titles again and again."""
    return titles.title_key(title)


NEIGHBOURS = 12  # documents taken on each side of a title key, in each of the two sort orders
_KEYS_PER_QUERY = 40  # 4 sub-selects per key: SQLite allows 500 in one compound select

KNOWN_COLUMNS = (
    Document.id,
    Document.doc_number_canonical,
    Document.title,
    Document.issuers,
    Document.written_date,
    Document.published_date,
    Document.effective_date,
    Document.placeholder,
)


def set_title_key(doc: Document) -> None:
    """Keep both stored title keys equal to the title's key (cheap when they already are)."""
    key = title_key(doc.title)
    if doc.title_key != key or doc.title_key_reversed != key[::-1]:
        doc.title_key, doc.title_key_reversed = key, key[::-1]


def fill_title_keys(session: Session, *, every: bool = False) -> int:
    """Title keys for rows that lack them (all rows when ``every``: after a title-key code change)."""
    stmt = select(Document.id, Document.title)
    if not every:
        stmt = stmt.where(or_(Document.title_key.is_(None), Document.title_key_reversed.is_(None)))
    values = [
        {"doc_id": doc_id, "key": key, "reversed": key[::-1]}
        for doc_id, title in session.execute(stmt)
        for key in (title_key(title),)
    ]
    table = Document.__table__
    assert isinstance(table, Table)
    fill = (
        update(table)
        .where(table.c.id == bindparam("doc_id"))
        .values(title_key=bindparam("key"), title_key_reversed=bindparam("reversed"))
        .values(updated_at=table.c.updated_at)  # a derived key is not an edit of the document
    )
    for chunk in chunked(values, 1000):
        session.execute(fill, chunk)
    return len(values)


def known(row: Any) -> KnownDoc:
    year = row.written_date or row.published_date or row.effective_date
    return KnownDoc(
        id=row.id,
        doc_number_canonical=row.doc_number_canonical,
        title=row.title,
        issuers=tuple(row.issuers or ()),
        year=year.year if year else None,
        dates=tuple(d for d in (row.written_date, row.published_date, row.effective_date) if d),
        placeholder=bool(row.placeholder),
    )


def known_docs(
    session: Session,
    *,
    ids: Iterable[int] = (),
    numbers: Iterable[str] = (),
    keys: Iterable[str] = (),
    number_stems: Iterable[str] = (),
) -> dict[int, KnownDoc]:
    """Documents by id, by canonical 文号, by title key or by 文号 stem ("WS/T 347-"), as ``KnownDoc``s."""
    found: dict[int, KnownDoc] = {}
    for column, values in (
        (Document.id, ids),
        (Document.doc_number_canonical, numbers),
        (Document.title_key, keys),
    ):
        for chunk in chunked(sorted(set(values))):  # type: ignore[type-var]
            for row in session.execute(select(*KNOWN_COLUMNS).where(column.in_(chunk))):
                found[row.id] = known(row)
    for stem in sorted(set(number_stems)):  # no index serves a prefix on both databases: rare, standards only
        stmt = select(*KNOWN_COLUMNS).where(Document.doc_number_canonical.startswith(stem, autoescape=True))
        found.update((row.id, known(row)) for row in session.execute(stmt))
    return found


def title_neighbours(session: Session, keys: Iterable[str]) -> set[int]:
    """Ids of the documents whose title key sorts just before or after each key, read forwards or
    backwards. Equal keys are not included: ``known_docs(keys=…)`` finds those."""
    wanted = sorted(set(keys) - {""})
    if session.get_bind().dialect.name == "postgresql":
        return _neighbours_lateral(session, wanted)
    found: set[int] = set()
    for chunk in chunked(wanted, _KEYS_PER_QUERY):
        params: dict[str, str | int] = {"n": NEIGHBOURS}
        for i, key in enumerate(chunk):
            params[f"k{i}"], params[f"r{i}"] = key, key[::-1]
        found.update(session.scalars(_around(len(chunk)), params))
    return found


# Four index range scans per key (title_key and title_key_reversed are indexed), wrapped so that
# SQLite accepts ORDER BY and LIMIT inside a compound select.
_AROUND = tuple(
    f"SELECT id FROM (SELECT id FROM documents WHERE {column} {op} :{param}{{i}} "
    f"ORDER BY {column} {order} LIMIT :n) AS {alias}{{i}}"
    for column, param, alias_base in (("title_key", "k", "f"), ("title_key_reversed", "r", "b"))
    for op, order, alias in ((">", "", alias_base + "a"), ("<", "DESC", alias_base + "b"))
)


@functools.lru_cache(maxsize=_KEYS_PER_QUERY)
def _around(size: int) -> TextClause:
    """The compound select for ``size`` keys. Plain SQL: SQLAlchemy spends ~1 ms compiling each of
    these sub-selects, the database 0.05 ms; built once per size (parsing its binds costs too)."""
    return text(" UNION ALL ".join(part.format(i=i) for i in range(size) for part in _AROUND))


# PostgreSQL: the same four range scans per key, the keys passed as two arrays. Planning the
# compound select (160 sub-selects for 40 keys) cost more than running it, and psycopg parses
# a statement that long anew each time: 001's nine selects took 0.26 s, these 0.08 s.
_AROUND_LATERAL = text(
    "SELECT DISTINCT id FROM ("  # neighbours of near keys overlap: 001 reads 400 ids, not 11,000 rows
    + " UNION ALL ".join(
        f"SELECT d.id FROM unnest(CAST(:{param} AS VARCHAR[])) AS q(k) CROSS JOIN LATERAL "
        f"(SELECT id FROM documents WHERE {column} {op} q.k ORDER BY {column} {order} LIMIT :n) AS d"
        for column, param in (("title_key", "keys"), ("title_key_reversed", "reversed"))
        for op, order in ((">", ""), ("<", "DESC"))
    )
    + ") AS near"
)
_KEYS_PER_ARRAY = 1000


# The planner's guess for a table it has no statistics of yet (a new database's first ingests:
# autovacuum has not analysed it) is a few rows: it read and sorted the table once per key instead
# of walking the index, 60 ms for 001's 232 keys against 10 ms. Walking the index is always the
# right way to take the few rows beside a key, so the other two plans are off for this statement.
_READ_PLANS = text("SELECT current_setting('enable_seqscan'), current_setting('enable_bitmapscan')")
_SET_PLANS = text(
    "SELECT set_config('enable_seqscan', :seq, true), set_config('enable_bitmapscan', :bitmap, true)"
)


def _neighbours_lateral(session: Session, keys: Sequence[str]) -> set[int]:
    found: set[int] = set()
    seq, bitmap = session.execute(_READ_PLANS).one()
    session.execute(_SET_PLANS, {"seq": "off", "bitmap": "off"})
    try:
        for chunk in chunked(keys, _KEYS_PER_ARRAY):
            params = {"keys": list(chunk), "reversed": [key[::-1] for key in chunk], "n": NEIGHBOURS}
            found.update(session.scalars(_AROUND_LATERAL, params))
    finally:
        session.execute(_SET_PLANS, {"seq": seq, "bitmap": bitmap})
    return found


class Catalogue:
    """Resolves a run's citations as ``linking.resolve`` would against every stored document."""

    def __init__(self, session: Session, citations: Sequence[Citation]) -> None:
        self.session = session
        self.docs = known_docs(
            session,
            numbers=(c.doc_number_canonical for c in citations if c.doc_number_canonical),
            keys=(title_key(c.title) for c in citations if c.title),
        )
        self.index = self._indexed()
        self._widened: set[str] = set()

    def _indexed(self) -> CatalogueIndex:
        return index_catalogue([self.docs[i] for i in sorted(self.docs)])  # id order, like a table scan

    def resolve_all(self, requests: Sequence[tuple[Citation, int | None, int | None]]) -> list[Resolution]:
        """(citation, source year, source id) → resolution; fuzzy ones against the title neighbourhood."""
        found = [resolve(c, self.index, source_year=y, source_id=s) for c, y, s in requests]
        fuzzy = [i for i, r in enumerate(found) if r.method not in ("doc_number", "title_exact")]
        keys = {title_key(requests[i][0].title or "") for i in fuzzy} - self._widened - {""}
        if not keys:
            return found
        self._widened |= keys
        more = title_neighbours(self.session, keys) - set(self.docs)
        if not more:
            return found
        self.docs.update(known_docs(self.session, ids=more))
        self.index = self._indexed()
        for i in fuzzy:
            citation, year, source = requests[i]
            found[i] = resolve(citation, self.index, source_year=year, source_id=source)
        return found
