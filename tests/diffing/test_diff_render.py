"""Renderers read change records: JSON contract, terminal, HTML (escaping), Word."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from functools import cache

import docx
import pytest
from rich.console import Console

from diffing.compare import compare
from diffing.model import DocumentDiff
from diffing.render_docx import render_docx
from diffing.render_html import render_html, render_html_table
from diffing.render_json import render_json
from diffing.render_terminal import render_terminal
from diffing.serialize import to_dict
from tests.support.diff_corpus import DOCUMENTS, amended, inserted_article

SCRIPT = "<script>alert('x')</script>"
PHRASE = "（经省级主管部门批准）"


@cache
def sample_diff() -> DocumentDiff:
    """国家卫生应急队伍管理办法 with an insertion, a reword, a removal and a hostile string."""
    units = list(DOCUMENTS[0].units())
    edited = list(units)
    edited[5] = replace(edited[5], text=edited[5].text + PHRASE + SCRIPT)
    edited.insert(10, inserted_article(units[10], "队伍应当建立信息报告制度。<b>粗</b>"))
    del edited[20]
    new, _, _ = amended(edited)
    return compare(
        units,
        new,
        old_ref="卫办应急发〔2010〕183号",
        old_title="国家卫生应急队伍管理办法（试行）",
        new_ref="国卫医急发〔2024〕11号",
        new_title="国家卫生应急队伍管理办法",
    )


def test_json_matches_the_contract():
    diff = sample_diff()
    data = json.loads(render_json(diff))
    assert data == to_dict(diff)
    assert set(data) == {"old", "new", "summary", "articles"}
    assert data["old"] == {"ref": "卫办应急发〔2010〕183号", "title": "国家卫生应急队伍管理办法（试行）"}
    assert data["new"] == {"ref": "国卫医急发〔2024〕11号", "title": "国家卫生应急队伍管理办法"}
    assert data["summary"] == {"added": 1, "removed": 1, "modified": 1, "moved": 9, "unchanged": 21}
    keys = {"change", "old_label", "new_label", "old_number", "new_number", "similarity", "ops"}
    keys |= {"moved", "renumbered", "restructure"}  # where the unit went, apart from what its text did
    assert all(set(article) == keys for article in data["articles"])
    for article in data["articles"]:
        assert all(
            isinstance(op, list) and op[0] in (-1, 0, 1) and isinstance(op[1], str) for op in article["ops"]
        )
    added = next(a for a in data["articles"] if a["change"] == "added")
    assert added["old_label"] is None and added["old_number"] is None and added["similarity"] == 0.0
    modified = next(a for a in data["articles"] if a["change"] == "modified")
    assert modified["old_label"] == modified["new_label"] == "ch1/a6"
    assert [1, PHRASE + SCRIPT] in modified["ops"]
    assert "国卫医急发" in render_json(diff)  # Chinese kept as written, not \u escaped


def test_html_escapes_document_text_and_marks_changes():
    page = render_html(sample_diff())
    assert SCRIPT not in page and "<b>粗</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;b&gt;粗&lt;/b&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "旧条文" in page and "新条文" in page
    assert "text-decoration:line-through" in page and "text-decoration:underline" in page
    assert "<details>" in page  # unchanged articles fold
    assert "<style" not in page and "<del" not in page and "<ins" not in page


def test_html_table_fragment_changed_only():
    diff = sample_diff()
    table = render_html_table(diff, changed_only=True)
    assert table.lstrip().startswith("<table") and "<html" not in table
    assert "<details>" not in table
    rows = table.count('<tr data-change="')
    assert rows == 2 * len(diff.changed_articles)  # a caption row and a text row each
    full = render_html_table(diff)
    assert full.count('<tr data-change="unchanged">') == diff.summary.unchanged


def test_html_of_a_diff_without_changes():
    units = DOCUMENTS[1].units()
    table = render_html_table(compare(units, units), changed_only=True)
    assert "无变化" in table


def test_docx_has_one_row_per_changed_article():
    diff = sample_diff()
    document = docx.Document(io.BytesIO(render_docx(diff)))
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["序号", "修改前", "修改后"]
    assert len(table.rows) == 1 + len(diff.changed_articles)
    modified_row = next(row for row in table.rows[1:] if PHRASE in row.cells[2].text)
    inserted = [run for p in modified_row.cells[2].paragraphs for run in p.runs if PHRASE in run.text]
    assert inserted and inserted[0].font.underline and inserted[0].font.color.rgb is not None
    removed_row = next(row for row in table.rows[1:] if not row.cells[2].text.strip())
    struck = [run for p in removed_row.cells[1].paragraphs for run in p.runs]
    assert struck and all(run.font.strike for run in struck)


def test_docx_with_all_articles():
    diff = sample_diff()
    document = docx.Document(io.BytesIO(render_docx(diff, changed_only=False)))
    assert len(document.tables[0].rows) == 1 + len(diff.articles)


@pytest.mark.parametrize(("width", "side_by_side"), [(160, True), (70, False)])
def test_terminal_side_by_side_or_stacked(width, side_by_side):
    diff = sample_diff()
    console = Console(record=True, width=width, force_terminal=True, color_system="truecolor")
    render_terminal(diff, console=console, changed_only=True)
    text = console.export_text(clear=False)
    assert ("旧条文" in text) is side_by_side
    assert "国卫医急发〔2024〕11号" in text and "新增" in text and "删除" in text
    assert SCRIPT.replace(" ", "") in text.replace("\n", "").replace(" ", "").replace("│", "")
    styled = console.export_html(inline_styles=True)
    assert "line-through" in styled  # deletions struck


def test_terminal_changed_only_hides_unchanged():
    units = DOCUMENTS[1].units()
    console = Console(record=True, width=120)
    render_terminal(compare(units, units), console=console, changed_only=True)
    assert "无变化" in console.export_text()


def test_style_only_edits_inside_a_modified_article_are_not_marked():
    units = list(DOCUMENTS[0].units())
    target = units[2]
    restyled = replace(target, text=target.text.replace("，", ",").replace("要根据", "应当根据"))
    diff = compare(units, [*units[:2], restyled, *units[3:]])
    (change,) = diff.changed_articles
    assert any(cosmetic for _, _, cosmetic in change.spans)
    table = render_html_table(diff, changed_only=True)
    assert table.count("text-decoration:line-through") == 1  # one real deletion, no struck commas
    assert ">要<" in table and ">应当<" in table
    document = docx.Document(io.BytesIO(render_docx(diff)))
    runs = [run for p in document.tables[0].rows[1].cells[1].paragraphs for run in p.runs]
    assert [run.text for run in runs if run.font.strike] == ["要"]


def test_extended_json_adds_what_renderers_need():
    diff = sample_diff()
    data = to_dict(diff, extended=True)
    strict = to_dict(diff)
    for full, contract, record in zip(data["articles"], strict["articles"], diff.articles, strict=True):
        assert {k: full[k] for k in contract} == contract
        assert set(full) - set(contract) == {"old_heading", "new_heading", "cosmetic"}
        assert full["new_heading"] == record.new_heading and len(full["cosmetic"]) == len(full["ops"])
    assert json.loads(render_json(diff, extended=True)) == data
