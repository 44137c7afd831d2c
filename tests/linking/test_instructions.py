"""Reading amendment decisions into instructions, each form on a clause of a published decision.

Sources (quoted below, or stored in fixtures/ with their provenance in a comment):
- D2022: Theonefkguy/Chinese-Laws, 行政法规/国务院关于修改和废止部分行政法规的决定(2022-03-29).md,
  commit 08eb6c2ab240f20873caa2f555a2a232ae16513c (fixtures/decision_2022-03-29_excerpt.md).
- D2024: Theonefkguy/Chinese-Laws, 行政法规/国务院关于修改和废止部分行政法规的决定(2024-12-06).md,
  commit 08eb6c2ab240f20873caa2f555a2a232ae16513c. That copy drops 将 and puts a space after
  第N条 at a line start ("第十五条 修改为："); the clauses are quoted as it prints them.
- CAAC: Theonefkguy/Chinese-Laws, 部门规章/中国民用航空局/交通运输部关于修改《民用航空器国籍登记规定》
  的决定(2022-07-12).md, commit 28a9bcf7dcd8a4d79666de95441b71dc736d6282 (fixtures/caac_2022-07-12.md).
- NPC2013: 全国人大常委会关于修改《中华人民共和国消费者权益保护法》的决定 (2013-10-25), as quoted in
  a page stored in the search index (id 33160354441, the decision's paragraphs 十五 and 二十二).
"""

from __future__ import annotations

import pytest

from linking.amendments.decision import parse_decision
from linking.amendments.model import (
    Delete,
    Insert,
    InsertText,
    Place,
    Renumber,
    Reorder,
    Replace,
    Substitute,
    Unsupported,
)
from tests.linking.support import fixture_text


def _one_target(text: str, title: str = "国务院关于修改和废止部分行政法规的决定"):
    (group,) = parse_decision(text, title)
    return group


def test_groups_instructions_per_target_named_in_numbered_parts():
    groups = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))
    assert [g.target for g in groups] == [
        "医疗机构管理条例",
        "中华人民共和国进出口商品检验法实施条例",
        "保安服务管理条例",
        "农药管理条例",
        "中华人民共和国海关统计条例",
        "互联网上网服务营业场所管理条例",
        "旅馆业治安管理办法",
    ]
    # 附件2 (the repealed regulations) follows the last target and gives it nothing.
    assert isinstance(groups[-1].instructions[-1], Reorder)


def test_every_instruction_keeps_its_clause_and_line():
    text = fixture_text("decision_2022-03-29_excerpt.md")
    lines = text.split("\n")
    for group in parse_decision(text):
        for instruction in group.instructions:
            assert instruction.quote.replace("“", "").replace("”", "")[:6] in lines[
                instruction.line - 1
            ].replace("“", "").replace("”", "").replace(" ", "")


def test_whole_article_replaced():
    group = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))[0]
    first = group.instructions[0]
    assert isinstance(first, Replace)
    assert first.places == (Place(9),)
    assert first.paragraphs[0].startswith("单位或者个人设置医疗机构，按照国务院的规定")


def test_replacement_over_several_paragraphs_drops_the_paragraph_quote_marks():
    # D2022 二: 将第四十四条改为第四十三条，修改为“违反…予以处罚。\n\n“违反…停止执业活动。”
    group = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))[0]
    renumber, replace = [i for i in group.instructions if getattr(i, "places", None) == (Place(44),) or (
        isinstance(i, Renumber) and i.old == Place(44))]  # fmt: skip
    assert renumber.new == Place(43)
    assert len(replace.paragraphs) == 2
    assert replace.paragraphs[1].startswith("违反本条例第二十三条规定，诊所未经备案执业的")
    assert not replace.paragraphs[1].startswith("“")


def test_paragraph_and_item_replaced_in_the_article_named_before():
    # D2022 二: 将第十七条改为第十六条，将第一款修改为“…”将第三款修改为“…”
    group = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))[0]
    places = [i.places for i in group.instructions if isinstance(i, Replace)]
    assert (Place(17, 1),) in places and (Place(17, 3),) in places
    # 将第十六条改为第十五条，将第一项修改为“(一)…”
    assert (Place(16, None, 1),) in places


