"""`regtrack relations / chain / impact` and manual corrections, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

from tests.conftest import sample_path

RELATION_KEYS = {
    "id",
    "kind",
    "scope",
    "effective_date",
    "confidence",
    "origin",
    "source",
    "target",
    "evidence",
}


def run_json(cli, *args: str):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ingest(cli, db_url: str, *prefixes: str) -> None:
    run_json(cli, "--db", db_url, "ingest", *(str(sample_path(p)) for p in prefixes), "--json")


def test_headline_chain(cli, db_url) -> None:
    ingest(cli, db_url, "001")
    view = run_json(cli, "--db", db_url, "chain", "卫办应急发[2010]183号", "--json")
    old = view["document"]
    assert old["placeholder"] is True and old["status"] == "repealed"
    assert old["doc_number"] == "卫办应急发〔2010〕183号"
    (successor,) = view["successors"]
    assert successor["doc_number"] == "国卫医急发〔2024〕11号"
    assert successor["kind"] == "repeals" and successor["effective_date"] == "2024-03-19"
    assert successor["status"] == "in_force"
    assert successor["evidence"]["line"] == 876
    assert "同时废止" in successor["evidence"]["quote"]
    # the day before the repeal took effect, the 2010 document was still in force
    before = run_json(
        cli,
        "--db",
        db_url,
        "chain",
        "183号".join(["卫办应急发（2010）", ""]),
        "--as-of",
        "2024-03-18",
        "--json",
    )
    assert before["document"]["status"] == "in_force"


def test_chain_does_not_depend_on_ingest_order(cli, db_url) -> None:
    # 000 cites the 2010 办法 by title only; 001 line 876 repeals it by title and 文号
    ingest(cli, db_url, "000")
    ingest(cli, db_url, "001")
    view = run_json(cli, "--db", db_url, "chain", "卫办应急发[2010]183号", "--json")
    assert view["document"]["placeholder"] is True and view["document"]["status"] == "repealed"
    assert [s["doc_number"] for s in view["successors"]] == ["国卫医急发〔2024〕11号"]


def test_relations_contract_and_filters(cli, db_url) -> None:
    ingest(cli, db_url, "004")
    rows = run_json(cli, "--db", db_url, "relations", "--kind", "replaces", "--json")
    assert rows and all(set(r) == RELATION_KEYS for r in rows)
    assert all(r["kind"] == "replaces" for r in rows)
    pairs = {(r["source"]["doc_number"], r["target"]["doc_number"]) for r in rows}
    assert ("WS/T 347—2024", "WS/T 347—2011") in pairs
    assert all(set(r["evidence"]) == {"quote", "compilation_id", "line"} for r in rows)
    bad = cli("--db", db_url, "relations", "--kind", "abolishes")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: unknown kind")


def test_status_filter_as_of(cli, db_url) -> None:
    ingest(cli, db_url, "004")
    repealed = run_json(
        cli, "--db", db_url, "documents", "--status", "replaced", "--as-of", "2024-09-01", "--json"
    )
    numbers = {r["doc_number"] for r in repealed}
    assert "WS/T 347—2011" in numbers
    earlier = run_json(
        cli, "--db", db_url, "documents", "--status", "replaced", "--as-of", "2024-08-31", "--json"
    )
    assert "WS/T 347—2011" not in {r["doc_number"] for r in earlier}


def test_manual_corrections_survive_reingest(cli, db_url) -> None:
    ingest(cli, db_url, "001")
    rows = run_json(
        cli,
        "--db",
        db_url,
        "relations",
        "--document",
        "国卫医急发〔2024〕11号",
        "--kind",
        "repeals",
        "--json",
    )
    (repeal,) = [r for r in rows if r["target"]["doc_number"] == "卫办应急发〔2010〕183号"]
    removed = cli("--db", db_url, "relations", "remove", str(repeal["id"]), "--by", "analyst")
    assert removed.exit_code == 0, removed.stderr
    added = cli(
        "--db",
        db_url,
        "relations",
        "add",
        "国卫医急发〔2024〕11号",
        "国卫办医急发〔2024〕6号",
        "--kind",
        "amends",
        "--effective-date",
        "2024-04-01",
        "--by",
        "analyst",
    )
    assert added.exit_code == 0, added.stderr
    run_json(cli, "--db", db_url, "ingest", str(sample_path("001")), "--force", "--json")
    after = run_json(cli, "--db", db_url, "relations", "--document", "国卫医急发〔2024〕11号", "--json")
    assert not [
        r for r in after if r["kind"] == "repeals" and r["target"]["doc_number"] == "卫办应急发〔2010〕183号"
    ]
    manual = [r for r in after if r["kind"] == "amends" and r["origin"] == "manual"]
    assert manual and manual[0]["effective_date"] == "2024-04-01"
    assert run_json(cli, "--db", db_url, "show", "卫办应急发〔2010〕183号", "--json")["status"] == "in_force"


def test_placeholder_becomes_the_real_document_when_it_arrives(cli, db_url, tmp_path) -> None:
    ingest(cli, db_url, "001")
    cited = run_json(cli, "--db", db_url, "show", "卫办应急发〔2010〕183号", "--json")
    assert cited["placeholder"] is True and cited["status"] == "repealed"
    old = tmp_path / "2010.txt"
    old.write_text(
        "卫生部办公厅关于印发《国家卫生应急队伍管理办法（试行）》的通知\n\n卫办应急发〔2010〕183号\n\n"
        "各省、自治区、直辖市卫生厅局：\n\n现将《国家卫生应急队伍管理办法（试行）》印发给你们，请遵照执行。\n\n"
        "第一条 为加强国家卫生应急队伍建设，制定本办法。\n\n第二条 本办法自印发之日起施行。\n\n"
        "卫生部办公厅\n\n2010年10月28日\n",
        encoding="utf-8",
    )
    result = run_json(cli, "--db", db_url, "ingest", str(old), "--json")["compilations"][0]
    assert result["documents_added"] == 1
    real = run_json(cli, "--db", db_url, "show", "卫办应急发〔2010〕183号", "--json")
    assert real["id"] == cited["id"] and real["placeholder"] is False
    assert real["written_date"] == "2010-10-28" and len(real["articles"]) == 2
    assert real["status"] == "repealed"
    view = run_json(cli, "--db", db_url, "chain", str(real["id"]), "--json")
    assert [s["doc_number"] for s in view["successors"]] == ["国卫医急发〔2024〕11号"]


def test_impact_lists_documents_citing_a_repealed_one(cli, db_url) -> None:
    ingest(cli, db_url, "001", "000")
    data = run_json(
        cli, "--db", db_url, "impact", "卫办应急发〔2010〕183号", "--as-of", "2024-06-01", "--json"
    )
    assert data["document"]["status"] == "repealed"
    # 000 line 2214: 国卫医急发〔2023〕37号 still cites the 2010 办法 that 001 repealed
    assert [r["document"]["doc_number"] for r in data["cited_by_in_force"]] == ["国卫医急发〔2023〕37号"]
    everything = run_json(cli, "--db", db_url, "impact", "--as-of", "2024-06-01", "--json")
    assert any(r["target"]["doc_number"] == "卫办应急发〔2010〕183号" for r in everything)


def test_a_relation_announced_by_one_document_survives_its_subject_arriving(cli, db_url, tmp_path) -> None:
    # 004 line 7: the 通告 announces "WS/T 347—2024 … （代替WS/T 347—2011）"; then the standard arrives
    ingest(cli, db_url, "004")
    standard = tmp_path / "ws347-2024.txt"
    standard.write_text(
        "发文机关： 国家卫生健康委员会\n成文日期： 2024年5月10日\n标 题： 血细胞分析校准指南\n"
        "发文字号： WS/T 347—2024\n类 别： 卫生标准\n\n血细胞分析校准指南\n\nWS/T 347—2024\n\n"
        "一、范围\n\n本标准规定了血细胞分析仪校准的要求。\n\n二、适用对象\n\n本标准适用于临床实验室。\n",
        encoding="utf-8",
    )
    run_json(cli, "--db", db_url, "ingest", str(standard), "--json")
    rows = run_json(
        cli, "--db", db_url, "relations", "--document", "WS/T 347—2024", "--kind", "replaces", "--json"
    )
    assert [(r["source"]["doc_number"], r["target"]["doc_number"]) for r in rows] == [
        ("WS/T 347—2024", "WS/T 347—2011")
    ]
    assert (
        run_json(cli, "--db", db_url, "show", "WS/T 347-2011", "--as-of", "2024-10-01", "--json")["status"]
        == "replaced"
    )


def _ended_count(preview: str) -> int:
    """The 废止/替代 count in the digest's subject line."""
    match = re.search(r"废止/替代(\d+)件", preview.splitlines()[0])
    assert match, preview.splitlines()[0]
    return int(match.group(1))


