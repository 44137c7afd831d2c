"""Amendment decisions read as relations: one ``amends`` per target, scope the places touched.

Quotes are short excerpts of DEV corpus texts (tests/corpus), cut to the clauses a test needs:
- l01: Theonefkguy/Chinese-Laws, 部门规章/国家卫生健康委员会/国家卫生健康委关于修改和废止部分部门规章的决定
  (2026-06-05).md, commit e4d0afe499e3b5613229e068be441970a0c1c03d (printed on one line).
- l06: Theonefkguy/Chinese-Laws, 行政法规/国务院关于修改和废止部分行政法规的决定(2022-03-29).md,
  commit 08eb6c2ab240f20873caa2f555a2a232ae16513c.
- l10: Theonefkguy/Chinese-Laws, 地方法规/吉林地方法规/地方性法规/吉林/吉林市人民代表大会常务委员会关于
  废止和修改《吉林市行政审批公开条例》等22部地方性法规的决定(2025-04-15).md, commit 08eb6c2a….
- l24: Theonefkguy/Chinese-Laws, 地方法规/吉林地方法规/地方性法规/吉林/吉林市人民代表大会常务委员会关于
  废止和修改部分地方性法规的决定(2010-09-27).md, commit 2c4bb614c9e07aad1072b93426033840661e104c.
"""

from __future__ import annotations

from datetime import date

from linking.amendments.decision import parse_decision
from linking.amendments.relations import scope_of
from linking.extract import extract_relations
from linking.model import SourceDoc
from linking.sentences import split_sentences

L01 = (
    "国家卫生健康委决定：一、对5件部门规章的部分条款予以修改。二、废止《灾害事故医疗救援工作管理办法》"
    "（1995年4月27日卫生部令第39号公布）。三、将《卫生行政执法文书规范》调整为规范性文件（2012年9月6日卫生部令"
    "第87号公布）。本决定自公布之日起施行。附件：国家卫生健康委决定修改的部门规章一、修改《医师执业注册管理办法》"
    "（一）将“国家卫生计生委”统一修改为“国家卫生健康委”。\n\n"
    "（二）将第一条 中的“《中华人民共和国执业医师法》”修改为“《中华人民共和国医师法》”。\n\n"
    "（三）将第二条 第二款修改为：“未注册取得医师执业证书，不得从事医师执业活动。”（七）删去第十七条 第一款。\n\n"
    "（十二）将第二十四条 修改为：“中医（包括中医、少数民族医和中西医结合）医师执业注册管理由中医药主管部门负责。”"
    "二、修改《医师外出会诊管理暂行规定》（一）将“卫生行政部门”统一修改为“卫生健康行政部门”。\n\n"
    "（三）将第六条 第一项修改为：“除紧急救治外，会诊邀请超出本机构诊疗科目或者本机构不具备相应资质的；”。\n\n"
    "（五）在第十条 第一款后增加“三年内不受理其相应申请。”；将第二款修改为：“在校医学生参与考试作弊情节严重的，"
    "自下一年度起三年内不得报考医师资格。”"
)


def _doc(text: str, title: str, effective: date | None = None) -> SourceDoc:
    return SourceDoc("d", text, 1, None, title, effective_date=effective)


def _by_kind(doc: SourceDoc) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for rel in extract_relations(doc):
        assert rel.citation is not None
        found.setdefault(rel.kind, {})[rel.citation.title or ""] = rel.scope
    return found


def test_one_line_decision_amends_each_target_once_with_its_places():
    found = _by_kind(_doc(L01, "国家卫生健康委关于修改和废止部分部门规章的决定", date(2026, 6, 5)))
    assert found["amends"] == {
        "医师执业注册管理办法": "第一条、第二条第二款、第十七条第一款、第二十四条",
        # 在第十条第一款后增加“…” is not read, but the next clause's 第二款 is 第十条's
        "医师外出会诊管理暂行规定": "第六条第一项、第十条第一款、第十条第二款",
    }
    assert found["repeals"] == {"灾害事故医疗救援工作管理办法": "whole"}
    # 调整为规范性文件 changes no words: no amendment; quoted new text is no citation of the decision
    assert "卫生行政执法文书规范" not in found["amends"]
    assert "中华人民共和国医师法" not in found.get("cites", {})


def test_amends_take_the_decisions_effective_date_and_name_the_target():
    doc = _doc(L01, "国家卫生健康委关于修改和废止部分部门规章的决定", date(2026, 6, 5))
    amends = [r for r in extract_relations(doc) if r.kind == "amends"]
    assert {r.effective_date for r in amends} == {date(2026, 6, 5)}
    assert amends[0].quote.startswith("一、修改《医师执业注册管理办法》")


def test_attachment_recognised_by_its_instructions():
    # l06 附件1: its title does not say 修改…决定; its instructions do.
    text = (
        "国务院决定修改的行政法规\n\n二、将《医疗机构管理条例》第九条修改为“单位或者个人设置医疗机构，…。”\n\n"
        "删去第十四条。\n\n将第十六条改为第十五条，将第一项修改为“(一)按照规定应当办理设置医疗机构批准书的，"
        "已取得设置医疗机构批准书”。\n\n此外，对相关行政法规中的条文序号作相应调整。"
    )
    found = _by_kind(_doc(text, "国务院决定修改的行政法规"))
    # the renumbered 第十六条 itself is not touched: only its 第一项
    assert found == {"amends": {"医疗机构管理条例": "第九条、第十四条、第十六条第一项"}}