def test_item_replaced_with_a_colon_and_paragraph_named_before_it():
    # D2024 十七 (as stored: the space after 第三条 and no 将)
    text = "十七、将《公共场所卫生管理条例》第二条第一项修改为：“（一）宾馆、旅店、招待所；”。\n\n第三条 第二款中的“国务院卫生行政部门”修改为“国务院疾病预防控制部门”。"
    group = _one_target(text)
    replace, substitute = group.instructions
    assert replace == Replace((Place(2, None, 1),), ("（一）宾馆、旅店、招待所；",), replace.quote, 1)
    assert substitute.places == (Place(3, 2),)
    assert (substitute.old, substitute.new, substitute.every) == (
        "国务院卫生行政部门",
        "国务院疾病预防控制部门",
        False,
    )


def test_text_substituted_with_a_second_pair_after_a_comma():
    # CAAC 五: 将第二十六条 中的“向前缘”修改为“朝向前缘”，“相等”修改为“尽可能相等”。
    group = parse_decision(fixture_text("caac_2022-07-12.md"))[0]
    assert group.target == "民用航空器国籍登记规定"
    first, second = group.instructions[-2:]
    assert (first.places, first.old, first.new) == ((Place(26),), "向前缘", "朝向前缘")
    assert (second.places, second.old, second.new) == ((Place(26),), "相等", "尽可能相等")


def test_single_regulation_decision_printed_on_one_line():
    # CAAC: target from the title, numbered parts run together, paragraph quotes opened inline.
    group = parse_decision(fixture_text("caac_2022-07-12.md"))[0]
    kinds = [type(i).__name__ for i in group.instructions]
    assert kinds == ["Replace", "Replace", "Replace", "Replace", "Substitute", "Substitute"]
    article21 = group.instructions[1]
    assert article21.places == (Place(21),)
    assert article21.paragraphs[1] == "（一）Q简语电码中所用的以Q字为首的三字组合；"
    assert group.instructions[2].places == (Place(24, 1),)


def test_substitution_over_a_list_with_a_range_and_uniformly():
    # D2024 四, and D2022 五 (统一修改为 over a list)
    text = "四、将《外国民用航空器飞行管理规则》第四条、第五条、第八条、第十二条至第十六条、第二十条中的“中国民用航空总局”修改为“国务院民用航空主管部门”。"
    (substitute,) = _one_target(text).instructions
    assert [p.article for p in substitute.places] == [4, 5, 8, 12, 13, 14, 15, 16, 20]
    text = "五、将《中华人民共和国道路运输条例》第九条、第二十二条、第七十六条中的“道路运输管理机构”统一修改为“人民政府交通运输主管部门”。"
    (substitute,) = _one_target(text).instructions
    assert substitute.every and [p.article for p in substitute.places] == [9, 22, 76]


def test_whole_text_substitution():
    # D2022 七 names the regulation and no article: 将《X》中的… reads the whole text.
    text = "七、将《中华人民共和国海关统计条例》中的“《中华人民共和国统计法实施细则》”修改为“《中华人民共和国统计法实施条例》”。"
    (substitute,) = _one_target(text).instructions
    assert substitute.places == (Place(None),) and substitute.every


def test_deletions_of_articles_paragraphs_items_and_text():
    # D2022 一 (as printed in the full decision) and 三, 四, 六
    text = (
        "一、删去《外商投资电信企业管理规定》第九条第一款第（四）项、第十条、第十二条。\n\n"
        "将第二十条改为第十四条，删去其中的“并由原颁发《外商投资企业批准证书》的商务主管部门撤销其《外商投资企业批准证书》”。"
    )
    group = _one_target(text)
    deletes = [i.place for i in group.instructions if isinstance(i, Delete)]
    assert deletes == [Place(9, 1, 4), Place(10), Place(12)]
    renumber, delete_text = group.instructions[3:]
    assert renumber == Renumber(Place(20), Place(14), renumber.quote, 3)
    assert (
        isinstance(delete_text, Substitute) and delete_text.new == "" and delete_text.places == (Place(20),)
    )
    group = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))[2]
    first, second = group.instructions[-2:]
    assert (first.old, second.old) == ("、保安培训单位", "、保安培训许可证")  # 删去…中的“A”和“B”