def test_manual_corrections_reach_the_digest(cli, db_url) -> None:
    ingest(cli, db_url, "001")
    rows = run_json(cli, "--db", db_url, "relations", "--kind", "repeals", "--json")
    (repeal,) = [r for r in rows if r["target"]["doc_number"] == "卫办应急发〔2010〕183号"]
    assert cli("--db", db_url, "subscribe", "analyst@example.org", "--frequency", "monthly").exit_code == 0

    def ended() -> int:
        result = cli("--db", db_url, "digest", "--preview", "analyst@example.org")
        assert result.exit_code == 0, result.stderr
        return _ended_count(result.stdout)

    before = ended()
    assert cli("--db", db_url, "relations", "remove", str(repeal["id"])).exit_code == 0
    assert ended() == before - 1  # a removed effect is no news
    added = cli(
        "--db",
        db_url,
        "relations",
        "add",
        "国卫医急发〔2024〕11号",
        "卫办应急发〔2010〕183号",
        "--kind",
        "replaces",
    )
    assert added.exit_code == 0, added.stderr
    assert ended() == before  # a corrected one is


def test_a_forced_reparse_finds_the_same_effects(cli, db_url) -> None:
    # a first ingest and a re-parse of the same bytes agree on every effect (placeholders never
    # merge into the document citing them: 001 line 2535 kept its amends). Citations may still
    # settle on a different placeholder (known gap, noted on issue 5).
    def effects() -> set[tuple[object, ...]]:
        rows = run_json(cli, "--db", db_url, "relations", "--json")
        return {
            (r["kind"], r["source"]["id"], r["target"]["doc_number"], r["target"]["title"], r["scope"])
            for r in rows
            if r["kind"] != "cites"
        }

    ingest(cli, db_url, "000", "001", "002", "003", "004")
    first = effects()
    run_json(cli, "--db", db_url, "ingest", str(sample_path("001")), "--force", "--json")
    assert effects() == first
