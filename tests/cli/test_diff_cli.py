"""`regtrack diff` on stored documents and on files, in each output form."""

from __future__ import annotations

import json

import docx

from tests.conftest import sample_path

ARTICLES = "".join(
    f"第{n}条 {text}\n"
    for n, text in [
        ("一", "为规范管理，制定本办法。"),
        ("二", "本办法适用于各级医疗机构。"),
        ("三", "本办法自印发之日起施行。"),
    ]
)


def write_versions(tmp_path):
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("某某管理办法\n" + ARTICLES, encoding="utf-8")
    new.write_text(
        "某某管理办法\n" + ARTICLES.replace("各级医疗机构", "各级各类医疗机构").replace("，", ","),
        encoding="utf-8",
    )
    return old, new


def test_diff_files_json_reports_the_one_real_edit(cli, db_url, tmp_path) -> None:
    old, new = write_versions(tmp_path)
    result = cli("--db", db_url, "diff", str(old), str(new), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"old", "new", "summary", "articles"}
    assert data["summary"]["modified"] == 1 and data["summary"]["unchanged"] == 3  # with the title
    (changed,) = [a for a in data["articles"] if a["change"] != "unchanged"]
    assert changed["new_number"] == 2
    assert [1, "各类"] in changed["ops"]


def test_a_change_before_the_first_article_is_shown(cli, db_url, tmp_path) -> None:
    """A notice's own words sit before its first 条 (001 line 876 repeals a 办法 there)."""
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("某某管理办法\n现印发给你们，请遵照执行。\n" + ARTICLES, encoding="utf-8")
    new.write_text("某某管理办法\n现印发给你们，请遵照执行。原办法同时废止。\n" + ARTICLES, encoding="utf-8")
    data = json.loads(cli("--db", db_url, "diff", str(old), str(new), "--json").stdout)
    (changed,) = [a for a in data["articles"] if a["change"] != "unchanged"]
    assert changed["new_label"] == "preamble"
    assert [1, "原办法同时废止。"] in changed["ops"]
    assert data["summary"]["unchanged"] == 3


def test_diff_html_and_docx_files(cli, db_url, tmp_path) -> None:
    old, new = write_versions(tmp_path)
    html, word = tmp_path / "d.html", tmp_path / "d.docx"
    assert cli("--db", db_url, "diff", str(old), str(new), "--html", str(html)).exit_code == 0
    assert "各类" in html.read_text(encoding="utf-8")
    assert (
        cli("--db", db_url, "diff", str(old), str(new), "--docx", str(word), "--changed-only").exit_code == 0
    )
    table = docx.Document(str(word)).tables[0]
    assert len(table.rows) == 2  # header + the one changed article


def test_diff_stored_versions_of_a_document(cli, db_url, tmp_path) -> None:
    assert cli("--db", db_url, "ingest", str(sample_path("001"))).exit_code == 0
    text = sample_path("001").read_text(encoding="utf-8")
    edited = tmp_path / "001-edited.txt"
    edited.write_text(text.replace("设队长1名，副队长2~3名", "设队长1名，副队长3~4名"), encoding="utf-8")
    assert cli("--db", db_url, "ingest", str(edited)).exit_code == 0
    shown = json.loads(cli("--db", db_url, "show", "国卫医急发〔2024〕11号", "--json").stdout)
    assert shown["version"] == 2
    result = cli("--db", db_url, "diff", "国卫医急发〔2024〕11号", str(edited), "--json")
    assert result.exit_code == 0, result.stderr


def test_diff_errors_are_one_line(cli, db_url, tmp_path) -> None:
    old, new = write_versions(tmp_path)
    both = cli("--db", db_url, "diff", str(old), str(new), "--json", "--html", str(tmp_path / "x.html"))
    assert both.exit_code == 1 and "choose one" in both.stderr
    missing = cli("--db", db_url, "diff", "不存在的文件", str(new))
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1
