"""The migrations build the schema the models describe: after `alembic upgrade head` on a fresh
database, autogenerate finds nothing to add, drop or alter (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from storage.db import make_engine, upgrade
from storage.models import Base


def differences(engine: Engine) -> list[object]:
    """What autogenerate would write, with the options storage/migrations/env.py uses."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        return list(compare_metadata(context, Base.metadata))


def test_a_fresh_sqlite_file_migrated_to_head_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        upgrade(engine)
        assert differences(engine) == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_fresh_postgresql_database_migrated_to_head_matches_the_models(pg_database: str) -> None:
    engine = make_engine(pg_database)  # the run's own database; pg_engine migrates it the same way
    try:
        upgrade(engine)
        assert differences(engine) == []
    finally:
        engine.dispose()
