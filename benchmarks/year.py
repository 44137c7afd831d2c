"""A database holding a synthetic year, grown without parsing: the rows the pipeline would write.

Parsing and linking 100,000 documents through the pipeline takes about half an hour on this
machine; the scale benchmark needs a database of that size around the ingests it measures. So
``YearDatabase`` mixes two ways in: ``ingest`` runs compilations through the real pipeline (the
measured part), ``grow`` writes for each further synthetic document the rows the pipeline stores
for it, straight from what the generator knows: the document with the keys the pipeline computes
(identity key, canonical 文号, title keys), its version and articles, the relations its text
states (to the documents it names, a placeholder per cited law), the edition edges
``linking.families`` finds, and the change events (new document, repealed/replaced/amended,
cites_repealed). Not written: stored diffs. Content hashes are of the text itself (the
pipeline's comparison form costs 0.4 ms a document; the bulk rows are never re-ingested).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, select, text

from benchmarks.synthetic import PER_COMPILATION, SynDoc, compilation_text, document_text, outside
from ingest.docnumber import canonical_doc_number
from ingest.model import ParsedDocument
from linking.families import version_families
from linking.model import EDITION, KnownDoc
from linking.titles import title_key
from regtrack.services.ingest import ingest_bytes
from regtrack.settings import Settings
from storage.db import make_engine, transaction, upgrade
from storage.documents import identity_key
from storage.models import Document, Relation

EVENT_OF_KIND = {"repeals": "repealed", "replaces": "replaced", "amends": "amended"}
BATCH = 5000  # documents per bulk transaction


@dataclass
class _Rows:
    """Rows of one bulk batch, per table, in column order."""

    tables: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = field(default_factory=dict)

    def add(self, table: str, columns: tuple[str, ...], row: tuple[Any, ...]) -> None:
        if table == "relations":  # the columns every relation row shares
            columns = (*columns, *_RELATION_DEFAULTS)
            row = (*row, *_RELATION_DEFAULTS.values())
        known, rows = self.tables.setdefault(table, (columns, []))
        assert known == columns, f"{table}: one column list per table"
        rows.append(row)


class YearDatabase:
    """A database that grows through a synthetic year, partly by pipeline, partly by bulk rows."""

    def __init__(self, engine: Engine, docs: Sequence[SynDoc], settings: Settings) -> None:
        self.engine, self.docs, self.settings = engine, docs, settings
        self.size = 0  # documents of ``docs`` stored so far
        self.issue = 0
        self.ids: dict[int, int] = {}  # synthetic index → documents.id
        self.outside: dict[int, int] = {}  # ``outside`` number → placeholder id
        self.families: dict[str, list[KnownDoc]] = {}
        self.edges: set[tuple[int, int]] = set()
        self.ended: set[int] = set()  # targets of repeals/replaces
        self.citing: dict[int, list[tuple[int, int]]] = {}  # target → (relation id, source)
        self.flagged: set[tuple[int, int]] = set()  # cites_repealed pairs with their event

    # --- the real pipeline --------------------------------------------------------------------

    def ingest(self, compilations: int) -> list[dict[str, float]]:
        """Ingest the next compilations through ``ingest_bytes``; seconds and sizes of each."""
        timings = []
        for _ in range(compilations):
            chunk = self.docs[self.size : self.size + PER_COMPILATION]
            self.issue += 1
            data = compilation_text(chunk, self.issue).encode("utf-8")
            start = time.perf_counter()
            outcome = ingest_bytes(self.engine, data, f"synthetic/{self.issue}.txt", self.settings)
            seconds = time.perf_counter() - start
            timings.append({"seconds": seconds, "documents": outcome.documents_added, "bytes": len(data)})
            self._adopt(chunk)
        return timings

    def _adopt(self, chunk: Sequence[SynDoc]) -> None:
        """Remember the ids the pipeline gave ``chunk`` (and the placeholders it created)."""
        keys = {_identity(d): d.index for d in chunk}
        cited = {-1 - t for d in chunk for _, t in d.relations if t < 0}
        outside_keys = {_outside_identity(n): n for n in cited}
        with transaction(self.engine) as session:
            stmt = select(Document.identity_key, Document.id).where(
                Document.identity_key.in_([*keys, *outside_keys])
            )
            for key, doc_id in session.execute(stmt):
                if key in keys:
                    self.ids[keys[key]] = doc_id
                else:
                    self.outside[outside_keys[key]] = doc_id
            for doc in chunk:
                self._remember(doc, self.ids[doc.index])
            ids = [self.ids[d.index] for d in chunk]
            edges = select(Relation.source_id, Relation.target_id).where(
                Relation.kind == EDITION, Relation.source_id.in_(ids) | Relation.target_id.in_(ids)
            )
            self.edges |= {(succ, pred) for succ, pred in session.execute(edges)}
        for doc in chunk:
            for kind, target in doc.relations:
                if kind in ("repeals", "replaces") and target >= 0:
                    self.ended.add(self.ids[target])
        self.size += len(chunk)

    # --- bulk rows ------------------------------------------------------------------------------

    def grow(self, size: int) -> float:
        """Write bulk rows until ``size`` documents are stored; returns the seconds it took."""
        start = time.perf_counter()
        while self.size < size:
            stop = min(size, self.size + BATCH)
            self._bulk(self.docs[self.size : stop])
            self.size = stop
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")  # what autovacuum does after large inserts
        return time.perf_counter() - start

    def _bulk(self, chunk: Sequence[SynDoc]) -> None:
        with transaction(self.engine, write=True) as session:
            next_id = {t: (session.scalar(text(f"SELECT max(id) FROM {t}")) or 0) + 1 for t in _TABLES}
            rows = _Rows()
            self.issue += 1
            comp_id = next_id["compilations"]
            digest = hashlib.sha256(f"synthetic bulk {self.issue}".encode()).hexdigest()
            rows.add("blobs", ("sha256", "size", "data"), (digest, 0, b""))
            rows.add(
                "compilations",
                ("id", "sha256", "origin", "status", "parse_report", "documents_added", "documents_updated"),
                (comp_id, digest, f"synthetic/bulk-{self.issue}", "ingested", "{}", len(chunk), 0),
            )
            for doc in chunk:
                self._document_rows(rows, doc, next_id, comp_id)
            self._family_rows(rows, chunk, next_id)
            _write(session, rows)
            _reset_sequences(session)

    def _document_rows(self, rows: _Rows, doc: SynDoc, next_id: dict[str, int], comp_id: int) -> None:
        doc_id = self.ids[doc.index] = _take(next_id, "documents")
        number = canonical_doc_number(doc.doc_number) if doc.doc_number else None
        key = title_key(doc.title)
        rows.add(
            "documents",
            _DOC_COLUMNS,
            (doc_id, _identity(doc), doc.doc_number, number, doc.title, key, key[::-1],
             json.dumps([doc.issuer], ensure_ascii=False), doc.issuer, doc.written, doc.published,
             doc.written, doc.category, json.dumps(list(doc.keywords), ensure_ascii=False),
             False, False, comp_id, None),
        )  # fmt: skip
        body = document_text(doc)
        version_id = _take(next_id, "document_versions")
        rows.add(
            "document_versions",
            ("id", "document_id", "version_no", "content_hash", "text", "parser_version"),
            (version_id, doc_id, 1, hashlib.sha256(body.encode()).hexdigest(), body, "bulk"),
        )
        for position, (label, kind, number_, heading, path, unit) in enumerate(_units(doc)):
            rows.add(
                "articles",
                ("id", "version_id", "position", "label", "kind", "number", "heading", "path", "text"),
                (_take(next_id, "articles"), version_id, position, label, kind, number_, heading,
                 json.dumps(path, ensure_ascii=False), unit),
            )  # fmt: skip
        self._event(rows, next_id, f"new:{doc_id}", "new_document", doc_id, None, None, doc.title, comp_id)
        for kind, target in self.stated(doc):
            self._relation_rows(rows, next_id, doc, doc_id, kind, target, comp_id)
        self._remember(doc, doc_id)

    def stated(self, doc: SynDoc) -> list[tuple[str, int]]:
        """The relations written for ``doc``: its text's, once each, less citations of its own name."""
        own = title_key(doc.title)
        return [
            (kind, target)
            for kind, target in dict.fromkeys(doc.relations)
            # 《its own name》 reads as the document itself, not a citation (linking.own)
            if not (kind == "cites" and target >= 0 and title_key(self.docs[target].cited_as) == own)
        ]

    def _relation_rows(
        self, rows: _Rows, next_id: dict[str, int], doc: SynDoc, doc_id: int, kind: str, target: int,
        comp_id: int,
    ) -> None:  # fmt: skip
        target_id = self.ids[target] if target >= 0 else self._outside(rows, next_id, -1 - target)
        rel_id = _take(next_id, "relations")
        quote = _sentence(doc, self.docs[target].cited_as if target >= 0 else outside(-1 - target)[0])
        when = None if kind == "cites" else doc.written
        numbered = (self.docs[target].doc_number if target >= 0 else outside(-1 - target)[1]) is not None
        confidence = 0.95 if numbered else 0.7
        row = (rel_id, doc_id, target_id, kind, when, quote, comp_id, confidence)
        rows.add("relations", _RELATION_COLUMNS, row)
        if kind in EVENT_OF_KIND:
            event_key = f"relation:{doc_id}:{target_id}:{kind}:whole"
            self._event(
                rows, next_id, event_key, EVENT_OF_KIND[kind], target_id, doc_id, rel_id, quote, comp_id
            )
        if kind == "cites":
            self.citing.setdefault(target_id, []).append((rel_id, doc_id))
            if target_id in self.ended:
                self._cites_repealed(rows, next_id, rel_id, doc_id, target_id, comp_id)
        elif kind in ("repeals", "replaces") and target_id not in self.ended:
            self.ended.add(target_id)
            for cite_id, source in self.citing.get(target_id, []):
                self._cites_repealed(rows, next_id, cite_id, source, target_id, comp_id)

    def _cites_repealed(
        self, rows: _Rows, next_id: dict[str, int], rel_id: int, source: int, target: int, comp_id: int
    ) -> None:
        if (source, target) not in self.flagged:
            self.flagged.add((source, target))
            key = f"cites_repealed:{source}:{target}"
            self._event(rows, next_id, key, "cites_repealed", source, target, rel_id, "", comp_id)

    def _event(
        self, rows: _Rows, next_id: dict[str, int], key: str, kind: str, doc_id: int,
        related: int | None, relation: int | None, summary: str, comp_id: int,
    ) -> None:  # fmt: skip
        rows.add(
            "change_events",
            ("id", "event_key", "kind", "document_id", "related_document_id", "relation_id", "summary",
             "compilation_id"),
            (_take(next_id, "change_events"), key, kind, doc_id, related, relation, summary[:500], comp_id),
        )  # fmt: skip

    def _outside(self, rows: _Rows, next_id: dict[str, int], number: int) -> int:
        """The placeholder of a document cited from outside the year, as the pipeline creates it."""
        if number not in self.outside:
            title, doc_number = outside(number)
            canonical = canonical_doc_number(doc_number) if doc_number else None
            key = title_key(title)
            self.outside[number] = doc_id = _take(next_id, "documents")
            rows.add(
                "documents",
                _DOC_COLUMNS,
                (doc_id, _outside_identity(number), doc_number, canonical, title, key, key[::-1], "[]", None,
                 None, None, None, None, "[]", False, True, None, None),
            )  # fmt: skip
        return self.outside[number]

    def _remember(self, doc: SynDoc, doc_id: int) -> None:
        known = KnownDoc(doc_id, canonical_doc_number(doc.doc_number) if doc.doc_number else None,
                         doc.title, (doc.issuer,), doc.written.year)  # fmt: skip
        self.families.setdefault(title_key(doc.title), []).append(known)

    def _family_rows(self, rows: _Rows, chunk: Sequence[SynDoc], next_id: dict[str, int]) -> None:
        """Edition edges of the families the chunk's documents joined (docs arrive oldest first)."""
        for key in {title_key(d.title) for d in chunk}:
            for pred, succ, reason in version_families(self.families[key]):
                if (succ, pred) not in self.edges:
                    self.edges.add((succ, pred))
                    row = (_take(next_id, "relations"), succ, pred, EDITION, None, reason, None, 1.0)
                    rows.add("relations", _RELATION_COLUMNS, row)


