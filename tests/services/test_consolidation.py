"""Consolidation through the real ingest, on SQLite and PostgreSQL, with real texts: 医疗机构管理条例
as of 2016, the State Council decision of 2022-03-29 that amends it (an excerpt: the decision and
its 附件1, where the instructions are), and the text republished after it (tests/linking/fixtures).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from ingest.normalize import comparison_key
from ingest.notices import notice_from_json
from storage.db import transaction
from storage.models import ChangeEvent, Compilation, DocumentVersion
from tests.linking.support import fixture_articles, fixture_text

TARGET = "医疗机构管理条例"
DECISION = "国务院关于修改和废止部分行政法规的决定"
# A decision with the grammar of the real one whose second instruction names an article the 2016
# text does not have (it ends at 第五十三条): nothing may be stored.
BAD_DECISION = """国务院关于修改《医疗机构管理条例》的决定

国务院决定对《医疗机构管理条例》作如下修改：

一、将第九条修改为“单位或者个人设置医疗机构，应当经县级以上地方人民政府卫生行政部门审查批准。”

二、删去第六十条。

本决定自2023年1月1日起施行。
"""


@pytest.fixture
def texts(tmp_path: Path) -> dict[str, Path]:
    """The real texts as plain text files (Markdown markup and provenance comments dropped)."""
    names = {
        "old": "医疗机构管理条例_2016.md",
        "decision": "decision_2022-03-29_excerpt.md",
        "official": "医疗机构管理条例_2022.md",
    }
    paths = {}
    for key, name in names.items():
        paths[key] = tmp_path / f"{key}.txt"
        paths[key].write_text(fixture_text(name), encoding="utf-8")
    paths["bad"] = tmp_path / "bad.txt"
    paths["bad"].write_text(BAD_DECISION, encoding="utf-8")
    return paths


def ingest(cli, db_url: str, path: Path, *flags: str) -> dict:
    result = cli("--db", db_url, "ingest", str(path), "--json", *flags)
    assert result.exit_code == 0, result.stdout + result.stderr
    (compilation,) = json.loads(result.stdout)["compilations"]
    assert compilation["status"] in ("ingested", "unchanged"), compilation
    return compilation


def show(cli, db_url: str, *args: str) -> dict:
    result = cli("--db", db_url, "show", TARGET, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _articles_equal_official(articles: list[dict]) -> None:
    official = [a for a in fixture_articles("医疗机构管理条例_2022.md") if a.kind == "article"]
    got = [a for a in articles if a["label"] != "preamble"]
    assert [a["label"] for a in got] == [a.label for a in official]
    for mine, theirs in zip(got, official, strict=True):
        assert comparison_key(mine["text"]) == comparison_key(theirs.text), mine["label"]


def test_decision_derives_the_latest_version_with_its_provenance(cli, db_url, texts) -> None:
    ingest(cli, db_url, texts["old"])
    assert ingest(cli, db_url, texts["decision"])["warnings"] == []
    data = show(cli, db_url)
    assert data["version"] == 2
    old, derived = data["versions"]
    assert (old["version"], old["derived"]) == (1, False)
    assert derived["derived"] and derived["basis_version"] == 1 and not derived["verified"]
    assert derived["decision"]["title"] == DECISION
    assert derived["effective_date"] == "2022-05-01"  # 本决定自2022年5月1日起施行
    quotes = [i["quote"] for i in derived["instructions"]]
    assert quotes[1] == "删去第十四条" and len(quotes) == 34  # every clause of part 二 of 附件1
    _articles_equal_official(data["articles"])
    # the text before: one version back, unchanged
    first = show(cli, db_url, "--version", "1")
    by_label = {a["label"]: a["text"] for a in first["articles"]}
    assert first["version"] == 1 and by_label["ch2/a14"].startswith("第十四条 机关、企业和事业单位")
    text = cli("--db", db_url, "show", TARGET).stdout
    assert f"*version 2: derived from version 1 by 《{DECISION}》, effective 2022-05-01" in text


def test_official_text_verifies_the_derived_version(cli, db_url, texts) -> None:
    ingest(cli, db_url, texts["old"])
    ingest(cli, db_url, texts["decision"])
    assert ingest(cli, db_url, texts["official"])["warnings"] == []
    data = show(cli, db_url)
    assert data["version"] == 3  # the official text is the latest
    derived, official = data["versions"][1:]
    assert derived["verified"] is True
    assert derived["verification"] == {"official_version": 3, "differing_articles": []}
    assert official["derived"] is False and official["compilation_id"] is not None


def test_official_text_that_differs_is_reported_per_article(cli, db_url, texts, tmp_path) -> None:
    ingest(cli, db_url, texts["old"])
    ingest(cli, db_url, texts["decision"])
    republished = texts["official"].read_text(encoding="utf-8")
    changed = republished.replace("没收违法所得，并处3万元以下罚款", "没收违法所得，并处5万元以下罚款", 1)
    assert changed != republished
    (tmp_path / "differs.txt").write_text(changed, encoding="utf-8")
    warnings = ingest(cli, db_url, tmp_path / "differs.txt")["warnings"]
    assert len(warnings) == 1
    assert "differs from version 2 derived from" in warnings[0] and "第四十三条 (ch6/a43)" in warnings[0]
    data = show(cli, db_url)
    by_label = {a["label"]: a["text"] for a in data["articles"]}
    assert data["version"] == 3 and "5万元" in by_label["ch6/a43"]
    derived = data["versions"][1]
    assert derived["verified"] is False
    assert derived["verification"] == {"official_version": 3, "differing_articles": ["ch6/a43"]}


def test_instruction_that_cannot_apply_stores_nothing_and_is_named(cli, db_url, texts, engine) -> None:
    ingest(cli, db_url, texts["old"])
    warnings = ingest(cli, db_url, texts["bad"])["warnings"]
    assert len(warnings) == 1
    assert "删去第六十条" in warnings[0] and "第六十条 is not in the old text" in warnings[0]
    assert [v["version"] for v in show(cli, db_url)["versions"]] == [1]
    with transaction(engine) as session:
        assert session.scalars(select(DocumentVersion).where(DocumentVersion.derived)).all() == []
        reports = [c.parse_report for c in session.scalars(select(Compilation).order_by(Compilation.id))]
    kept = [notice_from_json(n) for n in reports[-1]["notices"]]  # the compilation keeps the warning,
    assert [n.english() for n in kept] == warnings  # as data that reads in English and in Chinese
    assert kept[0].chinese().startswith("未能根据《")
    again = cli("--db", db_url, "consolidate", TARGET)
    assert again.exit_code == 1 and again.stdout == ""
    (line,) = again.stderr.strip().splitlines()
    assert "not consolidated: 第六十条 is not in the old text (instruction: 删去第六十条" in line
    assert "Traceback" not in again.stderr


def test_ingesting_the_decision_twice_stores_one_derived_version(cli, db_url, texts, engine) -> None:
    ingest(cli, db_url, texts["old"])
    ingest(cli, db_url, texts["decision"])
    assert ingest(cli, db_url, texts["decision"], "--force")["warnings"] == []
    result = cli("--db", db_url, "consolidate", TARGET, "--json")
    assert result.exit_code == 0
    (outcome,) = json.loads(result.stdout)["results"]
    assert (outcome["status"], outcome["version"]) == ("unchanged", 2)
    assert [v["version"] for v in show(cli, db_url)["versions"]] == [1, 2]
    with transaction(engine) as session:
        events = session.scalars(select(ChangeEvent).where(ChangeEvent.kind == "consolidated")).all()
    assert len(events) == 1 and events[0].summary == f"已根据《{DECISION}》生成修正文本"


def test_consolidate_on_demand_names_the_decision(cli, db_url, texts) -> None:
    """The old text arrives after the decision: nothing is applied by itself; a person asks."""
    ingest(cli, db_url, texts["decision"])
    ingest(cli, db_url, texts["old"])
    assert len(show(cli, db_url)["versions"]) == 1
    result = cli("--db", db_url, "consolidate", TARGET, "--decision", DECISION)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"《{TARGET}》 ← 《{DECISION}》: version 2 derived from version 1"
    _articles_equal_official(show(cli, db_url)["articles"])
    again = cli("--db", db_url, "consolidate", TARGET)  # the decision found by its amends relation
    assert again.exit_code == 0 and "unchanged, version 2 holds the text it gives" in again.stdout
    nothing = cli("--db", db_url, "consolidate", DECISION)
    assert nothing.exit_code == 1 and nothing.stderr.startswith("error: no stored decision amends")


def test_a_text_that_already_records_the_decision_is_not_amended_again(cli, db_url, texts) -> None:
    """The republished text read before the decision: its header names the decision (根据2022年3月29日
    《国务院关于修改和废止部分行政法规的决定》第二次修订), so applying it again would amend twice."""
    ingest(cli, db_url, texts["old"])
    ingest(cli, db_url, texts["official"])
    assert ingest(cli, db_url, texts["decision"])["warnings"] == []
    assert [v["derived"] for v in show(cli, db_url)["versions"]] == [False, False]


def test_document_page_and_digest_show_the_derived_version(cli, db_url, texts, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from tests.browser.seed import make_settings
    from web.app import create_app

    ingest(cli, db_url, texts["old"])
    ingest(cli, db_url, texts["decision"])
    target_id = show(cli, db_url)["id"]
    settings = make_settings(db_url, tmp_path / "var", base_url="http://regtrack.test", smtp_url=None)
    app = create_app(settings)
    with TestClient(app) as client:
        page = client.get(f"/documents/{target_id}").text
        assert ">派生</span>" in page and "已核对" not in page
        assert f"《{DECISION}》</a>生成，自 2022年5月1日 施行" in page
        (diff_link,) = [part.split('"')[0] for part in page.split('href="/diffs/')[1:]]
        diff_page = client.get(f"/diffs/{diff_link}").text
        assert "新旧对照" in diff_page and "第十四条" in diff_page
        older = client.get(f"/documents/{target_id}", params={"version": 1}).text
        assert "第 1 版</span>" in older and "第十四条 机关、企业和事业单位" in older
        ingest(cli, db_url, texts["official"])
        page = client.get(f"/documents/{target_id}").text
        assert ">派生</span>" in page and ">已核对</span>" in page
    app.state.engine.dispose()

    subscribed = cli("--db", db_url, "subscribe", "reader@example.org", "--document", str(target_id))
    assert subscribed.exit_code == 0, subscribed.stderr
    preview = cli("--db", db_url, "digest", "--preview", "reader@example.org")
    assert preview.exit_code == 0, preview.stderr
    # the derived version's item: the decision named, then its 新旧对照表
    item = preview.stdout.split(f"已根据《{DECISION}》生成修正文本", 1)[1].split("\n* ", 1)[0]
    assert item.rstrip().endswith(f"/diffs/{diff_link}") and "第十四条（删除）" in item


def test_the_text_in_force_on_a_date(cli, db_url, texts, tmp_path) -> None:
    """Point in time: before the decision takes effect (2022-05-01) the 2016 text, after it the
    derived one; before the 条例 itself took effect, its first text with a note. CLI and web agree."""
    from fastapi.testclient import TestClient

    from tests.browser.seed import make_settings
    from web.app import create_app

    ingest(cli, db_url, texts["old"])
    ingest(cli, db_url, texts["decision"])
    assert show(cli, db_url)["version"] == 2  # no date asked: the latest
    assert show(cli, db_url, "--as-of", "2022-04-30")["version"] == 1
    assert show(cli, db_url, "--as-of", "2022-05-01")["version"] == 2
    before = show(cli, db_url, "--as-of", "1990-01-01")
    assert (before["version"], before["text_note"]) == (1, {"in_force_from": "1994-09-01"})
    old_14 = "第十四条 机关、企业和事业单位"
    assert any(a["text"].startswith(old_14) for a in show(cli, db_url, "--as-of", "2021-01-01")["articles"])
    assert not any(
        a["text"].startswith(old_14) for a in show(cli, db_url, "--as-of", "2023-01-01")["articles"]
    )

    target_id = show(cli, db_url)["id"]
    app = create_app(make_settings(db_url, tmp_path / "var", base_url="http://regtrack.test", smtp_url=None))
    with TestClient(app) as client:
        assert old_14 in client.get(f"/documents/{target_id}", params={"as_of": "2021-01-01"}).text
        assert old_14 not in client.get(f"/documents/{target_id}", params={"as_of": "2023-01-01"}).text
        early = client.get(f"/documents/{target_id}", params={"as_of": "1990-01-01"}).text
        assert "尚未施行（自 1994-09-01 起施行）" in early
        api = client.get(f"/api/documents/{target_id}", params={"as_of": "2021-01-01"}).json()
        assert api["version"] == 1
    app.state.engine.dispose()
