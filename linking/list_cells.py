"""The cells of a list row: its numbering, its title (and the part of it concerned), and what closes it.

What closes a row is what identifies the document: a bracket holding a 文号, an order number or a
date (l02 "（（79）卫政字第1587号）", "（卫生部1981年5月27日发布）", l08 "（（83）银发字第381号文印发）"),
the date and number cells glued after the title (l05 "…的通知1992年1月7日高检发〔1992〕2号",
l23 "1955年10月15日法研字第15066号"), or the cell border of a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.docnumber import find_doc_numbers
from linking.mentions import is_normative_title

_DATE = r"(?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日"
_DATE_RE = re.compile(_DATE)
# A bracket that closes a row: it holds a number, or a date (one nesting level: l08 "（（83）银发字第381号文印发）").
_CLOSING_BRACKET = re.compile(r"[（(](?P<inner>(?:[^（）()]|[（(][^（）()]*[）)]){0,120}?)[）)]")
_EVENT = re.compile(rf"{_DATE}.{{0,40}}?(?:发布|公布|通过|批准|印发|颁布|施行|发)")
# A date alone, or after its issuer: court lists "（1987年6月9日）", "（最高人民法院1957年5月3日）".
_DATED = re.compile(rf"^[\u4e00-\u9fff、，,]{{0,24}}{_DATE}[\u4e00-\u9fff]{{0,4}}$")
# A number with no year, as the 1950s wrote them: l23 "法研字第730号", "法研字第32－1号".
_YEARLESS = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,8}字第[0-9０-９]+(?:[－\-][0-9]+)?号")
_GLUED_DATE = re.compile(rf"{_DATE}[，,]?")
_GLUED_GAP = 40  # issuers between the date and the number (l09 "民航局、国家教委、公安部联合，")
# Numbering and table header cells before a title: 一、 1． （1） 1 (a table's 序号 cell), 附件一：.
NUMBERING = re.compile(
    r"(?:[0-9]{1,3}(?![0-9年])[.、．]?|[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、．.])"
)
_HEADER_CELLS = re.compile(
    r"(?:HYPERLINK[A-Za-z]*|序号|编号|[\u4e00-\u9fff]{0,16}名称|标题|发文日期[及、和]文号|发布日期[及、和]文号|"
    r"发布机关及日期|发文字号|发布日期|公布日期|施行日期|发文日期|发文机关|制定机关|文号|理由|备注|说明|"
    r"废止理由|失效理由|处理意见|处理结果|清理结果|[（(][0-9一二三四五六七八九十]+[件部个项][）)])+"
)
_HEADER_CELL = re.compile(rf"(?:{_HEADER_CELLS.pattern}|[\u4e00-\u9fff]{{0,8}}(?:日期|时间)[、和及]?文号)")
_TABLE_RULE = re.compile(r"[|:：\-—]+")
_NEXT_ITEM = re.compile(r"(?:[0-9]{1,3}[.、．]|[一二三四五六七八九十]+、)(?=[\u4e00-\u9fff《])")
_SEPARATORS = "|"
# The part of a document a row names: "…的通知第三条", "…附件2", l23 "…联合通知之附件一：关于…处理办法".
_PART = re.compile(
    r"(?:之|中的|中|的)?(?P<part>附件\s*[0-9一二三四五六七八九十]+|"
    r"第[一二三四五六七八九十百零〇0-9]+条(?:第[一二三四五六七八九十0-9]+款)?)(?:[：:].*)?$"
)
_NOT_A_TITLE = re.compile(r"[。；;：:|]|^(?:该|本|将|删去|增加|对|自|根据|依据|按照|已|现行|社会)")
# A 文号 glued to the title before it when a table lost its cell borders: "…的通知卫医发〔2005〕1号" is read
# "通知卫医发〔2005〕1号" by the 文号 grammar; a code never opens with the word that ends a title.
_TITLE_END_IN_CODE = re.compile(
    r"^(?:通知|决定|办法|规定|意见|批复|复函|细则|条例|公告|通告|纪要|解答|答复|指示|解释)"
)
_QUOTED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")
_LOOSE_TITLE = 8  # a table's title cell need not end in 办法/通知 (l23 "…关于今后办理外侨各种证明的问题")


@dataclass(frozen=True)
class Closing:
    title_end: int
    row_end: int
    number: tuple[str, str | None] | None  # (raw, canonical); canonical None for a yearless number
    closed: bool  # False: the row ran to the end of its line with nothing to close it


def lead_end(text: str, pos: int, end: int) -> int:
    """Past the numbering, 序号 and header cells and table borders that open a row."""
    while lead := (
        _HEADER_CELLS.match(text, pos, end)
        or NUMBERING.match(text, pos, end)
        or _TABLE_RULE.match(text, pos, end)
    ):
        if lead.end() == pos:
            break
        pos = lead.end()
    return pos


def opens_row(text: str, pos: int) -> bool:
    """Whether a line opening at ``pos`` starts a row of its own (numbered, a table row, a 《title》)."""
    return bool(NUMBERING.match(text, pos)) or text[pos : pos + 1] in ("|", "《")


def closing_at(text: str, start: int, end: int, *, numbered: bool) -> Closing | None:
    """What closes the row whose title opens at ``start``."""
    bracket = next((b for b in _CLOSING_BRACKET.finditer(text, start, end) if _closes(b["inner"])), None)
    glued = _glued(text, start, end)
    if glued and (bracket is None or glued.title_end < bracket.start()):
        return glued
    if bracket is not None:
        return Closing(bracket.start(), _cell_end(text, bracket.end(), end), _number(bracket["inner"]), True)
    quoted = _QUOTED.match(text, start, end)
    if (
        quoted
    ):  # "1．《某某办法》，卫生部1990年1月1日发布": the 《title》 is the row's title, the rest its cells
        following = _NEXT_ITEM.search(text, quoted.end(), end) if numbered else None
        stop = following.start() if following else end
        rest = text[quoted.end() : stop]
        return Closing(quoted.end(), stop, _number(rest) if not _QUOTED.search(rest) else None, True)
    if numbered:  # corpus l07-like rows closed by nothing: "1．关于…的补充规定" up to the next number
        following = _NEXT_ITEM.search(text, start + 4, end)
        stop = following.start() if following else end
        return Closing(len(text[:stop].rstrip("。；;|")), stop, None, following is not None)
    bare = text[start:end].rstrip("；;|")
    if "，" in bare or "," in bare:
        return None  # a line of prose, not a title alone on its line
    return Closing(start + len(bare), end, None, False)


def _number(inner: str) -> tuple[str, str | None] | None:
    numbers = find_doc_numbers(inner)
    if numbers:
        return numbers[0][2], numbers[0][3]
    yearless = _YEARLESS.search(inner)
    return (yearless.group(), None) if yearless else None


def _cell_end(text: str, pos: int, end: int) -> int:
    """Past the separators of a table row: "…（…号）|"."""
    while pos < end and text[pos] in _SEPARATORS:
        pos += 1
    return pos


def _closes(inner: str) -> bool:
    return bool(
        find_doc_numbers(inner) or _EVENT.search(inner) or _DATED.match(inner) or _YEARLESS.search(inner)
    )


def _glued(text: str, start: int, end: int) -> Closing | None:
    """Date and number cells glued after the title (or separated by |), or a number cell alone."""
    first_number = next(iter(find_doc_numbers(text[start:end])), None)
    before = text[start : start + first_number[0]] if first_number else ""
    if first_number and before and (before[-1] in _SEPARATORS or is_normative_title(before)):
        n_start, n_end, cell_raw, cell_canonical = first_number  # "…的通知|国卫办基层发〔2023〕22号|"
        if _GLUED_DATE.search(text, start, start + n_start) is None:
            cell = (cell_raw, cell_canonical)
            title_end = start + n_start - (1 if before[-1] in _SEPARATORS else 0)
            return Closing(title_end, _cell_end(text, start + n_end, end), cell, True)
    if first_number and (word := _TITLE_END_IN_CODE.match(first_number[2])):
        again = find_doc_numbers(first_number[2][word.end() :])
        n_start = start + first_number[0] + word.end()
        if again and again[0][0] == 0 and not _GLUED_DATE.search(text, start, n_start):
            stop = _cell_end(text, start + first_number[1], end)
            return Closing(n_start, stop, (again[0][2], again[0][3]), True)
    for date in _GLUED_DATE.finditer(text, start, end):
        if date.start() == start:
            continue
        after = date.end()
        window = text[after : min(after + _GLUED_GAP + 30, end)]
        near = _number_near(window)
        if near is not None:
            n_end, raw, canonical = near
            tail = re.match(r"(?:文?印发|发布|公布)?", text[after + n_end :])
            stop = after + n_end + (tail.end() if tail else 0)
            return Closing(date.start(), _cell_end(text, stop, end), (raw, canonical), True)
        if text[after : after + 1] in ("", "|") or after == end:  # a date cell instead of a number
            return Closing(date.start(), _cell_end(text, after, end), None, True)
        return None  # the first date after the title is its cell: no number right after it, no glued row
    return None


def _number_near(window: str) -> tuple[int, str, str | None] | None:
    """The number right after a date cell: (its end in ``window``, raw, canonical)."""
    for n_start, n_end, raw, canonical in find_doc_numbers(window):
        return (n_end, raw, canonical) if n_start <= _GLUED_GAP else None
    yearless = _YEARLESS.match(window)
    return (yearless.end(), yearless.group(), None) if yearless else None


def header_row(chunk: str) -> bool:
    """A table's header row: "|序号|…名称|发文日期、文号|废止理由|"."""
    cells = [c for c in chunk.split("|") if c.strip()]
    return any(_HEADER_CELL.fullmatch(c.strip()) for c in cells) and not (
        find_doc_numbers(chunk) or _DATE_RE.search(chunk)
    )


