"""Faults during an ingest, made real: a `kill -9` of the process, a PostgreSQL restart, a full
disk, a read-only database. Each one ends in a clear error (or nothing at all, for the kill),
leaves no partial compilation behind, and the next run completes the ingest exactly as an
undisturbed run would have.

Sample 001 (84 documents) is the input: its storing transaction lasts seconds, and the tests
wait for the ingest to be inside it (the pending compilation committed and the write lock or
row lock held) instead of sleeping.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from regtrack.services import digests, ingest
from regtrack.settings import load_settings
from storage.db import make_engine, upgrade
from tests.conftest import sample_path
from tests.support.net import wait_until
from tests.support.reliability import (
    PrivateCluster,
    assert_one_error_line,
    counts,
    fingerprint,
    finish,
    grow_tmpfs,
    immutable,
    private_postgres,
    read_only_view,
    regtrack_process,
    small_tmpfs,
    snapshot,
)
from tests.support.smtp import SmtpSink, serve_smtp

SAMPLE = sample_path("001")
NOTHING_STORED = {"documents": 0, "document_versions": 0, "articles": 0, "relations": 0, "change_events": 0}


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, object]:
    """What an ingest of sample 001 stores when nothing goes wrong."""
    path = tmp_path_factory.mktemp("undisturbed") / "db.sqlite"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    ingest.ingest_bytes(engine, SAMPLE.read_bytes(), str(SAMPLE), load_settings().with_database(url))
    engine.dispose()
    return snapshot(url)


# --- "is the ingest inside its storing transaction?" ---------------------------------------


@contextmanager
def storing_probe(db_url: str) -> Iterator[Callable[[], bool]]:
    """A check that is true while a pending compilation is committed and its writer holds the lock."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database, timeout=0, isolation_level=None)

        def sqlite_storing() -> bool:
            if conn.execute("SELECT 1 FROM compilations WHERE status = 'pending'").fetchone() is None:
                return False
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # database is locked: the ingest is writing
                return True
            conn.execute("ROLLBACK")
            return False

        try:
            yield sqlite_storing
        finally:
            conn.close()
        return
    conn = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))

    def postgres_storing() -> bool:
        try:
            conn.execute("SELECT id FROM compilations WHERE status = 'pending' FOR UPDATE NOWAIT").fetchone()
        except psycopg.errors.LockNotAvailable:  # the ingest holds the row: it is storing
            conn.rollback()
            return True
        conn.rollback()
        return False  # unlocked (or nothing pending yet)

    try:
        yield postgres_storing
    finally:
        conn.close()


def wait_until_storing(process, db_url: str) -> None:  # type: ignore[no-untyped-def]
    with storing_probe(db_url) as storing:

        def ready() -> bool:
            if process.poll() is not None:
                _code, out, err = finish(process)
                pytest.fail(f"the ingest ended before it was caught storing: {out} {err}")
            return storing()

        wait_until(ready, 120, "the ingest to be inside its storing transaction", every=0.005)


def assert_interrupted_cleanly(db_url: str) -> None:
    """After the fault: the raw bytes and a pending compilation, and not one document."""
    stored = counts(db_url)
    assert {name: stored[name] for name in NOTHING_STORED} == NOTHING_STORED
    assert (stored["blobs"], stored["compilations"]) == (1, 1)
    assert snapshot(db_url)["compilations"][0][1] == "pending"


