"""Idempotency lives in the schema, not only in code: two processes (or a rerun after a crash)
cannot store a second copy of anything, because the migrated database itself refuses it.

For each key the pipeline relies on, an existing row is copied with a new id (and new values
for the table's other keys) and inserted with plain SQL, past every check in our code: the
database must refuse it, naming that very constraint. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Integer, String, insert, select
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine, transaction
from storage.models import Base
from tests.support.reliability import ok, seed_every_table

# (table, columns): a compilation per input, a document per identity, a version per text, …
KEYS = [
    ("blobs", ("sha256",)),
    ("sources", ("url",)),
    ("compilations", ("sha256",)),
    ("documents", ("identity_key",)),
    ("document_versions", ("document_id", "content_hash")),
    ("document_versions", ("document_id", "version_no")),
    ("articles", ("version_id", "position")),
    ("relations", ("source_id", "target_id", "kind", "scope")),
    ("version_diffs", ("old_version_id", "new_version_id")),
    ("change_events", ("event_key",)),
    ("subscribers", ("email",)),
    ("deliveries", ("subscriber_id", "frequency", "period_key")),
]


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    home = tmp_path_factory.mktemp("schema")
    path = home / "seeded.db"
    path.write_bytes(sqlite_template.read_bytes())
    seed_every_table(f"sqlite:///{path}", home)
    return path


@pytest.fixture
def seeded_url(db_url: str, seeded_template: Path, tmp_path: Path) -> str:
    """The seeded rows in this backend (copied through `regtrack export` and `regtrack import`)."""
    export = tmp_path / "seed.jsonl"
    ok("--db", f"sqlite:///{seeded_template}", "export", str(export))
    ok("--db", db_url, "import", str(export), "--replace")
    return db_url


def _fresh(column: Any, value: Any) -> Any:
    if isinstance(column.type, Integer):
        return value + 1_000_000
    if isinstance(column.type, String):
        return f"{value}~copy"[-column.type.length :] if column.type.length else f"{value}~copy"
    return value


def _copy(table: Any, row: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
    """The row with a new id and every column of the table's *other* keys changed."""
    copy = dict(row)
    others = {name for t, columns in KEYS if t == table.name and columns != key for name in columns}
    for name in others - set(key):
        copy[name] = _fresh(table.c[name], row[name])
    if "id" in table.c:
        copy["id"] = row["id"] + 1_000_000
    return copy


@pytest.mark.parametrize(("table_name", "key"), KEYS, ids=[f"{t}({','.join(k)})" for t, k in KEYS])
def test_the_database_refuses_a_second_copy(seeded_url: str, table_name: str, key: tuple[str, ...]) -> None:
    table = Base.metadata.tables[table_name]
    engine = make_engine(seeded_url)
    try:
        with transaction(engine) as session:
            row = dict(session.execute(select(table).limit(1)).mappings().one())
            with pytest.raises(IntegrityError) as refused, session.begin_nested():
                session.execute(insert(table).values(**_copy(table, row, key)))
            message = str(refused.value.orig).lower()
            named = {f"{table_name}.{column}" for column in key}  # SQLite names the columns
            constraint = f"_{table_name}_{'_'.join(key)}".lower()  # PostgreSQL names the constraint
            assert "unique" in message or "duplicate key" in message, message
            assert all(n in message for n in named) or constraint in message or f"pk_{table_name}" in message
    finally:
        engine.dispose()
