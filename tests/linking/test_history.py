"""The history a list writes in brackets after a title: each order or decision that revised the
document amends it (linking.history). Rows quoted from the corpus: m05 (农业农村部关于修改和废止部分
规章的决定, 2025-07-15, 附件1) and s06 (重庆市人大常委会关于废止部分地方性法规的决定, 2026-05-27)."""

from __future__ import annotations

from datetime import date

from linking.history import history_relations
from linking.mentions import find_mentions
from linking.sentences import split_sentences


def _amends(text: str) -> list[tuple[str | None, date | None, str | None, str | None]]:
    (sentence,) = split_sentences(text, 1)
    return [
        (r.subject.doc_number_canonical or r.subject.title, r.effective_date, r.citation.title,
         r.citation.doc_number_canonical)
        for r in history_relations(sentence, find_mentions(sentence.text))
        if r.subject and r.citation
    ]  # fmt: skip


def test_orders_of_one_event_each_amend_the_document_named_by_its_publication():
    text = (
        "一、《农药登记管理办法》（2017年6月21日农业部令2017年第3号公布，2018年12月6日农业农村部令"
        "2018年第2号、2022年1月7日农业农村部令2022年第1号修订）"
    )
    assert _amends(text) == [
        ("农业农村部令2018年第2号", date(2018, 12, 6), "农药登记管理办法", "农业部令2017年第3号"),
        ("农业农村部令2022年第1号", date(2022, 1, 7), "农药登记管理办法", "农业部令2017年第3号"),
    ]


def test_decisions_named_after_根据_amend_and_a_meeting_alone_names_no_amender():
    text = (
        "二、《重庆市体育市场管理条例》（1999年3月26日重庆市第一届人民代表大会常务委员会第十六次会议通过"
        "　根据2002年1月21日重庆市第一届人民代表大会常务委员会第三十八次会议《关于取消或调整部分地方性"
        "法规设定的行政审批等项目的决定》第一次修正　2005年3月25日重庆市第二届人民代表大会常务委员会"
        "第十六次会议修订）"
    )
    assert _amends(text) == [
        (
            "关于取消或调整部分地方性法规设定的行政审批等项目的决定",
            date(2002, 1, 21),
            "重庆市体育市场管理条例",
            None,
        )
    ]


def test_a_bracket_that_is_no_history_gives_nothing():
    assert _amends("根据《中华人民共和国药品管理法》（2019年修订）第十条制定。") == []
    assert _amends("废止《某某办法》（卫办发〔2010〕3号）。") == []


def test_a_history_written_before_the_title_as_what_was_done_to_it():
    # l28 (海关总署令第269号, 2024-07-29): the predecessor repealed, with every order that amended it
    text = (
        "2002年12月31日原国家质量监督检验检疫总局令第42号公布、根据2018年3月6日原国家质量监督检验检疫总局令"
        "第196号、2018年4月28日海关总署令第238号修改的《中华人民共和国实施金伯利进程国际证书制度管理规定》同时废止。"
    )
    title = "中华人民共和国实施金伯利进程国际证书制度管理规定"
    assert _amends(text) == [
        ("国家质量监督检验检疫总局令第196号", date(2018, 3, 6), title, "国家质量监督检验检疫总局令第42号"),
        ("海关总署令第238号", date(2018, 4, 28), title, "国家质量监督检验检疫总局令第42号"),
    ]
