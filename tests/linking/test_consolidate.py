"""Consolidation on real texts: 医疗机构管理条例 as of 2016 (LawRefBook/Laws, commit 6ef77b0a…),
amended by 国务院关于修改和废止部分行政法规的决定 of 2022-03-29 (fixtures/decision_2022-03-29_excerpt.md),
compared with the text republished after it (Theonefkguy/Chinese-Laws, commit 08eb6c2a…); see the
comments at the top of each fixture for paths and commits.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ingest.normalize import comparison_key
from linking.amendments.decision import parse_decision
from linking.amendments.model import Delete, Insert, InsertText, Place, Replace, Substitute, Unsupported
from linking.consolidate import ConsolidationError, apply
from tests.linking.support import fixture_articles, fixture_text

OLD = "医疗机构管理条例_2016.md"
NEW = "医疗机构管理条例_2022.md"


def _decision(target: str = "医疗机构管理条例"):
    groups = {g.target: g for g in parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))}
    return groups[target].instructions


def _by_label(articles):
    return {a.label: a for a in articles}


def test_real_decision_gives_the_republished_text_article_by_article():
    got = apply(fixture_articles(OLD), _decision())
    expected = fixture_articles(NEW)
    assert [a.label for a in got] == [a.label for a in expected]
    for mine, official in zip(got, expected, strict=True):
        assert comparison_key(mine.text) == comparison_key(official.text), mine.label


def test_deleted_article_renumbers_the_rest_and_keeps_chapters():
    got = _by_label(apply(fixture_articles(OLD), _decision()))
    # old 第十四条 (end of 第二章) is gone; old 第十五条 opens 第三章 as 第十四条
    assert "ch2/a14" not in got
    assert got["ch3/a14"].text.startswith("第十四条 医疗机构执业，必须进行登记")
    assert got["ch3/a14"].path == ("第三章 登记",)
    assert got["ch7/a53"].heading == "第五十三条"


def test_item_replacement_keeps_the_items_ending():
    # 将第十六条改为第十五条，将第一项修改为“(一)按照规定应当办理设置医疗机构批准书的，已取得设置医疗机构批准书”
    got = _by_label(apply(fixture_articles(OLD), _decision()))
    assert "(一)按照规定应当办理设置医疗机构批准书的，已取得设置医疗机构批准书；" in got["ch3/a15"].text


def _instructions(text: str, title: str = "关于修改《医疗机构管理条例》的决定"):
    (group,) = parse_decision(text, title)
    return group.instructions


# Each clause below has the grammar of a published clause quoted in test_instructions.py, pointed at
# articles the 2016 text has.
def test_substitution_and_deletion_of_text():
    # as D2022 七 第十条: 将第十条中的“A”修改为“B”，删去该条中的“C”。
    instructions = _instructions(
        "将第二十条中的“必须向原登记机关”修改为“应当向原登记机关”，删去该条中的“主要负责人、”。"
    )
    got = _by_label(apply(fixture_articles(OLD), instructions))
    assert (
        got["ch3/a20"].text
        == "第二十条 医疗机构改变名称、场所、诊疗科目、床位，应当向原登记机关办理变更登记。"
    )


def test_uniform_substitution_over_the_whole_text():
    # as D2022 七: 将《X》中的“A”修改为“B” (no article named: every occurrence in the text)
    instructions = _instructions("将本条例中的“卫生行政部门”统一修改为“卫生健康主管部门”。")
    got = apply(fixture_articles(OLD), instructions)
    assert not any("卫生行政部门" in a.text for a in got)
    assert sum("卫生健康主管部门" in a.text for a in got) > 20


def test_added_article_paragraph_and_item():
    # as D2022 十 (在第四款后增加一款，作为第五款 / 增加一条，作为第三十二条) and NPC2013 十五 (增加一项)
    instructions = _instructions(
        "将第五条增加一款，作为第四款：“新的第四款。”\n\n"
        "将第十条增加一项，作为第四项：“（四）新的一项。”\n\n"
        "增加一条，作为第十四条：“新的第十四条。”"
    )
    got = _by_label(apply(fixture_articles(OLD), instructions))
    assert got["ch1/a5"].text.endswith("\n新的第四款。")
    assert got["ch2/a10"].text.endswith("(三)选址报告和建筑设计平面图。\n（四）新的一项。")
    assert got["ch2/a14"].text == "第十四条 新的第十四条。"
    assert got["ch2/a15"].text.startswith("第十五条 机关、企业和事业单位按照国家医疗机构基本标准")
    assert got["ch7/a56"].text.startswith("第五十六条 本条例自1994年9月1日起施行")


def test_text_inserted_after_an_anchor():
    instructions = _instructions("在第二十七条中的“核准登记”后增加“或者备案”。")
    got = _by_label(apply(fixture_articles(OLD), instructions))
    assert got["ch4/a27"].text == "第二十七条 医疗机构必须按照核准登记或者备案的诊疗科目开展诊疗活动。"


def test_deleted_items_renumber_the_items_after_them():
    instructions = _instructions("删去第十六条第二项、第三项。")
    got = _by_label(apply(fixture_articles(OLD), instructions))
    lines = got["ch3/a16"].text.split("\n")
    assert [line[:3] for line in lines[1:]] == ["(一)", "(二)", "(三)", "(四)"]
    assert lines[2].startswith("(二)有与其开展的业务相适应的经费")


@pytest.mark.parametrize(
    ("clause", "reason"),
    [
        ("将第九十九条修改为：“甲。”", "第九十九条 is not in the old text"),
        ("将第二十条中的“不存在的文字”修改为“乙”。", "“不存在的文字” is not in 第二十条"),
        # 《医疗机构执业许可证》 is twice in 第二十二条: one was meant
        ("将第二十二条中的“《医疗机构执业许可证》”修改为“许可证”。", "is 2 times in 第二十二条"),
        ("删去第十条第五项。", "the 款 has 3 项"),
        ("将第十五条改为第十三条。", "the decision makes 第十五条 第十三条"),
        ("将第三条和第五条合并，作为第三条。", "not applied"),
    ],
)
def test_an_instruction_that_cannot_apply_fails_with_no_output(clause, reason):
    instructions = (*_decision(), *_instructions(clause))
    with pytest.raises(ConsolidationError) as failure:
        apply(fixture_articles(OLD), instructions)
    assert reason in str(failure.value)
    assert failure.value.instruction.quote in str(failure.value)


def test_unsupported_instruction_is_named():
    instruction = Unsupported("a form this parser does not read", "将第三条和第五条合并", 7)
    with pytest.raises(ConsolidationError, match="decision line 7"):
        apply(fixture_articles(OLD), [instruction])


_BASE = fixture_articles(OLD)
_NUMBERS = [a.number for a in _BASE]
_HEADING = re.compile(r"^第[一二三四五六七八九十百]+条\s*")


def _body(text: str) -> str:
    return _HEADING.sub("", text)


@st.composite
def _edits(draw):
    """Well-formed instructions on distinct articles of the real base: replace, substitute, delete."""
    chosen = draw(st.lists(st.sampled_from(_NUMBERS), min_size=1, max_size=8, unique=True))
    out = []
    for number in chosen:
        article = _BASE[number - 1]
        kind = draw(st.sampled_from(["replace", "substitute", "delete"]))
        if kind == "replace":
            out.append(Replace((Place(number),), (f"替换后的第{number}条文字。",), "q", 1))
        elif kind == "delete":
            out.append(Delete(Place(number), "q", 1))
        else:
            body = _body(article.text)
            start = draw(st.integers(0, max(0, len(body) - 4)))
            old = body[start : start + draw(st.integers(2, 6))]
            assume(old and body.count(old) == 1 and "\n" not in old)
            out.append(Substitute((Place(number),), old, old + "（改）", False, "q", 1))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_edits())
def test_changed_articles_are_exactly_those_the_instructions_touch(instructions):
    touched = {i.places[0].article if hasattr(i, "places") else i.place.article for i in instructions}
    deleted = {i.place.article for i in instructions if isinstance(i, Delete)}
    got = apply(_BASE, instructions)
    survivors = [a for a in _BASE if a.number not in deleted]
    assert len(got) == len(survivors)
    changed = {
        old.number for old, new in zip(survivors, got, strict=True) if _body(old.text) != _body(new.text)
    }
    assert changed | deleted == touched
    assert [a.number for a in got] == list(range(1, len(got) + 1))


def test_every_form_has_an_applier():
    from linking.consolidate import _ONE  # the dispatch table: a new instruction type needs a rule

    assert {Insert, InsertText, Substitute, Unsupported} <= set(_ONE)
