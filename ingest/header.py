"""The 题注 of a law or regulation: the lines under its title that say who adopted and issued it,
when, under which order number, and which decisions amended it since.

Two layouts (DOMAIN.md "Headers"): one bracketed paragraph, events apart by spaces or 根据
("（2004年5月30日中华人民共和国国务院令第408号公布　根据2013年12月7日《国务院关于修改部分行政法规的
决定》第一次修订…）", h14), or one event a line ("1994年2月26日 中华人民共和国国务院令第149号发布" /
"2016年2月6日 《国务院关于修改部分行政法规的决定》修订", h05). Each event is a date, who acted and
an act word at the end (通过 · 发布/公布 · 批准 · 修订/修正/修改 · 施行).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ingest.dates import DATE_RE, find_dates
from ingest.docnumber import DOC_NUMBER_RE, ORDER_NUMBER_RE, canonical_order_number
from ingest.issuers import split_issuers

# DATE_RE without its group names, so that it can stand twice in one pattern.
_DATE = re.sub(r"\(\?P=sep\)", "[-./／．－]", re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern))
_ACT_RE = re.compile(
    r"(?P<act>(?:第[一二三四五六七八九十]+次)?(?:修订|修正|修改)|通过|发布|公布|颁布|批准|施行|实施)$"
)
_ACTS = {"通过": "adopted", "发布": "published", "公布": "published", "颁布": "published", "批准": "approved"}
_ACTS.update({"施行": "effective", "实施": "effective"})
# h04 "发布之日施行", h17 "公布之日施行": in force from the publication date.
_ON_PUBLICATION_RE = re.compile(r"^(?:自|从)?(?:发布|公布|颁布)之日(?:起)?(?:施行|实施|生效)$")
# "自2025年6月1日起施行" (n01) is an event too: its date follows 自.
_EVENT_RE = re.compile(rf"^(?:根据|自)?(?P<date>{_DATE})")
# A new event starts at 根据, 自 or a date after a blank: h14 "…公布&emsp;根据2013年…", n01 "…公布 自2025年…",
# u03 "…令第4号发布 自发布之日起施行".
_PIECE_BREAK = re.compile(
    rf" (?=根据|自{_DATE}|{_DATE}|自(?:发布|公布|颁布)之日)|(?<=[^\s、，,])(?=根据(?:{_DATE}))"
)
_BLANKS = re.compile(r"&emsp;|&ensp;|&nbsp;|\u3000")
_SPACES = re.compile(r"\s+")
_BRACKETS = "（()）"
# Markup above a 题注 (h14 "::: tip 修订信息", a YAML front matter) is skipped, never read.
_MARKUP_RE = re.compile(r"^(?::::|---|[a-z]+:\s)")
_SEARCH_LINES = 16  # the 题注 starts within the first lines under the title
_DECISION_RE = re.compile(r"《(?P<title>[^《》]+)》")
# h06 "第六届全国人民代表大会常务委员会第十八次会议", h04 "国务院第25次常务会议", h23 "最高人民法院审判
# 委员会第1576次会议" / "最高人民检察院第十二届检察委员会第5次会议": the body that adopted the text.
_NUMERAL = "[0-9一二三四五六七八九十百零〇]+"
_MEETING_RE = re.compile(
    rf"^[由经]?(?:第{_NUMERAL}届)?(?P<org>[\u4e00-\u9fff]{{2,30}}?)(?:审判委员会|第{_NUMERAL}届检察委员会|检察委员会)?"
    rf"第{_NUMERAL}次(?:常务|全体)?会议$"
)
# h18 "食品药品监管局、海关总署第4号令": a joint order, kept as written.
_JOINT_ORDER_RE = re.compile(r"^(?P<orgs>[\u4e00-\u9fff、]{2,60}?)第[0-9０-９]{1,5}号令$")
_STATE = "中华人民共和国"
_ISSUER_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,30}")
_NPCSC = "人民代表大会常务委员会"
_NUMBER_LINES = 4  # lines under the 题注 where the text's own number may stand


@dataclass(frozen=True)
class HeaderEvent:
    """One event of a 题注: ``act`` is adopted, published, approved, amended or effective."""

    act: str
    date: date | None
    body: str  # who acted, as written between the date and the act word (blanks dropped)
    decision: str | None  # the amending decision's title, for an amendment that names one
    quote: str  # the event as written
    line: int  # index in the lines read where the event starts


@dataclass(frozen=True)
class Header:
    events: tuple[HeaderEvent, ...]
    first_line: int  # indexes in the lines read, inclusive
    last_line: int
    # The number that opens the text under the 题注: l01 "中华人民共和国国家卫生健康委员会令第15号《…》
    # 已经…通过，现予公布", l13 "…的解释高检发释字〔2022〕1号为依法惩治…".
    number: str | None = None
    number_issuer: str | None = None  # the org of an order number that opens the text

    def _first(self, act: str) -> HeaderEvent | None:
        return next((e for e in self.events if e.act == act), None)

    @property
    def identifier(self) -> str | None:
        """The order number of the publication: 国务院令第149号 (中华人民共和国 dropped)."""
        # n01 gives the publication twice, as a short line and as the official paragraph with the
        # order number: the first that names an order is the identifier.
        published = (_identifier(e.body) for e in self.events if e.act == "published")
        return next((found for found in published if found), None) or self.number

    @property
    def issuers(self) -> tuple[str, ...]:
        """Who issued it (the 令 or the 公告), else who adopted it."""
        if self.number_issuer:
            return (self.number_issuer,)  # l09: the order names the issuer as it then was
        event = self._first("published")
        found = _publishers(event.body) if event else []
        if not found:
            found = [org for e in self.events if e.act == "adopted" for org in _meeting_orgs(e.body)]
        return tuple(dict.fromkeys(found))

    @property
    def published_date(self) -> date | None:
        """The first publication; a text only adopted is published by its one adoption date (a law)."""
        event = self._first("published")
        if event:
            return event.date
        adopted = self._first("adopted")
        # A text with no 公布 line is dated by its adoption (h06 "…全国人民代表大会常务委员会第十八次会议
        # 通过", l14 "最高人民法院审判委员会第1855次会议通过"); by two bodies on two dates, by neither (h28).
        if adopted and len(find_dates(adopted.quote)) == 1:
            return adopted.date
        return None

    @property
    def effective_date(self) -> date | None:
        event = self._first("effective")
        if event is None:
            return None
        return event.date or self.published_date

    @property
    def amendments(self) -> tuple[HeaderEvent, ...]:
        return tuple(e for e in self.events if e.act == "amended")


def read_header(lines: Sequence[str], title: str = "") -> Header | None:
    """The 题注 among the first lines of ``lines`` (the title line may be among them), or None."""
    seen = 0
    for index, raw in enumerate(lines):
        text = _BLANKS.sub(" ", raw).strip()
        if not text or _MARKUP_RE.match(text):
            continue
        found = _pieces(text)
        if found and _is_piece(found[0]):  # a 题注 opens with a dated event, never a continuation
            return _read_from(lines, index, title)
        seen += 1
        if seen >= _SEARCH_LINES:
            break
    return None


def _pieces(text: str) -> list[str]:
    """The events a line holds, or [] when it is not a 题注 line."""
    if text[0] in _BRACKETS and text[-1] in _BRACKETS:
        text = text[1:-1].removesuffix("。")  # n01 "（…公布 自2025年6月1日起施行。）"
    elif text[0] in "（(" and _BRACKETS[-1] not in text and ")" not in text:
        text = text[1:]  # u03: a bracketed 题注 of one event a line, opened on its first line
    text = _SPACES.sub(" ", text)  # one blank a run: a long run must not cost quadratic time (test_fuzz_hang)
    compact = [_SPACES.sub("", p) for p in _PIECE_BREAK.split(text) if p.strip()]
    if compact and all(_is_piece(p) for p in compact):
        return compact
    if len(compact) == 1 and _ORDER_REST_RE.fullmatch(compact[0]):
        return compact  # the second line of h16's event
    return []


# h16 "1990年6月4日 国家教育委员会令第10号" / "卫生部令第1号发布": an event broken over lines.
_ORDER_END_RE = re.compile(r"令第[0-9０-９]+号$")
_ORDER_REST_RE = re.compile(r"[\u4e00-\u9fff、]{2,30}令第[0-9０-９]{1,5}号(?:发布|公布|颁布)?")


def _is_piece(piece: str) -> bool:
    if _ON_PUBLICATION_RE.match(piece):
        return True
    return bool(_EVENT_RE.match(piece) and (_ACT_RE.search(piece) or _ORDER_END_RE.search(piece)))


def _read_from(lines: Sequence[str], first: int, title: str) -> Header | None:
    pieces: list[tuple[str, int]] = []  # (piece, line)
    last = first
    for index in range(first, len(lines)):
        text = _BLANKS.sub(" ", lines[index]).strip()
        if not text:
            continue
        found = _pieces(text)
        if not found:
            break
        last = index
        pieces += [(piece, index) for piece in found]
    events = _events(_joined(pieces))
    if not any(e.act in ("adopted", "published") or e.decision for e in events):
        return None
    return Header(tuple(events), first, last, *_number_under(lines, last + 1, title))


def _number_under(lines: Sequence[str], start: int, title: str) -> tuple[str | None, str | None]:
    """The order number or 文号 that opens the text under the 题注, alone or after the title."""
    heading = _SPACES.sub("", title)
    seen = 0
    for raw in lines[start:]:
        text = _SPACES.sub("", _BLANKS.sub(" ", raw))
        if not text or _MARKUP_RE.match(raw.strip()):
            continue
        order = ORDER_NUMBER_RE.match(text)
        if order:
            return canonical_order_number(order), order["issuer"]
        for prefix in (heading, heading.replace("、", ""), ""):
            number = DOC_NUMBER_RE.match(text, len(prefix)) if prefix and text.startswith(prefix) else None
            number = number or (DOC_NUMBER_RE.fullmatch(text) if not prefix else None)
            if number:
                return number.group(), None
        seen += 1
        if seen >= _NUMBER_LINES:
            break
    return None, None


def _joined(pieces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A piece without an act word continues on the next: h16's two orders become one event."""
    out: list[tuple[str, int]] = []
    for piece, line in pieces:
        if out and not _ACT_RE.search(out[-1][0]) and not _ON_PUBLICATION_RE.match(out[-1][0]):
            out[-1] = (f"{out[-1][0]}、{piece}", out[-1][1])
        else:
            out.append((piece, line))
    return out