_TABLES = ("compilations", "documents", "document_versions", "articles", "relations", "change_events")
_DOC_COLUMNS = (
    "id", "identity_key", "doc_number", "doc_number_canonical", "title", "title_key", "title_key_reversed",
    "issuers", "issuer", "written_date", "published_date", "effective_date", "category", "keywords",
    "is_attachment", "placeholder", "compilation_id", "line",
)  # fmt: skip


_RELATION_COLUMNS = (
    "id", "source_id", "target_id", "kind", "effective_date", "quote", "compilation_id", "confidence",
)  # fmt: skip
_RELATION_DEFAULTS = {"scope": "whole", "origin": "extracted", "suppressed": False}


def _take(next_id: dict[str, int], table: str) -> int:
    value = next_id[table]
    next_id[table] = value + 1
    return value


def _outside_identity(number: int) -> str:
    """The identity key ``regtrack.services.linking.placeholders`` gives a citation of ``outside(number)``."""
    title, doc_number = outside(number)
    return f"dn:{canonical_doc_number(doc_number)}" if doc_number else f"t:{title_key(title)}"


def _identity(doc: SynDoc) -> str:
    number = canonical_doc_number(doc.doc_number) if doc.doc_number else None
    parsed = ParsedDocument(
        title=doc.title, text="", start_line=1, end_line=1, doc_number=doc.doc_number,
        doc_number_canonical=number, issuers=(doc.issuer,), written_date=doc.written,
    )  # fmt: skip
    return identity_key(parsed)


