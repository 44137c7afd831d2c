"""`regtrack backfill` in this process (no Prefect server configured), on SQLite and PostgreSQL:
folders, files and a registered source's listing; bad inputs; an unreachable Prefect server.
The run over real Prefect workers is tests/flows/test_flows_workers.py."""

from __future__ import annotations

import json
import shutil

from sqlalchemy import func, select

from storage.db import make_engine, transaction
from storage.models import Compilation, Relation
from tests.conftest import SAMPLES, sample_path


def _folder(tmp_path, *prefixes: str):  # type: ignore[no-untyped-def]
    folder = tmp_path / "archive"
    (folder / "2024").mkdir(parents=True)
    for prefix in prefixes:
        shutil.copy(sample_path(prefix), folder / "2024" / sample_path(prefix).name)
    return folder


def _stored(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    try:
        with transaction(engine) as session:
            compilations = session.scalar(select(func.count()).select_from(Compilation)) or 0
            relations = session.scalar(select(func.count()).select_from(Relation)) or 0
            return compilations, relations
    finally:
        engine.dispose()


def test_a_folder_is_ingested_file_by_file_then_relinked_once(cli, db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    folder = _folder(tmp_path, "003", "004")
    (folder / "notes.md").write_text("not a compilation", encoding="utf-8")  # skipped: not a compilation file
    (folder / "2024" / "cover.txt").write_bytes((SAMPLES / "feed.atom").read_bytes())

    result = cli("--db", db_url, "backfill", str(folder), "--json")

    assert result.exit_code == 1  # one input was bad; the others went in all the same
    report = json.loads(result.stdout)
    statuses = {c["source"].rsplit("/", 1)[1]: c["status"] for c in report["compilations"]}
    assert statuses == {
        "003_4e5f185da6683083.txt": "ingested",
        "004_e5ceca2348398117.txt": "ingested",
        "cover.txt": "failed",
    }
    assert set(report["steps"]) == {"relink", "diffs", "digests"}
    assert (
        result.stderr.count("\n") == 1 and "cover.txt" in result.stderr and "Traceback" not in result.stderr
    )
    assert _stored(db_url)[0] == 2

    again = cli(
        "--db",
        db_url,
        "backfill",
        str(folder / "2024" / sample_path("003").name),
        "--digest",
        "none",
        "--parallel",
        "2",
    )
    assert again.exit_code == 0, again.stderr
    assert "1 unchanged" in again.stdout
    assert "--parallel and --batch apply over Prefect workers" in again.stderr


def test_a_source_is_backfilled_with_everything_it_lists(cli, db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    folder = _folder(tmp_path, "002", "003")
    added = cli("--db", db_url, "sources", "add", str(folder), "--kind", "file", "--json")
    assert added.exit_code == 0, added.stderr
    source_id = json.loads(added.stdout)["id"]
    cli("--db", db_url, "ingest", str(folder / "2024" / sample_path("002").name))

    result = cli("--db", db_url, "backfill", "--source", str(source_id), "--json")

    assert result.exit_code == 0, result.stderr
    statuses = sorted(c["status"] for c in json.loads(result.stdout)["compilations"])
    assert statuses == ["ingested", "unchanged"]


def test_bad_inputs_are_one_line_and_store_nothing(cli, db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    (tmp_path / "empty").mkdir()
    cases = {
        (str(tmp_path / "nowhere"),): "no such file or folder",
        (str(tmp_path / "empty"),): "no compilation files",
        ("ftp://example.org/a.txt",): "unsupported URL scheme",
        (): "nothing to backfill",
        ("--source", "999"): "999",
        (
            str(tmp_path / "empty"),
            "--digest",
            "hourly",
        ): "--digest takes one of immediate, daily, weekly, monthly or none",
    }
    for args, message in cases.items():
        result = cli("--db", db_url, "backfill", *args)
        assert result.exit_code == 1, args
        assert message in result.stderr and result.stderr.count("\n") == 1, (args, result.stderr)
    assert _stored(db_url) == (0, 0)


def test_an_unreachable_prefect_server_is_one_line(cli, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens on the discard port
    folder = _folder(tmp_path, "003")
    result = cli("--db", db_url, "backfill", str(folder))
    assert result.exit_code == 1
    assert "cannot reach the Prefect server" in result.stderr and result.stderr.count("\n") == 1, (
        result.stderr
    )
    assert _stored(db_url) == (0, 0)
