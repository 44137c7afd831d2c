"""Amendments recorded in the history a text writes in brackets after a title.

Clean-up decisions and lists of amended rules name each document with its history (m05 附件1 一、
"《农药登记管理办法》（2017年6月21日农业部令2017年第3号公布，2018年12月6日农业农村部令2018年第2号、
2022年1月7日农业农村部令2022年第1号修订）"; s06 "…（1999年3月26日…通过　根据2002年1月21日…《关于…的
决定》第一次修正…）"). Each order or decision named in a 修订/修正/修改 event amended that document:
one ``amends`` with the order or decision as subject, dated by its own date. The document itself is
named by the order and date of its publication, so that it resolves like a 文号. Events that name
neither an order nor a decision (…第十六次会议修订) say nothing about who amended it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date

from ingest.dates import DATE_RE, find_dates
from ingest.docnumber import ORDER_NUMBER_RE, canonical_order_number
from linking.header import DATED_DECISION
from linking.mentions import Mention
from linking.model import Citation, ExtractedRelation
from linking.sentences import Sentence

_DATE = re.sub(r"\(\?P=sep\)", "[-./／．－]", re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern))
# Between events: a comma or semicolon, or 根据 starting the next one.
_EVENT_BREAK = re.compile(rf"[，,；;]|(?=根据{_DATE})")
# Between the orders of one event: 、 before the next date.
_ORDER_BREAK = re.compile(rf"、(?={_DATE})")
_ACT = re.compile(r"(?:修订|修正|修改|公布|发布|颁布|通过)$")
_AMENDED = ("修订", "修正", "修改")
_PUBLISHED = ("公布", "发布", "颁布")
_DECISION = re.compile(r"《(?P<title>[^《》]+)》")
_OPEN, _CLOSE = "（(", "）)"
# From the sentence's start or its last comma to the 修改的 before a title.
_HISTORY_BEFORE = re.compile(r"(?:^|[，,：:])(?P<events>[^，,：:《》]*?(?:修改|修订|修正))的$")


def history_relations(sentence: Sentence, mentions: Sequence[Mention]) -> list[ExtractedRelation]:
    """The amendments the history after each titled mention of ``sentence`` records."""
    found: list[ExtractedRelation] = []
    for mention in mentions:
        if mention.title_start is None or mention.alias or not mention.citation.title:
            continue
        title_end = sentence.text.find("》", mention.title_start) + 1
        if title_end > 0:
            found += history_after(sentence, title_end, mention.citation)
        found += _history_before(sentence, mention)
    return found


def _history_before(sentence: Sentence, mention: Mention) -> list[ExtractedRelation]:
    """A history written before the title as what was done to it (l28 海关总署令第269号: "2002年12月31日
    原国家质量监督检验检疫总局令第42号公布、根据2018年3月6日原…令第196号、2018年4月28日海关总署令第238号…
    修改的《…管理规定》同时废止")."""
    before = sentence.text[: mention.title_start]
    history = _HISTORY_BEFORE.search(before)
    if history is None:
        return []
    return _relations(_events(history["events"]), mention.citation, sentence.line_at(mention.start))


def history_after(sentence: Sentence, at: int, citation: Citation) -> list[ExtractedRelation]:
    """The amendments of ``citation`` the brackets at ``at`` record (a list row's title without 《》
    ends there: p04 附件2 "十、全民所有制小型工业企业租赁经营暂行条例（1988年6月5日…令第2号发布 根据…修订）")."""
    return _relations(_events(_bracket_at(sentence.text, at)), citation, sentence.line_at(at))


def _relations(events: list[tuple[str, str]], citation: Citation, line: int) -> list[ExtractedRelation]:
    if not any(act in _AMENDED for act, _ in events):
        return []
    target = _published(citation, events)
    return [
        ExtractedRelation("amends", target, "whole", when, quote, line, DATED_DECISION, subject)
        for act, piece in events
        if act in _AMENDED
        for subject, when, quote in _amenders(piece)
    ]


def _bracket_at(text: str, at: int) -> str:
    """What the brackets opening at ``at`` hold, or ""."""
    if at >= len(text) or text[at] not in _OPEN:
        return ""
    depth = 0
    for index in range(at, len(text)):
        depth += text[index] in _OPEN
        depth -= text[index] in _CLOSE
        if depth == 0:
            return text[at + 1 : index]
    return ""


def _events(history: str) -> list[tuple[str, str]]:
    """(act word, event) for a history whose every piece is a dated event; [] for anything else."""
    events: list[tuple[str, str]] = []
    pending = ""
    for piece in _EVENT_BREAK.split(history):
        piece = pending + piece.strip("、")
        if not piece:
            continue
        if not find_dates(piece):
            return []
        act = _ACT.search(piece)
        if act is None:
            pending = f"{piece}、"  # 2018年…令2018年第2号、2022年…令2022年第1号修订 split at a comma
            continue
        events.append((act.group(), piece))
        pending = ""
    return [] if pending else events


def _published(citation: Citation, events: list[tuple[str, str]]) -> Citation:
    """The document as its first publication names it: title, order number and date."""
    for act, piece in events:
        order = ORDER_NUMBER_RE.search(piece)
        dates = find_dates(piece)
        if act in _PUBLISHED and order and dates:
            return Citation(order.group(), canonical_order_number(order), citation.title, dates[0][2])
    return citation


def _amenders(piece: str) -> Iterator[tuple[Citation, date | None, str]]:
    """(order or decision, its date, its words) for each amending act an event names."""
    for part in _ORDER_BREAK.split(piece):
        dates = find_dates(part)
        when = dates[0][2] if dates else None
        if decision := _DECISION.search(part):
            yield Citation(None, None, decision["title"], when), when, part
        elif order := ORDER_NUMBER_RE.search(part):
            yield Citation(order.group(), canonical_order_number(order), None, when), when, part