def test_sub_items_keep_the_target_of_their_heading():
    # l10 十二: （一）… under 十、对《X》作出修改; 原第N条 is the old number; 删去原第A条、原第B条.
    text = (
        "十二、对《吉林市城市园林绿化条例》作出修改\n\n（一）删去第十七条。\n\n（二）删去原第二十一条第八项。\n\n"
        "（四）将原第二十三条改为第二十二条，修改为：“当事人对行政处罚决定不服的，可以依法申请行政复议。”\n\n"
        "（二十三）删去原第六十二条、原第六十三条。"
    )
    (group,) = parse_decision(text, "吉林市人民代表大会常务委员会关于废止和修改部分地方性法规的决定")
    assert group.target == "吉林市城市园林绿化条例"
    assert scope_of(group.instructions) == "第十七条、第二十一条第八项、第二十三条、第六十二条、第六十三条"


def test_one_clause_shared_by_three_regulations_and_a_counted_repeal():
    text = (
        "吉林市人民代表大会常务委员会关于废止和修改部分地方性法规的决定\n\n"
        "一、对《吉林市农村义务教育条例》、《吉林市统计管理条例》和《吉林市建设工程质量管理条例》等8部已不适用"
        "或与新颁布的上位法不一致的地方性法规予以废止。\n\n"
        "2、将《吉林市水土保持条例》第二十七条第（六）项、《吉林市中小学校校园校舍管理条例》第二十八条、"
        "《吉林市殡葬管理条例》第二十四条中的“中华人民共和国治安管理处罚条例”修改为“中华人民共和国治安管理处罚法”。"
    )
    found = _by_kind(_doc(text, "吉林市人民代表大会常务委员会关于废止和修改部分地方性法规的决定"))
    assert found["amends"] == {
        "吉林市水土保持条例": "第二十七条第六项",
        "吉林市中小学校校园校舍管理条例": "第二十八条",
        "吉林市殡葬管理条例": "第二十四条",
    }
    assert set(found["repeals"]) == {
        "吉林市农村义务教育条例",
        "吉林市统计管理条例",
        "吉林市建设工程质量管理条例",
    }


def test_title_and_date_lines_are_not_glued_to_the_first_sentence():
    # l24 and l10 heads: title, date line, then the preamble.
    text = (
        "吉林市人民代表大会常务委员会 关于废止和修改部分地方性法规的决定\n\n"
        "2010年9月27日 吉林市第十四届人大常委会第20次会议通过\n\n"
        "根据全国人大常委会和省人大常委会关于开展地方性法规清理工作的部署，决定：\n"
    )
    assert [s.text for s in split_sentences(text, 1)] == [
        "吉林市人民代表大会常务委员会关于废止和修改部分地方性法规的决定",
        "2010年9月27日吉林市第十四届人大常委会第20次会议通过",
        "根据全国人大常委会和省人大常委会关于开展地方性法规清理工作的部署，决定：",
    ]


def test_the_decisions_title_names_no_target_of_its_own():
    # l10's title names a regulation it repeals in 八: the title line states nothing.
    title = "吉林市人民代表大会常务委员会关于废止和修改《吉林市行政审批公开条例》等22部地方性法规的决定"
    text = f"{title}\n\n十、对《吉林市殡葬管理条例》作出修改\n\n（一）将第四条中的“工商”修改为“市场监管”。"
    found = extract_relations(_doc(text, title))
    assert [(r.kind, r.citation and r.citation.title, r.scope) for r in found] == [
        ("amends", "吉林市殡葬管理条例", "第四条")
    ]


def test_a_target_named_by_its_short_title_is_the_document():
    # Built from the grammar (no dev text shows it yet): 以下简称《…》 defined where the target is named.
    text = (
        "对《最高人民法院关于审理某类案件适用法律若干问题的解释》（法释〔2010〕9号，以下简称《解释》）作如下修改：\n"
        "一、将《解释》第二条修改为：“甲。”"
    )
    (rel,) = [
        r
        for r in extract_relations(_doc(text, "最高人民法院关于修改某类案件解释的决定"))
        if r.kind == "amends"
    ]
    assert rel.citation is not None
    assert rel.citation.title == "最高人民法院关于审理某类案件适用法律若干问题的解释"
    assert rel.citation.doc_number_canonical is not None
    assert rel.scope == "第二条"


def test_a_work_plan_that_will_revise_a_regulation_amends_nothing():
    # A task, not an instruction: no place and no new words (the traps of test_link_extract).
    text = "二、修改《医疗机构管理条例》，完善审批程序。\n三、将《医疗机构管理条例》修订工作纳入年度计划。"
    doc = _doc(text, "2024年卫生健康立法工作计划")
    assert [r.kind for r in extract_relations(doc) if r.kind != "cites"] == []
