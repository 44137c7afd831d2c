"""Rows of a repeal or 失效 list: one document per row, numbered, tabular or flattened into one line.

A clean-up decision lists what it repeals under a heading ("宣布失效的第二批国家卫生计生委文件目录",
"决定废止的单独制发的司法解释性质文件和规范性文件目录（22件）") or after an opening sentence
("废止下列法律和有关法律问题的决定："). A row is a title (with or without 《》) closed by what
identifies it: a bracket holding a 文号, an order number or a date of issue
("…的通知（（79）卫政字第1587号）", "副霍乱防治方案（卫生部1981年5月27日发布）"), or, in a
flattened table, the date and number cells glued after the title
("…的通知1992年1月7日高检发〔1992〕2号"). Extraction drops line breaks, so rows are found by
these closings, not by lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.docnumber import find_doc_numbers
from linking.mentions import is_normative_title
from linking.model import Citation

# Corpus l02 "宣布失效的第二批…文件目录", l05 "决定废止的…规范性文件目录（22件）", l06 "国务院决定废止的
# 行政法规", l09 "…决定废止的民用航空规章目录（4件）"; l05 "已被废止的…目录" lists what others repealed.
HEADING_RE = re.compile(
    r"(?P<passive>已被|已经|已)?(?:决定|宣布|予以)?(?:废止|失效)的[^。；;，,：:“”]{0,40}?"
    r"(?:目录|清单|名单|行政法规|规章|法律|文件)(?:性文件)?(?:的?(?:目录|清单|名单))?"
    r"(?:[（(][0-9一二三四五六七八九十]+[件部个项][）)])?"
)
_DATE = r"(?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日"
# A bracket that closes a row: it holds a number, or a date with what happened on it (one nesting level:
# l08 "（（83）银发字第381号文印发）").
_CLOSING_BRACKET = re.compile(r"[（(](?P<inner>(?:[^（）()]|[（(][^（）()]*[）)]){0,120}?)[）)]")
_EVENT = re.compile(rf"{_DATE}.{{0,40}}?(?:发布|公布|通过|批准|印发|颁布|施行)")
# Corpus l05 "…的通知1992年1月7日高检发〔1992〕2号", l09 "…暂行规定1993年1月22日民航总局令第30号发布",
# "…实施办法1988年8月3日，民航局发【1988】250号": the date and number cells of a flattened table.
_GLUED_DATE = re.compile(rf"{_DATE}[，,]?")
_GLUED_GAP = 40  # issuers between the date and the number (l09 "民航局、国家教委、公安部联合，")
# Numbering and table header cells before a title: 一、 1． （1） 1 (a table's 序号 cell), 附件一：.
_NUMBERING = re.compile(
    r"(?:[0-9]{1,3}(?![0-9年])[.、．]?|[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"
)
_HEADER_CELLS = re.compile(
    r"(?:HYPERLINK[A-Za-z]*|序号|编号|[\u4e00-\u9fff]{0,6}名称|标题|发文日期[及、和]文号|发布日期[及、和]文号|"
    r"发布机关及日期|发文字号|发布日期|公布日期|施行日期|发文日期|发文机关|制定机关|文号|理由|备注|说明|"
    r"废止理由|失效理由|[（(][0-9一二三四五六七八九十]+[件部个项][）)])+"
)
# Corpus l07 row 四 "…批准国务院关于华侨捐资兴办学校办法的决议及华侨捐资兴办学校办法": an approving
# 决议 and the instrument it approved, two documents.
_APPROVED = re.compile(r"^(?P<first>.*批准.*的决议)(?:及|和|以及)(?P<second>.+)$")
_SEPARATORS = "|"
# Markdown table furniture: "|", "|---|---|".
_TABLE_RULE = re.compile(r"[|:：\-—]+")
_NEXT_ITEM = re.compile(r"(?:[0-9]{1,3}[.、．]|[一二三四五六七八九十]+、)(?=[\u4e00-\u9fff《])")
PART_AT_END = re.compile(
    r"(?:中的)?(?:附件\s*[0-9一二三四五六七八九十]+|第[一二三四五六七八九十百零〇0-9]+条(?:第[一二三四五六七八九十0-9]+款)?)$"
)
_NOT_A_TITLE = re.compile(r"[。；;：:|]|^(?:该|本|将|删去|增加|对|自|根据|依据|按照)")


@dataclass(frozen=True)
class Row:
    """One listed document: its citation and where the row is in the text."""

    start: int
    end: int
    citation: Citation


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    passive: bool  # a list of what others repealed (l05 "已被废止的…目录"): the rows are not repealed here


def headings(text: str) -> list[Heading]:
    """Every list heading in ``text``."""
    return [Heading(m.start(), m.end(), bool(m["passive"])) for m in HEADING_RE.finditer(text)]


def rows(text: str, start: int = 0, end: int | None = None) -> list[Row]:
    """The rows in ``text[start:end]``, in order; the first must open at ``start``."""
    end = len(text) if end is None else end
    found: list[Row] = []
    pos = start
    while pos < end:
        row = _row_at(text, pos, end)
        if not row:
            break
        found += row
        pos = row[-1].end
    return found


def _row_at(text: str, pos: int, end: int) -> list[Row]:
    """The row (or the two documents of an approving 决议) opening at ``pos``."""
    closing = _closing(text, pos, end)
    if closing is None:
        return []
    title_start, title_end, row_end, number = closing
    title = _title(text[title_start:title_end])
    if title is None:
        return []  # the first closing ends the title: a bad title is no row
    raw, canonical = number if number else (None, None)
    titles = _split_approved(title)
    if len(titles) > 1:
        raw = canonical = None  # the number or date belongs to the pair, not to either
    return [Row(pos, row_end, Citation(raw, canonical, t)) for t in titles]


def _closing(text: str, pos: int, end: int) -> tuple[int, int, int, tuple[str, str] | None] | None:
    """What closes the row at ``pos``: (title start, title end, row end, (raw, canonical) number)."""
    title_start = pos
    while lead := (
        _HEADER_CELLS.match(text, title_start)
        or _NUMBERING.match(text, title_start)
        or _TABLE_RULE.match(text, title_start)
    ):
        if lead.end() == title_start:
            break
        title_start = lead.end()
    numbered = title_start > pos and _NUMBERING.match(text, pos) is not None
    bracket = next(
        (b for b in _CLOSING_BRACKET.finditer(text, title_start, end) if _closes(b["inner"])), None
    )
    glued = _glued(text, title_start, end)
    if glued and (bracket is None or glued[0] < bracket.start()):
        return title_start, glued[0], glued[1], glued[2]
    if bracket is not None:
        numbers = find_doc_numbers(bracket["inner"])
        number = (numbers[0][2], numbers[0][3]) if numbers else None
        return title_start, bracket.start(), _cell_end(text, bracket.end(), end), number
    if numbered:  # corpus l07-like rows closed by nothing: "1．关于…的补充规定" up to the next number
        following = _NEXT_ITEM.search(text, title_start + 4, end)
        stop = following.start() if following else end
        return title_start, len(text[:stop].rstrip("。；;|")), stop, None
    return None


def _cell_end(text: str, pos: int, end: int) -> int:
    """Past the separators of a table row: "…（…号）|"."""
    while pos < end and text[pos] in _SEPARATORS:
        pos += 1
    return pos


def _closes(inner: str) -> bool:
    return bool(find_doc_numbers(inner) or _EVENT.search(inner))


def _glued(text: str, start: int, end: int) -> tuple[int, int, tuple[str, str] | None] | None:
    """Date and number cells glued after the title (or separated by |), or a number cell alone."""
    first_number = next(iter(find_doc_numbers(text[start:end])), None)
    if first_number and text[start + first_number[0] - 1] in _SEPARATORS:
        n_start, n_end, raw, canonical = first_number  # "…的通知|国卫办基层发〔2023〕22号|"
        date = _GLUED_DATE.search(text, start, start + n_start)
        if date is None:
            return start + n_start - 1, _cell_end(text, start + n_end, end), (raw, canonical)
    for date in _GLUED_DATE.finditer(text, start, end):
        if date.start() == start:
            continue
        after = date.end()
        for n_start, n_end, raw, canonical in find_doc_numbers(text[after : after + _GLUED_GAP + 30]):
            if n_start <= _GLUED_GAP:
                tail = re.match(r"(?:文?印发|发布|公布)?", text[after + n_end :])
                stop = after + n_end + (tail.end() if tail else 0)
                return date.start(), _cell_end(text, stop, end), (raw, canonical)
            break
        if text[after : after + 1] in ("", "|") or after == end:  # a date cell instead of a number
            return date.start(), _cell_end(text, after, end), None
        return None  # the first date after the title is its cell: no number right after it, no glued row
    return None


def _title(raw: str) -> str | None:
    title = raw.strip().strip("|").strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    if len(title) < 4 or _NOT_A_TITLE.search(title):
        return None
    whole = PART_AT_END.sub("", title)  # "…的通知第三条": a part of the document
    return title if is_normative_title(whole) else None


def _split_approved(title: str) -> list[str]:
    match = _APPROVED.match(title)
    if match and is_normative_title(match["second"]):
        return [match["first"], match["second"]]
    return [title]
