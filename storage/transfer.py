"""Export and import of the whole database as JSON Lines: a backup that moves between backends.

One JSON object per line. The first line is a header naming the format and the schema
revision; then every row of every table of ``storage.models``, tables in dependency order and
rows by primary key (a document after its parent), each as ``{"table": name, column: value…}``.
Times are ISO 8601 in UTC, dates ISO 8601, bytes base64. Import keeps the ids, so an export of
an imported database is the same file, line for line, on SQLite and PostgreSQL alike.

Functions take a caller-owned Session and never commit: the caller's one transaction makes an
import all-or-nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

from sqlalchemy import JSON, Date, DateTime, LargeBinary, Table, func, insert, literal, select, text
from sqlalchemy.orm import Session

from storage.errors import StorageError
from storage.models import Base, DataVersion, Job, RateMark

FORMAT = "regtrack-export"
FORMAT_VERSION = 1
HEADER = "_export"  # the header line's "table"
BATCH_ROWS = 500
BATCH_BYTES = 16 * 2**20  # a batch of blobs is flushed before it holds more than this

# data_version is bookkeeping, not data: each database counts its own writes.
TABLES: tuple[Table, ...] = tuple(
    t
    for t in Base.metadata.sorted_tables
    if t not in (DataVersion.__table__, RateMark.__table__, Job.__table__)
)
_ORDER = {table.name: index for index, table in enumerate(TABLES)}


class TransferError(StorageError):
    """An export file cannot be imported here (format, schema revision, content, non-empty database)."""


# --- export ---------------------------------------------------------------------------------


def export_lines(session: Session) -> Iterator[str]:
    """The header line, then one line per row of every table (no trailing newlines)."""
    for _table, line in _export(session):
        yield line


def write_export(session: Session, stream: IO[str], key_fingerprint: str | None = None) -> dict[str, int]:
    """Write the export to a text stream; returns the rows written per table. ``key_fingerprint``
    (never the key) names the signing key the links already mailed depend on."""
    counts = {table.name: 0 for table in TABLES}
    for table, line in _export(session, key_fingerprint):
        stream.write(line + "\n")
        if table is not None:
            counts[table.name] += 1
    return counts


def _export(session: Session, key_fingerprint: str | None = None) -> Iterator[tuple[Table | None, str]]:
    _consistent_snapshot(session)
    header = {"table": HEADER, "format": FORMAT, "version": FORMAT_VERSION, "schema": _revision(session)}
    if key_fingerprint:
        header["signing_key"] = key_fingerprint
    yield None, _dumps(header)
    for table in TABLES:
        for row in _table_rows(session, table):
            values = {c.name: _to_json(c.type, row[c.name]) for c in table.c}
            yield table, _dumps({"table": table.name, **values})


def _consistent_snapshot(session: Session) -> None:
    # Every table read in one snapshot, even while ingests commit (SQLite's read transaction already is one).
    if session.get_bind().dialect.name == "postgresql":
        session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )


def _revision(session: Session) -> str | None:
    from alembic.runtime.migration import MigrationContext  # export and import alone need Alembic

    return MigrationContext.configure(session.connection()).get_current_revision()


def _table_rows(session: Session, table: Table) -> Iterable[Any]:
    statement = select(table).order_by(*table.primary_key.columns)
    link = _self_reference(table)
    if link is None:
        return (row._mapping for row in session.execute(statement.execution_options(yield_per=BATCH_ROWS)))
    return _parents_first([row._mapping for row in session.execute(statement)], *link)


def _self_reference(table: Table) -> tuple[str, str] | None:
    """(column, the column it points to) within the same table: documents.parent_id → id."""
    return next(
        ((fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table), None
    )


def _parents_first(rows: list[Any], parent: str, key: str) -> list[Any]:
    """Rows reordered so that each comes after the row it points to; otherwise in key order."""
    children: dict[Any, list[Any]] = {}
    for row in rows:
        children.setdefault(row[parent], []).append(row)
    ordered: list[Any] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children.get(row[key], [])))
    placed = {id(row) for row in ordered}
    return ordered + [row for row in rows if id(row) not in placed]  # a cycle: import will say so


def _to_json(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(kind, DateTime):
        # SQLite keeps UTC without a zone; PostgreSQL answers in the session's zone.
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat()
    if isinstance(kind, Date):
        return value.isoformat()
    return value


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


# --- import ---------------------------------------------------------------------------------


def read_import(session: Session, lines: Iterable[str], *, replace: bool = False) -> dict[str, int]:
    """Restore an export into this database (which must be empty unless ``replace``).

    Ids are kept; PostgreSQL's sequences are then moved past them. Raises TransferError, naming
    the line, on anything that is not an export of this schema.
    """
    numbered = enumerate(lines, start=1)
    _check_header(session, next(numbered, (1, "")))
    if not replace and (busy := _non_empty_tables(session)):
        raise TransferError(
            f"the database is not empty ({', '.join(busy)} hold rows): import into an empty one, or use --replace"
        )
    if replace:
        for table in reversed(TABLES):
            session.execute(table.delete())
    counts = {table.name: 0 for table in TABLES}
    _insert_all(session, numbered, counts)
    _reset_sequences(session)
    return counts


def _check_header(session: Session, numbered: tuple[int, str]) -> None:
    number, line = numbered
    header = _loads(number, line)
    if header.get("table") != HEADER or header.get("format") != FORMAT:
        raise TransferError(f"line {number}: not a regtrack export (no {FORMAT} header)")
    if header.get("version") != FORMAT_VERSION:
        raise TransferError(
            f"line {number}: export format version {header.get('version')!r} is not {FORMAT_VERSION}"
        )
    here = _revision(session)
    if header.get("schema") != here:
        raise TransferError(
            f"the export is of schema revision {header.get('schema')}, this database is at {here}: "
            "migrate one of them first (regtrack db upgrade/downgrade)"
        )


def _non_empty_tables(session: Session) -> list[str]:
    return [
        table.name
        for table in TABLES
        if session.execute(select(literal(1)).select_from(table).limit(1)).first() is not None
    ]


def _insert_all(session: Session, numbered: Iterator[tuple[int, str]], counts: dict[str, int]) -> None:
    current: Table | None = None
    batch: list[dict[str, Any]] = []
    size = 0
    for number, line in numbered:
        if not line.strip():
            continue
        table, row = _row(number, line)
        if current is not None and table is not current:
            if _ORDER[table.name] < _ORDER[current.name]:
                raise TransferError(
                    f"line {number}: {table.name} rows after {current.name} rows (out of order)"
                )
            _flush(session, current, batch)
            batch, size = [], 0
        current = table
        batch.append(row)
        size += len(line)
        counts[table.name] += 1
        if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
            _flush(session, table, batch)
            batch, size = [], 0
    if current is not None:
        _flush(session, current, batch)


def _flush(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(table), rows)


def _row(number: int, line: str) -> tuple[Table, dict[str, Any]]:
    obj = _loads(number, line)
    name = obj.pop("table", None)
    if name not in _ORDER:
        raise TransferError(f"line {number}: unknown table {name!r}")
    table = TABLES[_ORDER[name]]
    expected = {c.name for c in table.c}
    if set(obj) != expected:
        missing, extra = sorted(expected - set(obj)), sorted(set(obj) - expected)
        raise TransferError(
            f"line {number}: {name} row has missing columns {missing} / unknown columns {extra}"
        )
    try:
        return table, {c.name: _from_json(c.type, obj[c.name]) for c in table.c}
    except (ValueError, TypeError, binascii.Error) as exc:
        raise TransferError(f"line {number}: bad value in a {name} row ({exc})") from exc


def _loads(number: int, line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise TransferError(f"line {number} is not JSON ({exc.args[0] if exc.args else exc})") from exc
    if not isinstance(obj, dict):
        raise TransferError(f"line {number} is not a JSON object")
    return obj


def _from_json(kind: Any, value: Any) -> Any:
    if value is None or isinstance(kind, JSON):
        return value
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(kind, DateTime):
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def _reset_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move: move them."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite takes max(rowid) + 1
    for table in TABLES:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or columns[0].type.python_type is not int:
            continue
        column = columns[0]
        highest = session.scalar(select(func.max(column)))
        session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), :value, :called)"),
            {
                "table": table.name,
                "column": column.name,
                "value": highest or 1,
                "called": highest is not None,
            },
        )


__all__ = ["FORMAT", "TABLES", "TransferError", "export_lines", "read_import", "write_export"]
