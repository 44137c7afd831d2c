"""Real published texts (tests/corpus, development part) through the CLI, as a user runs it, on
SQLite and PostgreSQL: a regulation's header, same-titled revising decisions, a 失效 list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.corpus.load import cases


def _text(case_id: str, tmp_path: Path) -> str:
    (case,) = [c for c in cases() if c.id == case_id]
    assert case.split == "dev"  # end-to-end checks are written from development texts only
    path = tmp_path / f"{case_id}.txt"
    path.write_text(case.text, encoding="utf-8")
    return str(path)


def _json(cli, db_url: str, *args: str):
    result = cli("--db", db_url, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_regulation_s_header_gives_its_facts_and_its_revisions(cli, db_url, tmp_path) -> None:
    # h01: 放射性药品管理办法, "1989年1月13日 中华人民共和国国务院令第25号发布" and two 修订 lines
    _json(cli, db_url, "ingest", _text("h01", tmp_path))
    shown = _json(cli, db_url, "show", "放射性药品管理办法")
    assert (shown["doc_number"], shown["issuers"], shown["published_date"]) == (
        "国务院令第25号",
        ["国务院"],
        "1989-01-13",
    )
    assert _json(cli, db_url, "show", "国务院令第25号")["id"] == shown["id"]  # the order number finds it
    chain = _json(cli, db_url, "chain", "国务院令第25号")
    assert [(s["title"], s["kind"], s["effective_date"]) for s in chain["successors"]] == [
        ("国务院关于废止和修改部分行政法规的决定", "amends", "2011-01-08"),
        ("国务院关于修改和废止部分行政法规的决定", "amends", "2017-03-01"),
    ]
    assert shown["status"] == "amended"


def test_decisions_of_one_title_and_different_dates_are_different_documents(cli, db_url, tmp_path) -> None:
    # h14: 根据2013年12月7日《国务院关于修改部分行政法规的决定》… 根据2016年2月6日《国务院关于修改部分行政法规的决定》
    _json(cli, db_url, "ingest", _text("h14", tmp_path))
    chain = _json(cli, db_url, "chain", "国务院令第408号")
    decisions = [(s["id"], s["title"], s["effective_date"]) for s in chain["successors"]]
    assert [(t, d) for _, t, d in decisions] == [
        ("国务院关于修改部分行政法规的决定", "2013-12-07"),
        ("国务院关于修改部分行政法规的决定", "2016-02-06"),
    ]
    assert decisions[0][0] != decisions[1][0]


@pytest.mark.parametrize("case_id", ["l02"])
def test_a_list_declared_void_leaves_every_row_repealed(cli, db_url, tmp_path, case_id) -> None:
    # l02: 国家卫生计生委关于宣布失效第二批委文件的决定, 48 rows in its list; four rows share one 文号
    # (卫监发〔1998〕第19号: four instruments issued by one circular), which is one document here
    _json(cli, db_url, "ingest", _text(case_id, tmp_path))
    (case,) = [c for c in cases() if c.id == case_id]
    rows = {(r["target"]["identifier"] or r["target"]["title"]) for r in case.expected["relations"]}
    repealed = _json(cli, db_url, "documents", "--status", "repealed")
    assert len(repealed) == len(rows) == 45
    assert all(d["placeholder"] for d in repealed)
