"""Sentences of a document, with the compilation line of every character.

The PDF layer breaks sentences mid-word (004 line 2216 "本规定自2024年5月1日起施" / "行。原卫生部…")
and puts blank lines between lines; relations are stated per sentence, so lines are joined into
paragraphs first (as ``ingest.normalize.join_pdf_lines`` does) and split at 。；！？ afterwards,
keeping for each character the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.docnumber import STANDARD_RE
from ingest.normalize import UNIT_START_RE, clean_lines, page_artifacts

_SENTENCE_FINAL = "。；;！？!?"
_PARAGRAPH_FINAL = _SENTENCE_FINAL + "：:"
_LIST_CONTINUES = "、，,和及与或"
# 004 line 7: every line of a standards list opens with its number and has no final punctuation.
_STANDARD_LINE = re.compile(rf"^\s*(?:{STANDARD_RE.pattern})")
# A unit heading alone on its line ("第五章 附 则", "一、总体要求") is a paragraph by itself.
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇0-9]+[章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])[^，,。；;：:]{0,30}$"
)
# A decision's title and the date lines under it end without punctuation; alone they are a
# paragraph, not the head of the first sentence (l24 "吉林市人民代表大会常务委员会 关于废止和修改
# 部分地方性法规的决定" / l10 "2024年12月16日 吉林市第十七届…会议通过" / "…会议批准）").
_TITLE_LINE = re.compile(
    r"^[^，,。；;：:“”]{4,100}(?:的决定|修正案(?:[（(][一二三四五六七八九十]+[）)])?)$"
    r"|^[（(]?[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日[^，,。；;：:]{0,60}(?:通过|公布|发布|批准|修正|修订)[）)]?$"
)
_TITLE_OPEN = "《〈"
_TITLE_CLOSE = "》〉"
_LONGEST_TITLE = 120  # an unclosed 《 must not swallow the rest of the paragraph
_MARKS = re.compile(f"[{re.escape(_TITLE_OPEN + _TITLE_CLOSE + _SENTENCE_FINAL)}]")


@dataclass(frozen=True)
class Sentence:
    """One sentence, whitespace dropped (kept between two Latin characters), and its lines."""

    text: str
    lines: tuple[int, ...]  # compilation line of each character of ``text``

    def line_at(self, index: int) -> int:
        """The compilation line of character ``index`` (clamped to the sentence)."""
        return self.lines[min(max(index, 0), len(self.lines) - 1)]


def split_sentences(text: str, start_line: int) -> list[Sentence]:
    """The sentences of ``text``, whose first line is compilation line ``start_line``."""
    sentences: list[Sentence] = []
    for chars, lines in _paragraphs(text, start_line):
        sentences.extend(_split_paragraph(chars, lines))
    return sentences


def _paragraphs(text: str, start_line: int) -> list[tuple[str, list[int]]]:
    raw_lines = clean_lines(text)
    skipped = page_artifacts(raw_lines)
    paragraphs: list[tuple[str, list[int]]] = []
    pieces: list[str] = []  # never an empty one: pieces[-1][-1] is the paragraph's last character
    lines: list[int] = []  # one per character
    for index, raw in enumerate(raw_lines):
        line = raw.strip()
        if not line or index in skipped:
            continue
        if pieces and _breaks(pieces, len(lines), line):
            paragraphs.append(("".join(pieces), lines))
            pieces, lines = [], []
        _append(pieces, lines, line, start_line + index)
    if pieces:
        paragraphs.append(("".join(pieces), lines))
    return paragraphs


_BLANK_RUN = re.compile(r"\s+")


def _breaks(pieces: list[str], size: int, line: str) -> bool:
    last = pieces[-1][-1]
    if last in _PARAGRAPH_FINAL or UNIT_START_RE.match(line):
        return True
    if _STANDARD_LINE.match(line) and last not in _LIST_CONTINUES:
        return True
    if size > 120:
        return False
    joined = "".join(pieces)
    return bool(size <= 40 and _HEADING.match(joined) or _TITLE_LINE.match(joined))


def _append(pieces: list[str], lines: list[int], line: str, number: int) -> None:
    """Add a line's characters without its blanks, but keep one space where a blank (or a line
    break) separates two Latin characters: 004 line 19 "WS/T" / "421—2013". Works on runs kept
    whole, not characters: this is the hottest loop of extraction."""
    pos = 0
    for blank in _BLANK_RUN.finditer(line):
        _extend(pieces, lines, line[pos : blank.start()], number, line_start=pos == 0)
        after = line[blank.end() : blank.end() + 1]
        if pieces and after and _latin(pieces[-1][-1]) and _latin(after) and pieces[-1][-1] != " ":
            pieces.append(" ")
            lines.append(number)
        pos = blank.end()
    _extend(pieces, lines, line[pos:], number, line_start=pos == 0)


def _extend(pieces: list[str], lines: list[int], piece: str, number: int, *, line_start: bool) -> None:
    if not piece:
        return
    if line_start and pieces and _latin(pieces[-1][-1]) and _latin(piece[0]):
        pieces.append(" ")  # a Latin word broken across lines
        lines.append(number)
    pieces.append(piece)
    lines.extend([number] * len(piece))


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "/")


def _split_paragraph(text: str, lines: list[int]) -> list[Sentence]:
    sentences: list[Sentence] = []
    depth = opened = begin = 0
    for mark in _MARKS.finditer(text):  # only quotes and sentence ends change anything
        i, ch = mark.start(), mark.group()
        if ch in _TITLE_OPEN:
            depth, opened = depth + 1, i if depth == 0 else opened
        elif ch in _TITLE_CLOSE:
            depth = max(depth - 1, 0)
        elif ch in _SENTENCE_FINAL and (depth == 0 or i - opened > _LONGEST_TITLE):
            sentences.append(Sentence(text[begin : i + 1], tuple(lines[begin : i + 1])))
            begin, depth = i + 1, 0
    if begin < len(text):
        sentences.append(Sentence(text[begin:], tuple(lines[begin:])))
    return [s for s in sentences if s.text.strip()]
