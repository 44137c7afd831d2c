"""`regtrack export` / `regtrack import`: every table as JSON Lines, restored exactly on either backend.

The source database is built the way users build it: real samples ingested (and a changed text,
so there is a second version and a stored diff), a relation added and one removed by hand, a
source followed, a confirmed subscriber with filters, and a digest delivered. Its export is
imported into SQLite and PostgreSQL; the export of the import is the same file, line for line.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from regtrack.cli.transfer import KEY_NOTE, key_fingerprint
from regtrack.services import ingest
from regtrack.settings import load_settings
from storage.db import make_engine, transaction
from storage.models import Base, Blob, Delivery, Document, Relation, Subscriber
from storage.transfer import TABLES
from tests.conftest import sample_path
from tests.support.reliability import counts, ok, run, seed_every_table


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[str, Path]:
    """(URL of the seeded SQLite source, its export file)."""
    home = tmp_path_factory.mktemp("source")
    path = home / "source.db"
    path.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{path}"
    seed_every_table(url, home)
    export = home / "source.jsonl"
    ok("--db", url, "export", str(export))
    return url, export


def test_the_seed_fills_every_table(source: tuple[str, Path]) -> None:
    url, export = source
    stored = counts(url)
    assert all(stored.values()), {name: n for name, n in stored.items() if not n}
    lines = export.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header == {
        "table": "_export",
        "format": "regtrack-export",
        "version": 1,
        "schema": header["schema"],
        "signing_key": key_fingerprint(load_settings().secret_key),
    }
    assert load_settings().secret_key not in lines[0]
    per_table = {t.name: 0 for t in TABLES}
    for line in lines[1:]:
        row = json.loads(line)
        per_table[row.pop("table")] += 1
        assert set(row) == {c.name for c in Base.metadata.tables[json.loads(line)["table"]].c}
    assert per_table == stored


def test_export_import_export_is_the_same_file_on_each_backend(
    source: tuple[str, Path], db_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    _url, export = source
    ok("--db", db_url, "import", str(export))
    again = tmp_path / "again.jsonl"
    ok("--db", db_url, "export", str(again))
    assert again.read_text(encoding="utf-8") == export.read_text(encoding="utf-8")
    # …and back from this backend into a fresh SQLite file (PostgreSQL → SQLite on the postgres run).
    back = tmp_path / "back.db"
    back.write_bytes(sqlite_template.read_bytes())
    ok("--db", f"sqlite:///{back}", "import", str(again))
    third = tmp_path / "third.jsonl"
    ok("--db", f"sqlite:///{back}", "export", str(third))
    assert third.read_bytes() == export.read_bytes()


def test_imported_database_answers_the_same_and_hands_out_new_ids(
    source: tuple[str, Path], db_url: str
) -> None:
    url, export = source
    ok("--db", db_url, "import", str(export))
    for command in (["documents", "--json"], ["relations", "--json"], ["show", "1", "--json"]):
        assert json.loads(ok("--db", db_url, *command)) == json.loads(ok("--db", url, *command)), command
    engine = make_engine(db_url)
    try:
        with transaction(engine) as session:
            manual = session.scalars(select(Relation).where(Relation.origin == "manual")).all()
            assert sorted((r.suppressed, r.created_by) for r in manual) == [(False, "ops"), (True, "ops")]
            reader = session.scalars(select(Subscriber).where(Subscriber.email == "reader@example.org")).one()
            assert reader.confirmed_at is not None and reader.subscriptions[0].filters["issuers"] == ["卫生"]
            assert session.scalar(select(func.count()).select_from(Delivery)) >= 1
            for blob in session.scalars(select(Blob)):
                assert ingest.sha256(blob.data) == blob.sha256
            highest = session.scalar(select(func.max(Document.id)))
        # New rows after an import get new ids (PostgreSQL's sequences were moved past the imported ones).
        ingested = ingest.ingest_bytes(
            engine,
            sample_path("002").read_bytes(),
            "002",
            dataclasses.replace(load_settings(), database_url=db_url),
        )
        assert ingested.status == "ingested" and ingested.compilation_id == 4
        with transaction(engine) as session:
            assert session.scalar(select(func.min(Document.id)).where(Document.compilation_id == 4)) > highest
    finally:
        engine.dispose()


def test_export_to_standard_output_is_the_same_as_to_a_file(source: tuple[str, Path]) -> None:
    url, export = source
    code, out, err = run("--db", url, "export")
    assert code == 0 and out == export.read_text(encoding="utf-8")
    summary, note = err.strip().splitlines()
    assert summary.startswith("exported ") and note == KEY_NOTE


def test_a_non_empty_database_is_refused_unless_replace(
    source: tuple[str, Path], db_url: str, tmp_path: Path
) -> None:
    _url, export = source
    ok("--db", db_url, "ingest", str(sample_path("003")))
    before = counts(db_url)
    code, _out, err = run("--db", db_url, "import", str(export))
    assert code == 1 and err.startswith("error: the database is not empty (blobs, compilations")
    assert len(err.strip().splitlines()) == 1 and counts(db_url) == before
    ok("--db", db_url, "import", str(export), "--replace")
    again = tmp_path / "again.jsonl"
    ok("--db", db_url, "export", str(again))
    assert again.read_bytes() == export.read_bytes()


def _damage(lines: list[str], how: str) -> list[str]:
    """A copy of the export broken in one way, always after valid rows (so a rollback shows)."""
    last = len(lines) - 1
    document = next(i for i, line in enumerate(lines) if line.startswith('{"table": "documents"'))
    row = json.loads(lines[document])
    if how == "not-json":
        return [*lines[:last], lines[last][: len(lines[last]) // 2]]  # a file cut short
    if how == "no-header":
        return lines[1:]
    if how == "other-schema":
        return [lines[0].replace('"schema": "', '"schema": "9999'), *lines[1:]]
    if how == "unknown-table":
        return [*lines, '{"table": "users", "id": 1}']
    if how == "missing-column":
        del row["title"]
    elif how == "bad-date":
        row["written_date"] = "2024-13-45"
    elif how == "bad-base64":
        blob = json.loads(lines[1])
        return [lines[0], json.dumps({**blob, "data": "***"}), *lines[2:]]
    elif how == "out-of-order":
        return [lines[0], lines[last], *lines[1:last]]
    elif how == "dangling-reference":
        row["compilation_id"] = 999
    return [*lines[:document], json.dumps(row, ensure_ascii=False), *lines[document + 1 :]]


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("not-json", "line {last} is not JSON"),
        ("no-header", "line 1: not a regtrack export"),
        ("other-schema", "the export is of schema revision 9999"),
        ("unknown-table", "unknown table 'users'"),
        ("missing-column", "documents row has missing columns ['title']"),
        ("bad-date", "bad value in a documents row"),
        ("bad-base64", "line 2: bad value in a blobs row"),
        ("out-of-order", "line 3: blobs rows after change_events rows"),
        ("dangling-reference", "database error: IntegrityError"),
    ],
)
def test_a_damaged_export_is_refused_in_one_line_and_nothing_is_imported(
    source: tuple[str, Path], db_url: str, tmp_path: Path, how: str, message: str
) -> None:
    _url, export = source
    lines = export.read_text(encoding="utf-8").splitlines()
    damaged = tmp_path / f"{how}.jsonl"
    damaged.write_text("\n".join(_damage(lines, how)) + "\n", encoding="utf-8")
    code, _out, err = run("--db", db_url, "import", str(damaged))
    assert code == 1, err
    assert message.format(last=len(lines)) in err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert not any(counts(db_url).values())


def test_import_warns_when_the_mailed_links_were_signed_with_another_key(
    source: tuple[str, Path], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restored on a machine with another signing key, every unsubscribe link already mailed would
    be refused as forged: the import says so in one line (and still imports)."""
    _url, export = source
    monkeypatch.setenv("REGTRACK_SECRET_KEY", "a-different-machine-key-0123456789")
    code, out, err = run("--db", db_url, "import", str(export))
    assert code == 0 and out.startswith("imported ")
    assert err.startswith("warning: the export was made with another signing key: the unsubscribe")
    assert len(err.strip().splitlines()) == 1
    assert counts(db_url)["subscribers"] > 0


def test_import_with_the_exporting_key_says_nothing_about_links(
    source: tuple[str, Path], db_url: str
) -> None:
    _url, export = source
    code, _out, err = run("--db", db_url, "import", str(export))
    assert code == 0 and err == ""


def test_unreadable_import_files_are_one_line(db_url: str, tmp_path: Path) -> None:
    missing = run("--db", db_url, "import", str(tmp_path / "nothing.jsonl"))
    assert missing[0] == 1 and missing[2].startswith("error: cannot read ")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    code, _out, err = run("--db", db_url, "import", str(binary))
    assert code == 1 and "not UTF-8" in err and len(err.strip().splitlines()) == 1


def test_export_and_import_have_help() -> None:
    for command, words in (("export", "as JSON Lines"), ("import", "Restore an export")):
        code, out, _err = run(command, "--help")
        assert code == 0 and words in out, out
