"""The data version: a counter bumped in the same transaction as every write.

A ``TrackedSession`` that flushed ORM changes or executed an INSERT, UPDATE or DELETE bumps the
``data_version`` row just before it commits, so the new value becomes visible exactly when the
write does, to every process. Readers that derive something from the data (the web's page cache)
compare this one number instead of the data.

Listening on our own Session subclass, not on ``Session``, keeps other libraries' sessions in
the same process (Prefect's) out of it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import DataVersion

_WROTE = "regtrack_wrote"


class TrackedSession(Session):
    """The Session every regtrack unit of work uses (``storage.db.transaction``)."""


def current(bind: Session | Connection) -> int:
    """The committed data version this transaction sees."""
    return int(bind.scalar(select(DataVersion.value).where(DataVersion.id == 1)) or 0)


def latest(engine: Engine) -> int:
    """The committed data version now, for a caller asking on every request (the page cache):
    one statement on a pooled DBAPI connection, without the ORM's compile and result layers."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(_LATEST)
        row = cursor.fetchone()
        cursor.close()
        connection.rollback()  # end the read: the next call must see later commits
    finally:
        connection.close()  # back to the pool
    return int(row[0]) if row else 0


_LATEST = "SELECT value FROM data_version WHERE id = 1"


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