def table_row(text: str, start: int, end: int) -> tuple[tuple[int, int], str] | None:
    """The title cell of a |-bordered row (the first after 序号) and the text of the cells after it."""
    pos = start
    cells: list[tuple[int, int]] = []
    for piece in text[start:end].split("|"):
        a, b = pos, pos + len(piece)
        pos = b + 1
        if piece.strip() and not NUMBERING.fullmatch(piece.strip()) and not _TABLE_RULE.fullmatch(piece):
            cells.append((a, b))
    # the title is the first cell that is not a number or a date (序号 | 文号 | 名称 tables put it later)
    titled = [c for c in cells if not _identifying(text[c[0] : c[1]])]
    if not titled:
        return None
    first = titled[0]
    return first, "|".join(text[a:b] for a, b in cells if (a, b) != first)


def _identifying(cell: str) -> bool:
    """A cell holding only a 文号, an order number or a date (and a verb: "…号发布")."""
    rest = cell
    for n_start, n_end, _, _ in reversed(find_doc_numbers(cell)):
        rest = rest[:n_start] + rest[n_end:]
    rest = _YEARLESS.sub("", _DATE_RE.sub("", rest))
    return len(rest.strip()) <= 4 and rest != cell


def part_of(raw: str, *, loose: bool = False) -> tuple[str, str | None] | None:
    """(title, part) of a row's title cell, or None when the cell names no document."""
    title = raw.strip().strip("|").strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    part = _PART.search(title)
    whole = title[: part.start()] if part else title
    if whole.startswith("《") and whole.endswith("》") and whole.count("《") == 1:
        whole = whole[1:-1]
    if len(whole) < 4 or _NOT_A_TITLE.search(whole):
        return None
    if not is_normative_title(whole) and not (
        loose and len(whole) >= _LOOSE_TITLE and "，" not in whole[-6:]
    ):
        return None
    return whole, re.sub(r"\s+", "", part["part"]) if part else None