def test_deleted_items_listed_by_number_and_their_renumbering():
    # D2024 九 (印刷业管理条例 第四十条): 删去第二、三、四、六项，原第五项改为第二项、原第七项改为第三项。
    text = "九、将《印刷业管理条例》第四十条中的“A”修改为“B”。删去第二、三、四、六项，原第五项改为第二项、原第七项改为第三项。"
    group = _one_target(text)
    deletes = [i.place for i in group.instructions if isinstance(i, Delete)]
    assert deletes == [Place(40, None, 2), Place(40, None, 3), Place(40, None, 4), Place(40, None, 6)]
    renumbers = [(i.old, i.new) for i in group.instructions if isinstance(i, Renumber)]
    assert renumbers == [(Place(40, None, 5), Place(40, None, 2)), (Place(40, None, 7), Place(40, None, 3))]


def test_added_article_paragraphs_and_items():
    group = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))[5]
    paragraph, article = [i for i in group.instructions if isinstance(i, Insert)]
    # 在第四款后增加一款，作为第五款:“…” (half-width colon)
    assert (paragraph.unit, paragraph.numbers, paragraph.within, paragraph.after) == (
        "paragraph", (5,), Place(11), Place(11, 4))  # fmt: skip
    # 增加一条，作为第三十二条：“…”
    assert (article.unit, article.numbers, article.within) == ("article", (32,), None)
    # D2024 六: 第四条 增加两款，作为第二款、第三款：“…\n\n“…”
    text = "六、将《麻醉药品和精神药品管理条例》第三条修改为：“甲。”\n\n第四条 增加两款，作为第二款、第三款：“对药用类麻醉药品和精神药品，可以依照本条例的规定进行实验研究。\n\n“国家建立麻醉药品和精神药品追溯管理体系。”"
    insert = _one_target(text).instructions[1]
    assert (insert.unit, insert.numbers, insert.within, len(insert.paragraphs)) == (
        "paragraph",
        (2, 3),
        Place(4),
        2,
    )
    # NPC2013 十五: 第一款增加一项，作为第二项：“（二）参与制定…”
    text = "十五、将《中华人民共和国消费者权益保护法》第三十二条改为第三十七条，第一款中的“消费者协会履行下列职能：”修改为“消费者协会履行下列公益性职责：”。\n\n第一款增加一项，作为第二项：“（二）参与制定有关消费者权益的法律、法规、规章和强制性标准”。"
    insert = _one_target(text).instructions[-1]
    assert (insert.unit, insert.numbers, insert.within) == ("item", (2,), Place(32, 1))


def test_renumbered_articles_with_a_change_after_them():
    # D2024 十: 第六十六条、第六十九条分别改为第六十五条、第六十八条，并将其中的“A”修改为“B”。
    text = "十、将《使用有毒物品作业场所劳动保护条例》第五十二条中的“卫生行政部门”修改为“疾病预防控制部门”；第六十六条、第六十九条分别改为第六十五条、第六十八条，并将其中的“卫生行政部门”修改为“疾病预防控制部门”。"
    group = _one_target(text)
    renumbers = [(i.old.article, i.new.article) for i in group.instructions if isinstance(i, Renumber)]
    assert renumbers == [(66, 65), (69, 68)]
    assert group.instructions[-1].places == (Place(66), Place(69))


def test_text_inserted_after_a_quoted_anchor():
    # The form 在第N条中的“A”后增加“B”; clause built from D2024 五 (民用航空运输不定期飞行管理暂行规定),
    # whose articles the decision names with this grammar (no published example in the stored decisions).
    text = "五、在《民用航空运输不定期飞行管理暂行规定》第十二条中的“国务院民用航空主管部门”后增加“或者其授权的地区管理机构”。"
    (insert,) = _one_target(text).instructions
    assert insert == InsertText(
        Place(12), "国务院民用航空主管部门", "或者其授权的地区管理机构", False, insert.quote, 1
    )


def test_amendment_to_a_law_named_bare():
    # A 修正案 names its law without 《》: 刑法修正案（十一）一 "将刑法第十七条修改为：…" (form as in
    # LawRefBook/Laws 刑法/刑法修正案11.md); the target is the law of the title.
    (group,) = parse_decision("一、将刑法第十七条第三款修改为：“甲。”", "中华人民共和国刑法修正案（十一）")
    assert group.target == "中华人民共和国刑法"
    assert group.instructions[0].places == (Place(17, 3),)


def test_quotes_in_corner_brackets_and_inner_quotes():
    # D2024 十七 第八条 with its inner ‘卫生许可证’: in the amended text the inner quote is “…”.
    text = "十七、将《公共场所卫生管理条例》第八条修改为：「经营单位应当在营业前申请办理‘卫生许可证’。」"
    (replace,) = _one_target(text).instructions
    assert replace.paragraphs == ("经营单位应当在营业前申请办理“卫生许可证”。",)


