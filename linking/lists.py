"""Rows of a repeal, 失效 or amendment list: one document per row, however the list is printed.

A row is a title (with or without 《》) and what identifies it: a bracket holding a 文号, an order
number or a date ("…的通知（（79）卫政字第1587号）", "副霍乱防治方案（卫生部1981年5月27日发布）"), or
the date and number cells of a table, separated by | (l23 "|1|…的复示|1951年1月22日|已被婚姻法代替。")
or glued after the title when a flattened table lost its cell borders (l05 "…的通知1992年1月7日高检发
〔1992〕2号"). Extraction drops line breaks, so the reader is given where lines began: a row opens
at a line start, a table row border ("||") or after the closing of the row before it (rows
flattened into one line, l03); a title wrapped over two lines is joined again. One unreadable row
never ends the list: the next line is read on its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from ingest.docnumber import find_doc_numbers
from linking.list_cells import (
    closing_at,
    header_row,
    lead_end,
    opens_row,
    part_of,
    table_row,
)
from linking.model import Citation

# Corpus l07 row 四 "…批准国务院关于华侨捐资兴办学校办法的决议及华侨捐资兴办学校办法": an approving
# 决议 and the instrument it approved, two documents.
_APPROVED = re.compile(r"^(?P<first>.*批准.*的决议)(?:及|和|以及)(?P<second>.+)$")
_MAX_WRAP = 3  # lines one row may take in a PDF column


@dataclass(frozen=True)
class Row:
    """One listed document, the part of it concerned (附件一, 第三条; None: whole), where the row is."""

    start: int
    end: int
    citation: Citation
    part: str | None = None
    closed: bool = True  # ended by its number, date or cell border (not by the end of its line)


def rows(text: str, start: int = 0, end: int | None = None, breaks: Collection[int] = ()) -> list[Row]:
    """The rows in ``text[start:end]``, in order; ``breaks`` are where lines of the source began."""
    end = len(text) if end is None else end
    chunks = _chunks(text, start, end, breaks)
    found: list[Row] = []
    i = 0
    while i < len(chunks):
        c_start, c_end = chunks[i]
        got = _chunk_rows(text, c_start, c_end)
        j = k = i
        # a row wrapped over lines: join the lines that do not open a row of their own
        while (not got or not got[-1].closed) and k + 1 < len(chunks) and k - i < _MAX_WRAP:
            if opens_row(text, chunks[k + 1][0]):
                break
            k += 1
            joined = _chunk_rows(text, c_start, chunks[k][1])
            if joined and len(joined) >= len(got) and (joined[-1].closed or not got):
                got, j = joined, k
        found += got
        i = j + 1
    return found


def _chunks(text: str, start: int, end: int, breaks: Collection[int]) -> list[tuple[int, int]]:
    """Pieces of ``text[start:end]`` that each open a row: lines, and rows of a table ("||")."""
    cuts = {b for b in breaks if start < b < end}
    cuts |= {m.start() + 1 for m in re.finditer(r"\|\|", text[:end]) if start <= m.start()}
    bounds = [start, *sorted(cuts), end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip("|:-—　 ")]


def _chunk_rows(text: str, start: int, end: int) -> list[Row]:
    """The rows of one line (several when a table was flattened into it)."""
    if "|" in text[start:end].strip("|"):
        return _table_rows(text, start, end)
    found: list[Row] = []
    pos = start
    while pos < end:
        row = _row_at(text, pos, end)
        if not row:
            break
        found += row
        pos = row[-1].end
    return found


def _table_rows(text: str, start: int, end: int) -> list[Row]:
    """A row whose cells are bordered by |: 序号 | 名称 | 日期、文号 | 理由 (l23)."""
    if header_row(text[start:end]):
        return []
    cells = table_row(text, start, end)
    if cells is None:
        return []
    (t_start, t_end), rest = cells
    inner = _chunk_rows(text, t_start, t_end)  # the title cell may hold "…（文号）" itself
    if inner and inner[0].closed:
        return [Row(start, end, r.citation, r.part) for r in inner]
    number = next(iter(find_doc_numbers(rest)), None)
    titled = _titles(text[t_start:t_end], loose=True)
    if titled is None:
        return []
    raw, canonical = (number[2], number[3]) if number else (None, None)
    return _made(start, end, titled, raw, canonical, closed=True)


def _row_at(text: str, pos: int, end: int) -> list[Row]:
    """The row (or the two documents of an approving 决议) opening at ``pos``."""
    title_start = lead_end(text, pos, end)
    closing = closing_at(text, title_start, end, numbered=title_start > pos)
    if closing is None:
        return []
    titled = _titles(text[title_start : closing.title_end])
    if titled is None:
        return []  # the first closing ends the title: a bad title is no row
    raw, canonical = closing.number or (None, None)
    return _made(pos, closing.row_end, titled, raw, canonical, closed=closing.closed)


def _made(
    start: int,
    end: int,
    titled: tuple[list[str], str | None],
    raw: str | None,
    canonical: str | None,
    *,
    closed: bool,
) -> list[Row]:
    titles, part = titled
    if len(titles) > 1:
        raw = canonical = None  # the number or date belongs to the pair, not to either
    return [Row(start, end, Citation(raw, canonical, t), part, closed) for t in titles]


def _titles(raw: str, *, loose: bool = False) -> tuple[list[str], str | None] | None:
    """The documents a title cell names and the part of them concerned, or None if it names none."""
    read = part_of(raw, loose=loose)
    if read is None:
        return None
    title, part = read
    match = _APPROVED.match(title)
    if match and part_of(match["second"]) is not None:
        return [match["first"], match["second"]], part
    return [title], part