def _units(doc: SynDoc) -> Iterable[tuple[str, str, int, str, list[str], str]]:
    """(label, kind, number, heading, path, text) of each 条 or 一、 item, as the parser labels them."""
    chapter, article, path = 0, 0, []
    for paragraph in doc.body:
        if paragraph.startswith("第") and paragraph.endswith(("总则", "管理要求")):
            chapter, path = chapter + 1, [paragraph]
        elif paragraph.startswith("第") and "条 " in paragraph[:6]:
            article += 1
            yield f"ch{chapter}/a{article}", "article", article, paragraph.split(" ", 1)[0], path, paragraph
        elif paragraph[1:2] == "、":
            number = "零一二三四五六七八九".index(paragraph[0])
            yield f"i{number}", "item", number, paragraph[:2], [], paragraph


def _sentence(doc: SynDoc, name: str) -> str:
    """The paragraph of ``doc`` that names ``name`` (the relation's evidence)."""
    return next((p for p in doc.body if name in p), doc.title)


def _write(session: Any, rows: _Rows) -> None:
    """Write the rows, table by table in dependency order: COPY on PostgreSQL, executemany on SQLite."""
    connection = session.connection()
    raw = connection.connection.driver_connection
    postgres = connection.dialect.name == "postgresql"
    for table in ("blobs", *_TABLES):
        if table not in rows.tables:
            continue
        columns, values = rows.tables[table]
        names = ", ".join(columns)
        if postgres:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", [_sqlite(r) for r in values])


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in row)


def _reset_sequences(session: Any) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))


# --- scratch databases ----------------------------------------------------------------------------

PG_ADMIN_URL = os.environ.get("REGTRACK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_database(backend: str, *, template: str | None = None) -> Iterator[str]:
    """A migrated database of our own (a random name or a temporary file), removed afterwards.

    ``template`` (PostgreSQL: a database name; SQLite: a file) is copied instead of migrating.
    """
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="regtrack_bench_") as folder:
            path = Path(folder) / "regtrack.db"
            if template:
                shutil.copy(template, path)
            url = f"sqlite:///{path}"
            if not template:
                _migrate(url)
            yield url
        return
    name = f"regtrack_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        conn.execute("CHECKPOINT")  # the copy's writes are flushed now, not during what is timed next
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    try:
        if not template:
            _migrate(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def database_name(url: str) -> str:
    """The PostgreSQL database name, or the SQLite file, of a URL (what ``template`` takes)."""
    return url.rsplit("/", 1)[1] if url.startswith("postgresql") else url.removeprefix("sqlite:///")