def _events(pieces: list[tuple[str, int]]) -> list[HeaderEvent]:
    events: list[HeaderEvent] = []
    for piece, line in pieces:
        if _ON_PUBLICATION_RE.match(piece):
            events.append(HeaderEvent("effective", None, "", None, piece, line))
            continue
        start, act = _EVENT_RE.match(piece), _ACT_RE.search(piece)
        if start is None or act is None:
            continue
        dates = find_dates(piece)
        body = piece[start.end() : act.start()]
        kind = "amended" if act["act"].endswith(("修订", "修正", "修改")) else _ACTS[act["act"]]
        decision = _DECISION_RE.search(body) if kind == "amended" else None
        events.append(
            HeaderEvent(kind, dates[0][2] if dates else None, body, decision["title"] if decision else None,
                        piece, line)
        )  # fmt: skip
    return events


def _identifier(body: str) -> str | None:
    orders = body.split("、")
    if orders and all(ORDER_NUMBER_RE.fullmatch(o) for o in orders):
        folded = [canonical_order_number(m) for o in orders if (m := ORDER_NUMBER_RE.fullmatch(o))]
        return "、".join(f for f in folded if f) or None
    if _JOINT_ORDER_RE.match(body) or _joint_issuers(body):
        return body.removeprefix(_STATE)
    return None