@pytest.mark.parametrize(
    "clause",
    [
        # D2024 十六
        "十六、将《印铸刻字业暂行管理规则》第三条和第五条合并，作为第三条，修改为：“甲。”",
        # NPC2013 十五 (a 项 moved into another 款): 原第六项修改为第二款第一项
        "七、将《出版管理条例》第六十五条中的“甲”修改为“乙”，原第六项修改为第二款第一项。",
    ],
)
def test_forms_not_read_are_kept_as_unsupported(clause):
    group = _one_target(clause)
    assert any(isinstance(i, Unsupported) for i in group.instructions) or any(
        isinstance(i, Renumber) and i.new.paragraph != i.old.paragraph for i in group.instructions
    )


def test_preamble_and_closing_lines_give_nothing():
    text = "为此，国务院决定：\n\n一、对14部行政法规的部分条款予以修改。（附件1）\n\n本决定自2022年5月1日起施行。"
    assert parse_decision(text, "国务院关于修改和废止部分行政法规的决定") == ()


def test_reorder_clause():
    group = parse_decision(fixture_text("decision_2022-03-29_excerpt.md"))[-1]
    assert isinstance(group.instructions[-1], Reorder)
    assert "条文序号作相应调整" in group.instructions[-1].quote


def test_a_heading_gives_its_instruction_to_every_item_listed_under_it():
    # 全国人大常委会关于修改部分法律的决定 (2009-08-27), corpus p02, parts 二（一）and 三（一）（二）
    text = (
        "二、对下列法律和法律解释中关于“征用”的规定作出修改\n"
        "（一）将下列法律和法律解释中的“征用”修改为“征收、征用”\n"
        "6．《中华人民共和国森林法》第十八条\n"
        "10．《中华人民共和国农村土地承包法》第十六条、第五十九条\n"
        "（二）将下列法律中的“依照刑法第×条的规定”、“比照刑法第×条的规定”修改为“依照刑法有关规定”\n"
        "22．《中华人民共和国计量法》第二十九条\n"
        "（三）将下列法律中引用已纳入刑法并被废止的关于惩治犯罪的决定的规定修改为“依照刑法有关规定”\n"
        "44．《中华人民共和国军事设施保护法》第三十五条\n"
    )
    groups = {g.target: g.instructions for g in parse_decision(text, "关于修改部分法律的决定")}
    (forest,) = groups["中华人民共和国森林法"]
    assert forest == Substitute((Place(18),), "征用", "征收、征用", False, forest.quote, forest.line)
    assert [i.places for i in groups["中华人民共和国农村土地承包法"]] == [(Place(16), Place(59))]
    assert [(i.old, i.new) for i in groups["中华人民共和国计量法"]] == [
        ("依照刑法第×条的规定", "依照刑法有关规定"),
        ("比照刑法第×条的规定", "依照刑法有关规定"),
    ]
    (described,) = groups["中华人民共和国军事设施保护法"]  # described, not quoted: not applied
    assert isinstance(described, Unsupported) and "第三十五条" in described.quote


def test_headings_with_a_date_run_into_the_text_before_and_after_them():
    # 中国民用航空总局令第60号 (1997-01-06), corpus s05: a page that lost its line breaks
    text = (
        "决定对部分民用航空规章作如下修订：一、《关于颁发航行情报员执照的暂行规定》（１９８６年３月１５日发布）\n"
        '第九条 中的"吊销"修改为"收回"。七、《关于民用航空器保留项目控制的暂行规定》（１９８８年６月１８日发布）'
        '第１０条修改为："１０．视情节轻重给予警告。"八、《关于民用航空器时控件管理的暂行规定》（１９８８年６月'
        "１８日发布）１、删除第八条。"
    )
    groups = {g.target: g.instructions for g in parse_decision(text, "关于修订和废止部分民用航空规章的决定")}
    assert [type(i) for i in groups["关于颁发航行情报员执照的暂行规定"]] == [Substitute]
    assert [i.places for i in groups["关于民用航空器保留项目控制的暂行规定"]] == [(Place(10),)]
    assert [i.place for i in groups["关于民用航空器时控件管理的暂行规定"]] == [Place(8)]
