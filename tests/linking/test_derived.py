"""linking.derived on the real texts: the decision's instructions found by the target's title, the
derived full text read back into the same articles, and the articles that differ from the
official text found one by one."""

from __future__ import annotations

from dataclasses import replace

from ingest.structure import parse_structure
from linking.amendments.decision import parse_decision
from linking.consolidate import apply
from linking.derived import derived_text, differing_articles, instruction_record, instructions_for
from tests.linking.support import fixture_articles, fixture_text

OLD = "医疗机构管理条例_2016.md"
NEW = "医疗机构管理条例_2022.md"


def _groups():
    return parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))


def test_instructions_found_by_title_key():
    assert instructions_for(_groups(), "医疗机构管理条例").target == "医疗机构管理条例"
    # 《中华人民共和国海关统计条例》 is the document stored as 海关统计条例, and the other way round
    assert instructions_for(_groups(), "海关统计条例") is not None
    assert instructions_for(_groups(), "医疗器械监督管理条例") is None


def test_derived_text_reads_back_as_the_derived_articles():
    old = fixture_articles(OLD)
    new = apply(old, instructions_for(_groups(), "医疗机构管理条例").instructions)
    text = derived_text(fixture_text(OLD), old, new)
    assert text.startswith(
        "医疗机构管理条例\n1994年2月26日 中华人民共和国国务院令第149号发布\n第一章 总则\n第一条"
    )
    assert text.count("第三章 登记") == 1  # a heading once, above the article that opens it
    again = parse_structure(text, 1)
    assert [(a.label, a.text) for a in again] == [(a.label, a.text) for a in new]
    assert differing_articles(new, fixture_articles(NEW)) == []


def test_differing_articles_named_by_label():
    official = fixture_articles(NEW)
    changed = [replace(a, text=a.text + "（有改动）") if a.label == "ch6/a43" else a for a in official]
    assert differing_articles(changed, official) == ["ch6/a43"]
    assert differing_articles(official[:-1], official) == [official[-1].label]
    assert differing_articles(official, official[:-1]) == [official[-1].label]


def test_instruction_record_keeps_the_clause_as_written():
    first = instructions_for(_groups(), "医疗机构管理条例").instructions[1]
    assert instruction_record(first) == {"kind": "delete", "quote": "删去第十四条", "line": first.line}
