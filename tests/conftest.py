"""Shared fixtures: a real database per test on SQLite and PostgreSQL, and an in-process CLI runner."""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from regtrack.settings import PROJECT_ROOT
from storage.db import make_engine, upgrade
from storage.models import Base

SAMPLES = PROJECT_ROOT / "data" / "samples"
PG_ADMIN_URL = os.environ.get("REGTRACK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def sample_path(prefix: str) -> Path:
    """The bundled sample whose name starts with ``prefix`` ("001" -> 001_efdf….txt)."""
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of our own for this test run (random name), dropped at the end."""
    problem = _pg_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {problem}")
        pytest.skip(f"PostgreSQL NOT TESTED: {PG_ADMIN_URL} unreachable ({problem})")
    with new_pg_database("regtrack_test") as url:
        yield url


@contextmanager
def new_pg_database(prefix: str) -> Iterator[str]:
    """A PostgreSQL database of our own (``prefix`` and a random suffix), dropped on leaving."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_engine(pg_database: str) -> Iterator[Engine]:
    engine = make_engine(pg_database)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _truncate_pg(engine: Engine) -> None:
    # data_version keeps its one row: it counts writes, and the page cache relies on it being there.
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "data_version")
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "regtrack.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    engine: Engine = request.getfixturevalue("pg_engine")
    _truncate_pg(engine)
    yield engine.url.render_as_string(hide_password=False)
    _truncate_pg(engine)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `regtrack ARGS…` in-process, capturing stdout/stderr and the exit code."""
    from regtrack.cli import main

    monkeypatch.setenv("REGTRACK_VAR_DIR", str(tmp_path / "var"))

    def run(*args: str) -> CliResult:
        out, errs = io.StringIO(), io.StringIO()
        code = 0
        with redirect_stdout(out), redirect_stderr(errs):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        return CliResult(code, out.getvalue(), errs.getvalue())

    return run
