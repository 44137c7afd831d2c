"""Several documents repealed in one sentence, each with its own history (corpus dev h04, h08, h16, l08, l12, l24)."""

from __future__ import annotations

from linking.extract import extract_relations
from linking.model import SourceDoc


def _repealed(text: str) -> list[tuple[str, str | None, str | None]]:
    doc = SourceDoc(key="t", text=text, start_line=1, doc_number_canonical=None, title="某某管理办法")
    return [
        (r.kind, r.citation.title, r.citation.doc_number_canonical)
        for r in extract_relations(doc)
        if r.kind != "cites" and r.citation
    ]


def test_targets_each_with_its_issuers_and_date_separated_by_commas():
    # corpus h04 第十四条
    text = (
        "本办法自发布之日起施行。1964年4月20日卫生部、商业部、化工部发布的《管理毒药、限制性剧药暂行规定》，"
        "1964年12月7日卫生部、商业部发布的《管理毒性中药的暂行办法》，1979年6月30日卫生部、国家医药管理总局"
        "发布的《医疗用毒药、限制性剧药管理规定》，同时废止。"
    )
    assert [t for _, t, _ in _repealed(text)] == [
        "管理毒药、限制性剧药暂行规定",
        "管理毒性中药的暂行办法",
        "医疗用毒药、限制性剧药管理规定",
    ]


def test_order_numbers_that_issued_each_target():
    # corpus h08 第四十条: the 令 before 公布的《…》 is the target's own number
    text = (
        "1998年3月12日原国家质量技术监督局令第51号公布的《产品质量申诉处理办法》、2014年2月14日原国家工商"
        "行政管理总局令第62号公布的《工商行政管理部门处理消费者投诉办法》同时废止。"
    )
    assert [n for _, _, n in _repealed(text)] == [
        "国家质量技术监督局令第51号",
        "国家工商行政管理总局令第62号",
    ]


def test_draft_titles_with_dates_in_chinese_numerals():
    # corpus h16 第四十一条
    text = (
        "原教育部、卫生部一九七九年十二月六日颁布的《中、小学卫生工作暂行规定(草案)》和一九八○年八月二十六日"
        "颁布的《高等学校卫生工作暂行规定(草案)》同时废止。"
    )
    assert [t for _, t, _ in _repealed(text)] == [
        "中、小学卫生工作暂行规定(草案)",
        "高等学校卫生工作暂行规定(草案)",
    ]


def test_a_history_between_the_verb_and_its_targets():
    # corpus l12 item 一
    text = (
        "一、废止1957年8月1日第一届全国人民代表大会常务委员会第七十八次会议通过的《全国人民代表大会常务委员会"
        "批准国务院关于劳动教养问题的决定的决议》及《国务院关于劳动教养问题的决定》。"
    )
    assert [t for _, t, _ in _repealed(text)] == [
        "全国人民代表大会常务委员会批准国务院关于劳动教养问题的决定的决议",
        "国务院关于劳动教养问题的决定",
    ]


def test_a_count_and_a_description_before_the_verb():
    # corpus l24 item 一
    text = (
        "一、对《吉林市农村义务教育条例》、《吉林市统计管理条例》和《吉林市建设工程质量管理条例》等8部已不适用"
        "或与新颁布的上位法不一致的地方性法规予以废止。"
    )
    assert len(_repealed(text)) == 3


def test_nested_brackets_after_each_title():
    # corpus l08
    text = (
        "中国人民银行决定废止《中华人民共和国金银管理条例施行细则》（（83）银发字第381号文印发）和"
        "《教育储蓄管理办法》（银发〔20〕102号文印发）2件规章。"
    )
    assert [t for _, t, _ in _repealed(text)] == ["中华人民共和国金银管理条例施行细则", "教育储蓄管理办法"]


def test_a_comma_before_the_verb_binds_no_single_cited_document():
    # the grammar: "根据《A》，同时废止" names no target before the verb
    assert _repealed("根据《某某法实施条例》，同时废止。") == []