def _joint_issuers(body: str) -> list[str]:
    """n02 "公安部、卫生部令第115号": one order of several issuers (the number follows the last)."""
    *others, last = body.split("、")
    order = ORDER_NUMBER_RE.fullmatch(last)
    if not others or order is None or not all(_ISSUER_NAME_RE.fullmatch(o) for o in others):
        return []
    return [o.removeprefix(_STATE) for o in others] + [order["issuer"]]


def _publishers(body: str) -> list[str]:
    """h05 "中华人民共和国国务院令第149号" → 国务院; h23 "最高人民法院、最高人民检察院公告" → both."""
    orders = [ORDER_NUMBER_RE.fullmatch(o) for o in body.split("、")]
    if orders and all(orders):
        return [m["issuer"] for m in orders if m]
    if joint_issuers := _joint_issuers(body):
        return joint_issuers
    joint = _JOINT_ORDER_RE.match(body)
    names = joint["orgs"] if joint else re.sub(r"(?:公告|命令|令)$", "", body)
    if not names or "《" in names or re.search(r"[0-9第]", names):
        return []
    return [name.removeprefix(_STATE) for name in split_issuers(names)]


def _meeting_orgs(body: str) -> list[str]:
    # l25 "经…第十九届人民代表大会第四次会议审议通过": the adoption's 审议 belongs to no body's name.
    parts = DATE_RE.sub("、", body.removesuffix("审议")).split("、")
    found = [m["org"] for part in parts if (m := _MEETING_RE.match(part))]
    # l10 "吉林市第十七届人民代表大会常务委员会", l24 "吉林市第十四届人大常委会": the body, not its term
    return [re.sub(rf"第{_NUMERAL}届", "", org).replace("人大常委会", _NPCSC) for org in found]
