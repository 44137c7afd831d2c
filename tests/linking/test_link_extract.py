"""Relation extraction on passages cut from the sample compilations, at their real line numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linking.extract import extract_relations
from linking.model import SourceDoc
from linking.titles import title_key
from tests.conftest import sample_path

_LINES: dict[str, list[str]] = {}


def passage(sample: str, first: int, last: int, **meta) -> SourceDoc:
    """Lines ``first``..``last`` (1-based, inclusive) of a sample as a source document."""
    if sample not in _LINES:
        _LINES[sample] = sample_path(sample).read_text(encoding="utf-8").split("\n")
    text = "\n".join(_LINES[sample][first - 1 : last])
    fields = {"key": f"{sample}:{first}", "doc_number_canonical": None, "title": ""} | meta
    return SourceDoc(text=text, start_line=first, **fields)


def kinds(relations) -> list[str]:
    return [r.kind for r in relations]


def targets(relations, kind: str) -> list[str | None]:
    return [r.citation.doc_number_canonical or r.citation.title for r in relations if r.kind == kind]


def test_headline_repeal_of_the_trial_text():
    doc = passage(
        "001",
        874,
        877,
        doc_number_canonical="国卫医急发〔2024〕11号",
        title="关于印发国家卫生应急队伍管理办法的通知",
        written_date=date(2024, 3, 19),
        published_date=date(2024, 3, 25),
    )
    (relation,) = extract_relations(doc)
    assert relation.kind == "repeals"
    assert relation.citation.doc_number_canonical == "卫办应急发〔2010〕183号"
    assert title_key(relation.citation.title) == title_key(doc.title) == "国家卫生应急队伍管理办法"
    assert relation.effective_date == date(2024, 3, 19)  # 自印发之日起: the written date, not publication
    assert relation.line == 876
    assert relation.scope == "whole"
    assert "同时废止" in relation.quote
    assert relation.confidence >= 0.9


def test_standards_replaced_one_by_one_and_recorded_once():
    doc = passage("004", 1, 25, doc_number_canonical="国卫通〔2024〕5号", title="国家卫生健康委员会通告")
    relations = extract_relations(doc)
    replaced = [r for r in relations if r.kind == "replaces"]
    assert [(r.subject.doc_number_canonical, r.citation.doc_number_canonical, r.line) for r in replaced] == [
        ("WS/T 347-2024", "WS/T 347-2011", 7),
        ("WS/T 360-2024", "WS/T 360-2011", 9),
        ("WS/T 411-2024", "WS/T 411-2013", 11),
        ("WS/T 421-2024", "WS/T 421-2013", 13),
        ("WS/T 442-2024", "WS/T 442-2014", 15),
    ]
    # lines 19-21 "…WS/T 347—2011、…同时废止" name the same standards: recorded once, as replaced
    assert targets(relations, "repeals") == []
    assert {r.effective_date for r in replaced} == {date(2024, 9, 1)}  # 上述标准自2024年9月1日起施行


def test_a_list_of_standards_repealed_yields_one_relation_per_number():
    doc = passage("004", 19, 21, written_date=date(2024, 4, 2))
    relations = extract_relations(doc)
    assert targets(relations, "repeals") == [
        "WS/T 347-2011",
        "WS/T 360-2011",
        "WS/T 411-2013",
        "WS/T 421-2013",
        "WS/T 442-2014",
    ]
    assert {r.effective_date for r in relations} == {date(2024, 9, 1)}
    assert [r.line for r in relations] == [19, 19, 19, 19, 21]  # "WS/T" / "421—2013" broken across lines


def test_attachments_of_a_notice_lapse():
    doc = passage(
        "004", 58, 92, doc_number_canonical="国卫办职健发〔2024〕11号", written_date=date(2024, 4, 19)
    )
    relations = [r for r in extract_relations(doc) if r.kind != "cites"]
    assert [(r.kind, r.citation.doc_number_canonical, r.scope) for r in relations] == [
        ("partially_repeals", "国卫办职健发〔2021〕2号", "附件1"),
        ("partially_repeals", "国卫办职健发〔2021〕2号", "附件2"),
    ]
    assert {r.effective_date for r in relations} == {date(2024, 7, 1)}


def test_list_of_three_across_broken_lines():
    doc = passage("004", 2208, 2221, written_date=date(2024, 1, 20))
    relations = extract_relations(doc)
    assert targets(relations, "repeals") == [
        "卫医发〔2006〕94号",
        "卫医管发〔2009〕126号",
        "国卫医发〔2016〕49号",
    ]
    assert {r.effective_date for r in relations} == {date(2024, 5, 1)}


def test_numbers_with_spaces_and_title_only_targets():
    doc = passage("001", 5621, 5621, written_date=date(2024, 3, 1))
    assert targets(extract_relations(doc), "repeals") == [
        "青医保局发〔2021〕138号",
        "青医保局发〔2022〕49号",
        "青医保局发〔2023〕30号",
    ]
    relations = extract_relations(passage("001", 5784, 5784, written_date=date(2024, 3, 5)))
    assert targets(relations, "repeals") == [
        "宁夏回族自治区卫生专业人员继续医学教育实施细则",
        "宁卫科教〔2012〕122号",
    ]
    title_only, numbered = relations
    assert title_only.confidence < numbered.confidence


def test_expiry_and_repeals_in_one_sentence():
    doc = passage("001", 5984, 5984, written_date=date(2024, 3, 1), published_date=date(2024, 3, 8))
    relations = extract_relations(doc)
    assert kinds(relations) == ["expires", "repeals", "repeals"]
    assert relations[0].citation is None
    assert relations[0].effective_date == date(
        2029, 3, 7
    )  # 自发布之日起施行，有效期五年: the last day in force
    assert relations[2].citation.doc_number_raw == "2022年第42号"  # an announcement number, not a 文号


@pytest.mark.parametrize(
    ("line", "expiry"),
    [(5577, date(2026, 3, 31)), (4326, date(2029, 3, 18)), (5508, date(2029, 3, 3))],
)
def test_own_expiry(line, expiry):
    relations = [
        r
        for r in extract_relations(passage("001", line, line, written_date=date(2024, 3, 19)))
        if r.kind != "cites"
    ]
    assert [(r.kind, r.effective_date, r.line) for r in relations] == [("expires", expiry, line)]


def test_new_edition_amends_the_old_and_cites_its_basis():
    relations = extract_relations(passage("001", 636, 636, written_date=date(2024, 3, 5)))
    assert [(r.kind, r.citation.title) for r in relations] == [
        ("amends", "国家二级公立医院绩效考核操作手册（2023版）"),
        ("cites", "关于加强二级公立医院绩效考核工作的通知"),
    ]
    assert relations[1].citation.doc_number_canonical == "国卫办医发〔2019〕23号"


def test_a_title_inside_quotes_is_not_a_trigger():
    text = "为贯彻落实《国家卫生健康委关于废止〈某某办法〉的决定》，现通知如下。"
    assert kinds(extract_relations(SourceDoc("t", text, 1, None, ""))) == ["cites"]


@pytest.mark.parametrize(
    ("sample", "line"),
    [
        ("001", 2875),  # 医院评审结论有效期4年: the hospitals' rating, not the document
        ("001", 4246),  # 可检测尿素 [Urea] 代替: medicine, not a replacement
        ("001", 2015),  # 配置许可证自行失效: a licence, not a document
        ("001", 2065),  # 以本细则为准: names no document
        ("001", 6045),  # 同品种宁夏药品标准即行废止: no document named
        ("001", 3474),  # 电子处方流转有效期3天
        ("001", 4298),  # 执行单代替门诊病历
        ("004", 47),  # 连续肾脏替代治疗
        ("004", 1920),  # 持有《医师执业证书》: a certificate, not a document
    ],
)
def test_traps_yield_nothing(sample, line):
    assert extract_relations(passage(sample, line, line, written_date=date(2024, 3, 1))) == []


@pytest.mark.parametrize(
    ("line", "cited"),
    [
        (1362, "随机抽查事项清单"),  # a work plan: 修订《…》 is a task, not an amendment
        (1396, "随机抽查事项清单"),  # 市卫生健康委组织对《…》进行了修订: done elsewhere, reported here
        (2238, "上海市医疗机构行政处罚裁量基准"),  # planned revision in 工作要点
    ],
)
def test_revisions_reported_or_planned_are_only_citations(line, cited):
    relations = extract_relations(passage("001", line, line, written_date=date(2024, 3, 1)))
    assert kinds(relations) == ["cites"] * len(relations)
    assert cited in targets(relations, "cites")


def test_an_edition_issued_by_the_source_is_not_cited():
    # 001 line 636: "…形成了《国家二级公立医院绩效考核操作手册（2024版）》" is what the notice issues
    relations = extract_relations(passage("001", 636, 636, written_date=date(2024, 3, 5)))
    assert "国家二级公立医院绩效考核操作手册（2024版）" not in targets(relations, "cites")


def test_own_attachment_and_abbreviation_are_not_cited():
    doc = passage(
        "001",
        2256,
        2280,
        title="关于印发试点中医优势病种临床管理规范（第一版）的通知",
        written_date=date(2024, 2, 18),
    )
    cited = targets(extract_relations(doc), "cites")
    assert cited[:2] == ["沪医保医管发〔2022〕33号", "沪医保医管发〔2024〕1号"]  # line 2260, by 文号
    assert "GB/T 15657-2021" in cited  # line 2270 "《中医临床诊疗术语》(GB/T 15657-2021)"
    # line 2260 "研究制定了《试点中医优势病种临床管理规范（第一版）》（以下简称《管理规范》）": its own
    assert not {"试点中医优势病种临床管理规范（第一版）", "管理规范"} & set(cited)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list(
                "《》〈〉（）()、，。；同时废止代替修订有效期至年月日施行按照附件第条号〔〕2024WS/T 347—卫办发\n"
            )
        ),
        max_size=120,
    )
)
def test_never_crashes_on_arbitrary_text(text):
    for relation in extract_relations(SourceDoc("h", text, 1, None, "", written_date=date(2024, 1, 1))):
        assert relation.line >= 1
        assert relation.kind in ("repeals", "replaces", "amends", "partially_repeals", "expires", "cites")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_on_any_unicode(text):
    extract_relations(SourceDoc("h", text, 10, None, ""))


def _relations(text: str, title: str = "") -> list[tuple[str, str, str | None]]:
    doc = SourceDoc("t", text, 1, None, title, written_date=date(2024, 6, 1))
    return [
        (r.kind, r.scope, r.citation and (r.citation.doc_number_canonical or r.citation.title))
        for r in extract_relations(doc)
    ]


# Phrasings the samples do not contain, written as 废止/修改 decisions commonly are.
@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        (
            "现决定废止《关于甲的通知》（卫医发〔2001〕1号）、《关于乙的通知》（卫医发〔2002〕2号）等2件规范性文件。",
            "",
            [("repeals", "whole", "卫医发〔2001〕1号"), ("repeals", "whole", "卫医发〔2002〕2号")],
        ),
        (
            "决定废止《某某管理办法》（卫医发〔2003〕3号）第五条。",
            "",
            [("partially_repeals", "第五条", "卫医发〔2003〕3号")],
        ),
        (
            "经研究，决定废止下列规范性文件：\n（一）《关于甲的通知》（卫医发〔2001〕1号）；\n（二）《关于乙的通知》（卫医发〔2002〕2号）。\n本决定自公布之日起施行。",
            "",
            [("repeals", "whole", "卫医发〔2001〕1号"), ("repeals", "whole", "卫医发〔2002〕2号")],
        ),
        (
            "《某某省医疗机构管理办法（试行）》（某卫发〔2015〕12号）第十条、第十一条同时废止。",
            "",
            [
                ("partially_repeals", "第十条", "某卫发〔2015〕12号"),
                ("partially_repeals", "第十一条", "某卫发〔2015〕12号"),
            ],
        ),
        (
            "本办法自2025年1月1日起施行，原《某某省医疗机构管理办法》（某卫发〔2019〕1号）同时废止。",
            "某某省医疗机构管理办法（2024年修订）",
            [("replaces", "whole", "某卫发〔2019〕1号")],
        ),
        (
            "《关于加强某某工作的通知》（国卫办医函〔2018〕99号）自本通知印发之日起停止执行。",
            "",
            [("repeals", "whole", "国卫办医函〔2018〕99号")],
        ),
        ("本标准代替GB 15982-2012。", "", [("replaces", "whole", "GB 15982-2012")]),
        (
            "国家卫生健康委决定对《某某管理办法》作如下修改：",
            "国家卫生健康委关于修改《某某管理办法》的决定",
            [("amends", "whole", "某某管理办法")],
        ),
        ("本通知有效期至2025年12月31日。", "", [("expires", "whole", None)]),
        ("药品有效期至2025年12月31日。", "", []),
        ("本规定施行前发布的有关规定与本规定不一致的，以本规定为准。", "", []),
    ],
)
def test_unseen_phrasings(text, title, expected):
    assert _relations(text, title) == expected
