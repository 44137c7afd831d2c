"""Text hygiene for PDF-extracted compilations: lines, comparison keys, broken paragraphs, page artefacts."""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_NEWLINES = re.compile(r"\r\n?")


def clean_lines(text: str) -> list[str]:
    """The lines of ``text`` as written, for display: line N of the file is ``clean_lines(text)[N - 1]``.

    Only \\r\\n / \\r line ends, a leading BOM, form feeds and trailing whitespace are dropped.
    """
    text = _NEWLINES.sub("\n", text.removeprefix("\ufeff"))
    return [line.replace("\f", "").rstrip() for line in text.split("\n")]


# Brackets (five ways of writing the 文号 bracket), dashes and quotes folded for comparison.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("（〔［[﹝【〖｛{", "("),
        **dict.fromkeys("）〕］]﹞】〗｝}", ")"),
        **dict.fromkeys("—–―‐‑－−─━", "-"),
        **dict.fromkeys("“”„‟＂〝〞「」", '"'),
        **dict.fromkeys("‘’‚‛『』", "'"),
        "，": ",", "､": "、", "﹐": ",", "；": ";", "：": ":", "！": "!", "？": "?", "．": ".", "·": "·", "•": "·",
        "〇": "〇", "○": "〇",
    }
)  # fmt: skip
_WHITESPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def comparison_key(text: str) -> str:
    """A key under which texts that differ only in width, brackets, dashes, quotes, whitespace,
    line breaks or traditional/simplified characters compare equal."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    # NFKC again: removing a space can bring a base letter next to its combining mark ("H ̈").
    folded = unicodedata.normalize("NFKC", _WHITESPACE.sub("", folded)).translate(_FOLD)
    return _t2s().convert(folded)


_SENTENCE_FINAL = "。；：！？;:!?"
# A line that opens a unit is never the tail of the previous paragraph: 第五条 / 一、 / （一） /
# (一) / 1. / 第二章 / 附件1 (000 line 72 " 一、总体要求", 004 "- (二)").
UNIT_START_RE = re.compile(
    r"^\s*(?:"
    r"第[一二三四五六七八九十百千零〇两0-9０-９]+[章节條条]"
    r"|[一二三四五六七八九十百]+[、.．]"
    r"|-?\s*[（(][一二三四五六七八九十百]+[）)]"
    r"|[0-9０-９]{1,2}[.．、](?![0-9])"
    r"|附件\s*[0-9０-９]*\s*$"
    r")"
)


def join_pdf_lines(lines: list[str], *, width: int | None = None) -> str:
    """Join paragraphs that the PDF broke mid-sentence; paragraphs come out one per line.

    A line not ending in sentence-final punctuation (。；：！？) continues into the next non-blank
    line, unless that line opens a new unit (第X条, 一、, （一）, 第X章, 附件) or the line is itself a
    unit heading ("一、总体要求"). ``width`` is the text's full line length (see ``line_width``);
    a heading line clearly shorter than it is complete, a full-width one was broken by the PDF.
    """
    width = width or line_width(lines)
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if current and (
            current[-1] in _SENTENCE_FINAL or UNIT_START_RE.match(line) or _is_heading(current, width)
        ):
            paragraphs.append(current)
            current = ""
        current = _glue(current, line)
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)


def line_width(lines: list[str]) -> int:
    """The length of a full line: the 90th percentile of non-blank line lengths."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


_HEADING_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇0-9]+[章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])[^，,。；;：:]*$"
)
_SHORT_HEADING = 12
_HEADING_SHARE = 0.7


def _is_heading(paragraph: str, width: int) -> bool:
    """A unit heading on its own line ("一、总体要求", "第一章 总 则") is a paragraph by itself when it
    is short; a line as long as a full line is more likely a sentence the PDF broke (000 line 104)."""
    if not _HEADING_RE.match(paragraph):
        return False
    return len(paragraph) <= _SHORT_HEADING or len(paragraph) < width * _HEADING_SHARE


def _glue(left: str, right: str) -> str:
    # Latin words broken across lines keep one space between them; Chinese joins directly.
    if left and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


# "- 17 -" (000 line 2035), "·3·", "— 5 —", "第 3 页", "3/20".
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–―·•]\s*[0-9]{1,4}\s*[-—–―·•]|第\s*[0-9]{1,4}\s*页(?:\s*共\s*[0-9]{1,4}\s*页)?"
    r"|[0-9]{1,4}\s*/\s*[0-9]{1,4})\s*$"
)
# A running header names the publication and its period: "国家卫生健康委员会公报 2023·12" (000 line 2032),
# "…汇编 2024年第3期"; a date such as a signature's "2023年5月8日" is not a period.
_HEADER_PERIOD_RE = re.compile(
    r"(?:19|20)[0-9]{2}\s*(?:[·.．]\s*[0-9]{1,2}(?![0-9.．·])|年?\s*第\s*[0-9]+\s*[期卷])"
)
_DATE_LIKE_RE = re.compile(r"[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日")
_HEADER_WINDOW = 3
_HEADER_SHARE = 0.25  # a running header stands beside a good share of all page numbers


def page_artifacts(lines: list[str]) -> set[int]:
    """Indexes (0-based, into ``lines``) of page numbers and of running headers/footers beside them.

    A header is a short line next to a page number that either names a period (公报 2023·12) or
    sits next to a good share of all page numbers; a line that merely repeats (a signature,
    "四、工作要求") is not one.
    """
    numbers = [i for i, line in enumerate(lines) if _PAGE_NUMBER_RE.match(line)]
    near: dict[str, list[int]] = {}
    for i in numbers:
        for j in _neighbours(lines, i):
            near.setdefault(lines[j].strip(), []).append(j)
    found = set(numbers)
    needed = max(2, int(len(numbers) * _HEADER_SHARE))
    for text, indexes in near.items():
        if _looks_like_header(text, len(set(indexes)), needed):
            found.update(indexes)
    return found


def _neighbours(lines: list[str], index: int) -> list[int]:
    """Up to ``_HEADER_WINDOW`` non-blank lines on each side of ``index``."""
    near: list[int] = []
    for step in (-1, 1):
        j, seen = index + step, 0
        while 0 <= j < len(lines) and seen < _HEADER_WINDOW:
            if lines[j].strip():
                near.append(j)
                seen += 1
            j += step
    return near


def _looks_like_header(text: str, times_near_page_numbers: int, needed: int) -> bool:
    if len(text) > 40 or any(ch in text for ch in "。，；：,;") or _PAGE_NUMBER_RE.match(text):
        return False
    if _DATE_LIKE_RE.search(text) or UNIT_START_RE.match(text):
        return False
    return times_near_page_numbers >= needed or bool(_HEADER_PERIOD_RE.search(text))
