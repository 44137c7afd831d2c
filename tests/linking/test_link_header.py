"""Amendments a 题注 records, and decisions of one title told apart by date (real quotes from dev texts)."""

from __future__ import annotations

from datetime import date

from linking.extract import extract_relations
from linking.model import Citation, KnownDoc, SourceDoc
from linking.resolve import resolve

# h29 (麻醉药品和精神药品管理条例, LawRefBook): two decisions of one title, 2013 and 2016.
_H29 = [
    "麻醉药品和精神药品管理条例",
    "",
    "2005年8月3日 中华人民共和国国务院令第442号公布",
    "",
    "2013年12月7日 《国务院关于修改部分行政法规的决定》第一次修订",
    "",
    "2016年2月6日 《国务院关于修改部分行政法规的决定》第二次修订",
    "",
    "第一条 为加强麻醉药品和精神药品的管理，根据药品管理法和其他有关法律的规定，制定本条例。",
]
_DECISION = "国务院关于修改部分行政法规的决定"


def _doc(lines: list[str], start: int = 10) -> SourceDoc:
    return SourceDoc("h29", "\n".join(lines), start, None, "麻醉药品和精神药品管理条例")


def test_each_header_amendment_is_the_dated_decision_acting_on_this_text():
    relations = extract_relations(_doc(_H29))
    assert [(r.kind, r.citation, r.subject, r.effective_date, r.line) for r in relations] == [
        ("amends", None, Citation(None, None, _DECISION, date(2013, 12, 7)), date(2013, 12, 7), 14),
        ("amends", None, Citation(None, None, _DECISION, date(2016, 2, 6)), date(2016, 2, 6), 16),
    ]  # and the header's 《》 are not cited again


def test_npc_header_names_its_decision_after_the_meeting():
    # h07 (母婴保健法)
    lines = [
        "中华人民共和国母婴保健法",
        "1994年10月27日 第八届全国人民代表大会常务委员会第十次会议通过",
        "2009年8月27日 第十一届全国人民代表大会常务委员会第十次会议《关于修改部分法律的决定》第一次修正",
        "第一条 为了保障母亲和婴儿健康，提高出生人口素质，根据宪法，制定本法。",
    ]
    [relation] = extract_relations(_doc(lines, 1))
    assert relation.subject == Citation(None, None, "关于修改部分法律的决定", date(2009, 8, 27))


def test_a_dated_citation_is_not_a_same_titled_document_of_another_date():
    catalogue = [
        KnownDoc(1, None, _DECISION, ("国务院",), 2013, (date(2013, 12, 7),)),
        KnownDoc(2, None, _DECISION, ("国务院",), 2016, (date(2016, 2, 6),)),
    ]
    assert resolve(Citation(None, None, _DECISION, date(2016, 2, 6)), catalogue).doc_id == 2
    assert resolve(Citation(None, None, _DECISION, date(2019, 3, 2)), catalogue).doc_id is None
    # an undated citation resolves as before
    assert resolve(Citation(None, None, _DECISION), catalogue).doc_id is not None
