"""Engines, sessions and migrations. The boundary (CLI command, flow task, web request) owns the transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from storage import flushids  # noqa: F401  (registers the flush hook on TrackedSession)
from storage.dataversion import TrackedSession
from storage.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration (storage/migrations/versions), kept in step by tests/storage: a database
# already there is used without importing Alembic, which costs a command ~0.4 s of start-up.
HEAD_REVISION = "0008"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit BEGIN is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_WAL_ATTEMPTS = 300  # × 0.1 s: as long as busy_timeout


def _use_wal(cursor: Any) -> None:
    """Switch a database to WAL once. The switch needs the file to itself and SQLite does not wait
    for it (busy_timeout is not consulted), so a second process opening a fresh database while the
    first is creating its tables retries here instead of failing with "database is locked"."""
    import sqlite3
    import time

    for _attempt in range(_WAL_ATTEMPTS):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.1)
    cursor.execute("PRAGMA journal_mode=WAL")  # the last try raises SQLite's own error


def _sqlite_begin(conn: Any) -> None:
    # A writer takes the write lock up front (BEGIN IMMEDIATE): two ingests then queue on
    # busy_timeout instead of failing with SQLITE_BUSY when a deferred reader upgrades.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for SQLite (a file, created with its folder) or PostgreSQL (psycopg 3)."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a non-numeric port only fails when read
    except (ArgumentError, ValueError) as exc:
        # The URL itself is not shown: it may hold a password.
        raise DatabaseError(
            "not a database URL: use sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB"
        ) from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")
    return create_engine(parsed, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config  # only when migrating: see HEAD_REVISION

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; raises DatabaseError when the database is unreachable."""
    try:
        if revision == "head" and _stored_revision(engine) == HEAD_REVISION:
            return
        from alembic import command

        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot reach the database: {_first_line(exc)}{_read_only_hint(engine)}"
        ) from exc


def _read_only_hint(engine: Engine) -> str:
    """Why SQLite says "unable to open database file" when the file is there: a read-only folder
    (SQLite writes its WAL and shared-memory files beside the database)."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return ""
    folder = Path(path).resolve().parent
    if folder.is_dir() and not os.access(folder, os.W_OK):
        return f" (the folder {folder} is read-only: SQLite writes its journal beside the database)"
    return ""


def _stored_revision(engine: Engine) -> str | None:
    """The revision in alembic_version, read with plain SQL; None on a database without the table."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def insert_for(session: Session) -> Any:
    """The insert construct of the session's database, for ON CONFLICT clauses (both dialects have one).

    The dialect modules load here, on a write: a read command on SQLite never loads PostgreSQL's.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error.

    ``write=True`` marks a unit that will write: on SQLite it takes the write lock at BEGIN.
    """
    bind = engine.execution_options(sqlite_immediate=True) if write else engine
    with TrackedSession(bind, expire_on_commit=False) as session, session.begin():
        yield session


# PostgreSQL's "deadlock detected" and "could not serialize access": the transaction was chosen to
# give way to a concurrent one and may simply run again.
_GAVE_WAY = {"40P01", "40001"}


def lost_race(exc: BaseException) -> bool:
    """Whether a write failed only because a concurrent transaction got there first: it stored the
    same unique key (IntegrityError), or took the same rows in another order and PostgreSQL broke
    the deadlock by aborting this one. Running the transaction again then succeeds on top of it."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in _GAVE_WAY


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
