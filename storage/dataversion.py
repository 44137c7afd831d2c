"""The data version: a counter bumped in the same transaction as every write.

A ``TrackedSession`` that flushed ORM changes or executed an INSERT, UPDATE or DELETE bumps the
``data_version`` row just before it commits, so the new value becomes visible exactly when the
write does, to every process. Readers that derive something from the data (the web's page cache)
compare this one number instead of the data.

Listening on our own Session subclass, not on ``Session``, keeps other libraries' sessions in
the same process (Prefect's) out of it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import Engine, event, update
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import DataVersion

_WROTE = "regtrack_wrote"
_LATEST = "SELECT value FROM data_version WHERE id = 1"


class TrackedSession(Session):
    """The Session every regtrack unit of work uses (``storage.db.transaction``)."""


class VersionReader:
    """Reads the committed data version on every call, for a caller asking on every request
    (the web's page cache): one statement in autocommit on a DBAPI connection of its own, kept
    open between calls — no pool checkout, no liveness ping, no ORM compile or result layers.

    Not thread-safe: one reader per thread (the page cache uses it on its event loop only).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.errors = engine.dialect.loaded_dbapi.Error
        self._fairy: Any = None
        self._connection: Any = None

    def read(self) -> int:
        try:
            return self._read()
        except self.errors:  # the kept connection died (a database restart): one fresh try
            self.close()
            return self._read()

    def _read(self) -> int:
        if self._connection is None:
            fairy = self.engine.raw_connection()
            connection = fairy.dbapi_connection
            fairy.detach()  # out of the pool for good: it must not go back with autocommit on
            if self.engine.dialect.name == "postgresql":
                connection.autocommit = True  # type: ignore[union-attr]
            # (SQLite's connections are in autocommit already: storage.db turns pysqlite's off)
            self._fairy, self._connection = fairy, connection
        cursor = self._connection.cursor()
        try:
            cursor.execute(_LATEST)
            row = cursor.fetchone()
        finally:
            cursor.close()
        return int(row[0]) if row else 0

    def close(self) -> None:
        fairy, self._fairy, self._connection = self._fairy, None, None
        if fairy is not None:
            with contextlib.suppress(self.errors):  # already gone
                fairy.close()  # detached: this closes the DBAPI connection


@event.listens_for(TrackedSession, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(TrackedSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(TrackedSession, "before_commit")
def _bump(session: Session) -> None:
    session.flush()  # commit flushes after this event: flush now, so pending changes count
    if session.info.get(_WROTE):
        session.execute(update(DataVersion).where(DataVersion.id == 1).values(value=DataVersion.value + 1))
    session.info.pop(_WROTE, None)  # after the bump: its own UPDATE marked the session again


@event.listens_for(TrackedSession, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_WROTE, None)
