"""Two transactions that take the same unique keys in opposite orders: PostgreSQL breaks the
deadlock by aborting one, and ``storage.db.lost_race`` says that one may simply run again (what an
ingest does when several Prefect workers backfill at once)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from storage.db import lost_race, transaction
from storage.models import Document


def _insert(session, key: str) -> None:  # type: ignore[no-untyped-def]
    session.execute(insert(Document).values(identity_key=key, title=key, placeholder=True))


@pytest.mark.postgres
def test_a_deadlock_between_two_writers_is_a_race_to_run_again(pg_engine):
    engine = pg_engine
    both_hold_one = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def writer(first: str, second: str) -> None:
        try:
            with transaction(engine, write=True) as session:
                _insert(session, first)
                both_hold_one.wait()
                _insert(session, second)  # waits for the other, which waits for us
        except DBAPIError as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=keys) for keys in (("race-a", "race-b"), ("race-b", "race-a"))
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(errors) == 1, errors  # one gave way, the other committed
        assert lost_race(errors[0]), errors[0]
        assert getattr(errors[0].orig, "sqlstate", None) == "40P01"
    finally:
        with transaction(engine, write=True) as session:
            session.query(Document).filter(Document.identity_key.in_(["race-a", "race-b"])).delete()


def test_other_database_errors_are_not_races():
    class Orig(Exception):
        sqlstate = "53100"  # disk full

    assert not lost_race(DBAPIError("INSERT …", {}, Orig()))
    assert not lost_race(ValueError("not a database error"))