def rerun_completes(cli, db_url: str, undisturbed: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", db_url, "ingest", str(SAMPLE), "--json")
    assert result.exit_code == 0, result.stderr
    (outcome,) = json.loads(result.stdout)["compilations"]
    assert outcome["status"] == "ingested"
    assert snapshot(db_url) == undisturbed
    again = cli("--db", db_url, "ingest", str(SAMPLE), "--json")
    assert json.loads(again.stdout)["compilations"][0]["status"] == "unchanged"
    assert snapshot(db_url) == undisturbed


# --- the faults -----------------------------------------------------------------------------


def test_kill_9_in_the_middle_of_an_ingest_then_the_next_run_completes_it(
    cli, db_url: str, tmp_path: Path, undisturbed: dict[str, object]
) -> None:
    process = regtrack_process(["--db", db_url, "ingest", str(SAMPLE)], tmp_path / "var")
    wait_until_storing(process, db_url)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert_interrupted_cleanly(db_url)
    if db_url.startswith("sqlite"):
        with sqlite3.connect(make_url(db_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rerun_completes(cli, db_url, undisturbed)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    """A PostgreSQL of this module's own: restarting the shared one would break other tests."""
    with private_postgres() as running:
        yield running


@pytest.mark.parametrize(
    ("mode", "reasons"),
    [
        # a clean shutdown says why, unless it arrives inside a pipelined executemany, whose
        # driver only sees the socket close
        ("fast", ("terminating connection due to administrator command", "server closed the connection")),
        ("immediate", ("",)),  # a crash: no goodbye to the clients, recovery at start
    ],
    ids=["fast", "immediate"],
)
def test_postgresql_restarted_during_an_ingest_is_a_clear_error_and_the_rerun_completes_it(
    cli,
    tmp_path: Path,
    undisturbed: dict[str, object],
    cluster: PrivateCluster,
    mode: str,
    reasons: tuple[str, ...],
) -> None:
    url = cluster.new_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    process = regtrack_process(["--db", url, "ingest", str(SAMPLE)], tmp_path / "var")
    wait_until_storing(process, url)
    cluster.pg_ctl("restart", "-m", mode)  # every session ends, then the server comes back
    code, _out, err = finish(process)
    assert_one_error_line(code, err, "database error: ")
    assert any(reason in err for reason in reasons), err
    assert_interrupted_cleanly(url)
    rerun_completes(cli, url, undisturbed)


def test_a_full_disk_is_a_clear_error_and_nothing_is_half_written(
    cli, tmp_path: Path, sqlite_template: Path, undisturbed: dict[str, object]
) -> None:
    # Room for the schema and the raw bytes (about 0.9 MB), not for the 2.6 MB of documents.
    with small_tmpfs(tmp_path / "disk", size_kb=1536) as disk:
        shutil.copy(sqlite_template, disk / "regtrack.db")
        url = f"sqlite:///{disk / 'regtrack.db'}"
        result = cli("--db", url, "ingest", str(SAMPLE))
        assert_one_error_line(result.exit_code, result.stderr, "database or disk is full")
        grow_tmpfs(disk, 64 * 1024)  # space again: the database is intact and the rerun completes
        with sqlite3.connect(disk / "regtrack.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert_interrupted_cleanly(url)
        rerun_completes(cli, url, undisturbed)


def test_an_export_to_a_full_disk_is_a_clear_error_and_leaves_no_file(
    cli, db_url: str, tmp_path: Path
) -> None:
    assert cli("--db", db_url, "ingest", str(sample_path("003"))).exit_code == 0
    with small_tmpfs(tmp_path / "disk", size_kb=8) as disk:
        result = cli("--db", db_url, "export", str(disk / "backup.jsonl"))
        assert_one_error_line(result.exit_code, result.stderr, "No space left on device")
        assert list(disk.iterdir()) == []  # not even a half-written temporary file


def _seeded_sqlite(folder: Path, template: Path) -> str:
    folder.mkdir()
    shutil.copy(template, folder / "regtrack.db")
    url = f"sqlite:///{folder / 'regtrack.db'}"
    engine = make_engine(url)
    sample = sample_path("003")
    ingest.ingest_bytes(engine, sample.read_bytes(), str(sample), load_settings().with_database(url))
    engine.dispose()  # the last connection checkpoints and removes -wal and -shm
    return url


def test_a_read_only_database_file_is_a_clear_error(cli, tmp_path: Path, sqlite_template: Path) -> None:
    url = _seeded_sqlite(tmp_path / "db", sqlite_template)
    before = fingerprint(url)
    with immutable(Path(make_url(url).database)):  # root ignores chmod; the immutable flag it obeys
        result = cli("--db", url, "ingest", str(sample_path("004")))
        assert_one_error_line(result.exit_code, result.stderr, "readonly database")
    assert fingerprint(url) == before


def test_a_database_on_a_read_only_file_system_is_a_clear_error(
    cli, tmp_path: Path, sqlite_template: Path
) -> None:
    url = _seeded_sqlite(tmp_path / "db", sqlite_template)
    before = fingerprint(url)
    with read_only_view(tmp_path / "db") as view:
        result = cli("--db", f"sqlite:///{view / 'regtrack.db'}", "ingest", str(sample_path("004")))
        assert_one_error_line(result.exit_code, result.stderr, "unable to open database file")
        assert f"the folder {view} is read-only" in result.stderr
    assert fingerprint(url) == before


class _NoMailbox(SmtpSink):
    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def] # noqa: N802
        return "550 5.1.1 no such user"


def test_a_digest_run_whose_messages_are_refused_exits_1(
    cli, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(
        load_settings(), database_url=db_url, var_dir=tmp_path / "var", smtp_url=None
    )
    engine = make_engine(db_url)
    reader = digests.subscribe(engine, settings, "reader@example.org", {}, "immediate")
    digests.confirm(engine, settings, reader.token)
    engine.dispose()
    assert cli("--db", db_url, "ingest", str(sample_path("003"))).exit_code == 0
    with serve_smtp(_NoMailbox(), timeout=20) as sink:
        monkeypatch.setenv("REGTRACK_SMTP_URL", sink.url)
        later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        result = cli("--db", db_url, "digest", "--send", "--frequency", "immediate", "--now", later)
    assert "rejected 1" in result.stdout, result.stdout
    assert result.exit_code == 1
