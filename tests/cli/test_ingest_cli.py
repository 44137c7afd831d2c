"""`regtrack ingest / documents / show` end to end on real files, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from storage.db import make_engine, transaction
from storage.models import Article, Blob, Compilation, Document, DocumentVersion
from tests.conftest import sample_path

DOCUMENT_KEYS = {
    "id",
    "doc_number",
    "title",
    "issuer",
    "written_date",
    "published_date",
    "effective_date",
    "expiry_date",
    "category",
    "keywords",
    "status",
    "article_count",
    "is_attachment",
    "parent_id",
    "placeholder",
    "compilation_id",
    "line",
}


def counts(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            return {
                m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Blob, Compilation, Document, DocumentVersion, Article)
            }
    finally:
        engine.dispose()


def ingest_json(cli, db_url: str, *paths: str, force: bool = False) -> dict:
    args = ["--db", db_url, "ingest", *paths, "--json"] + (["--force"] if force else [])
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_ingest_sample_then_again_changes_nothing(cli, db_url) -> None:
    first = ingest_json(cli, db_url, str(sample_path("001")))
    comp = first["compilations"][0]
    assert set(comp) >= {"id", "sha256", "source", "documents_added", "documents_updated", "warnings"}
    assert comp["documents_added"] >= 84
    before = counts(db_url)
    second = ingest_json(cli, db_url, str(sample_path("001")))["compilations"][0]
    assert (second["documents_added"], second["documents_updated"], second["status"]) == (0, 0, "unchanged")
    assert counts(db_url) == before


def test_documents_json_contract_and_headline_document(cli, db_url) -> None:
    ingest_json(cli, db_url, str(sample_path("001")))
    listing = cli("--db", db_url, "documents", "--json")
    assert listing.exit_code == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert rows and all(set(r) == DOCUMENT_KEYS for r in rows)
    shown = cli("--db", db_url, "show", "国卫医急发[2024]11号", "--json")
    assert shown.exit_code == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["doc_number"].replace(" ", "") == "国卫医急发〔2024〕11号"
    assert len(doc["articles"]) == 32
    last = doc["articles"][-1]
    assert last["number"] == 32 and "卫办应急发" in last["text"]
    assert {"label", "number", "path", "text"} <= set(last)


def test_changed_text_becomes_a_new_version(cli, db_url, tmp_path) -> None:
    original = sample_path("004").read_text(encoding="utf-8")
    ingest_json(cli, db_url, str(sample_path("004")))
    edited = tmp_path / "004_edited.txt"
    assert "上述标准自2024年9月1日起施行" in original
    edited.write_text(
        original.replace("上述标准自2024年9月1日起施行", "上述标准自2024年10月1日起施行"), encoding="utf-8"
    )
    before = counts(db_url)
    result = ingest_json(cli, db_url, str(edited))["compilations"][0]
    assert result["documents_updated"] == 1
    assert result["documents_added"] == 0
    after = counts(db_url)
    assert after["documents"] == before["documents"]
    assert after["document_versions"] == before["document_versions"] + 1


def test_punctuation_style_change_is_not_a_new_version(cli, db_url, tmp_path) -> None:
    original = sample_path("004").read_text(encoding="utf-8")
    ingest_json(cli, db_url, str(sample_path("004")))
    restyled = tmp_path / "004_restyled.txt"
    restyled.write_text(original.replace("〔", "[").replace("〕", "]"), encoding="utf-8")
    result = ingest_json(cli, db_url, str(restyled))["compilations"][0]
    assert (result["documents_added"], result["documents_updated"]) == (0, 0)


def test_force_reparses_stored_bytes_and_records_it(cli, db_url) -> None:
    ingest_json(cli, db_url, str(sample_path("003")))
    again = ingest_json(cli, db_url, str(sample_path("003")), force=True)["compilations"][0]
    assert again["status"] == "ingested"
    engine = make_engine(db_url)
    with transaction(engine) as s:
        report = s.scalars(select(Compilation)).one().parse_report
    engine.dispose()
    assert len(report["reparses"]) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02\xff" * 500, "binary")],
    ids=["empty", "binary"],
)
def test_bad_input_is_one_line_and_stores_nothing(cli, db_url, tmp_path, content, message) -> None:
    ingest_json(cli, db_url, str(sample_path("003")))
    before = counts(db_url)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = cli("--db", db_url, "ingest", str(bad))
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert counts(db_url) == before


def test_text_without_documents_given_by_hand_leaves_nothing_stored(cli, db_url, tmp_path) -> None:
    """Junk given by hand is refused and dropped: its giver holds the file and has the error.
    (What a followed source brings is kept as failed: test_sources_polling.)"""
    assert cli("--db", db_url, "ingest", str(sample_path("003"))).exit_code == 0
    before = counts(db_url)
    junk = tmp_path / "notes.txt"
    junk.write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8")
    result = cli("--db", db_url, "ingest", str(junk))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert counts(db_url) == before  # no blob, no compilation row


def test_missing_file_and_unknown_reference(cli, db_url) -> None:
    missing = cli("--db", db_url, "ingest", "/nonexistent/file.txt")
    assert missing.exit_code == 1 and "Traceback" not in missing.stderr
    unknown = cli("--db", db_url, "show", "不存在的文件名称")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: no document matches")
    bad_date = cli("--db", db_url, "documents", "--as-of", "2024-13-45")
    assert bad_date.exit_code == 1 and "--as-of" in bad_date.stderr


def test_one_bad_input_among_many_is_reported_and_the_others_go_in(cli, db_url, tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = cli("--db", db_url, "ingest", str(empty), str(sample_path("003")), "--json")
    assert result.exit_code == 1
    first, second = json.loads(result.stdout)["compilations"]
    assert first["status"] == "failed" and "empty" in first["error"]
    assert second["status"] == "ingested" and second["documents_added"] == 1
    assert result.stderr.strip().splitlines() == [f"error: {empty}: {first['error']}"]
