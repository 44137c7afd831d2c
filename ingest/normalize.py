"""Text hygiene for PDF-extracted compilations: lines, comparison keys, broken paragraphs, page artefacts."""

from __future__ import annotations

import functools
import itertools
import os
import re
import unicodedata

import opencc

from ingest.docnumber import DOC_NUMBER_RE, ORDER_NUMBER_RE, STANDARD_RE

_NEWLINES = re.compile(r"\r\n?")


def clean_lines(text: str) -> list[str]:
    """The lines of ``text`` as written, for display: line N of the file is ``clean_lines(text)[N - 1]``.

    Only \\r\\n / \\r line ends, a leading BOM, form feeds and trailing whitespace are dropped.
    """
    text = _NEWLINES.sub("\n", text.removeprefix("\ufeff"))
    return [line.replace("\f", "").rstrip() for line in text.split("\n")]


# Brackets (five ways of writing the 文号 bracket), dashes, quotes and punctuation folded for comparison.
# After NFKC, （）［］ are already ASCII; 〔〕﹝﹞【】 are not (DOMAIN.md).
_FOLD = str.maketrans(
    {
        **dict.fromkeys("（〔［[﹝【〖｛{", "("),
        **dict.fromkeys("）〕］]﹞】〗｝}", ")"),
        # — – - ― and relatives between a standard's number and year (WS/T 347—2024) or as rules
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\ufe58\ufe63\uff0d-", "-"),
        **dict.fromkeys("“”„‟＂〝〞「」\"", '"'),
        **dict.fromkeys("‘’‚‛『』'", "'"),
        **dict.fromkeys("\u00b7\u30fb\u2027\u2022\u2219", "·"),
        "。": ".", "，": ",", "､": "、", "﹐": ",", "；": ";", "：": ":", "！": "!", "？": "?", "．": ".",
        "～": "~", "〜": "~", "\u22ef": "...", "○": "〇",
    }
)  # fmt: skip
# (character, replacement) for every character the table changes. On a document, replacing those
# that occur one by one is ten times faster than str.translate, which looks up every character,
# and gives the same text: no replacement holds a character the table changes
# (tests/test_normalize.py). On a title, translate is faster.
_FOLD_PAIRS = tuple((chr(code), folded) for code, folded in _FOLD.items() if chr(code) != folded)
_SHORT = 100


def _fold(text: str) -> str:
    if len(text) < _SHORT:
        return text.translate(_FOLD)
    for char, folded in _FOLD_PAIRS:
        if char in text:
            text = text.replace(char, folded)
    return text


# A list bullet the PDF extraction put before an item: "- (二) 身体健康" (001 line 733), at the text
# start or after the previous item's end, with the line break kept or joined: "…义务；- (二) …".
# Matched after folding, so "（" is "(" and "。" is ".".
# The blank after the bullet is a space on its line: a dash that ends a line ("…:-" then "(…") is text.
_BULLET = re.compile(r"(?:\A|(?<=[.;:]))\s*[-·][ \t\u3000]+(?=\(|\d+[、.]|[一二三四五六七八九十]+、|附件)")
# Every kind of blank, including zero-width ones left by PDF text layers.
_BLANKS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def comparison_key(text: str) -> str:
    """A key under which texts that differ only in width, brackets, dashes, quotes, whitespace,
    line breaks, PDF list bullets or traditional/simplified characters compare equal."""
    folded = _fold(unicodedata.normalize("NFKC", text))
    folded = _BLANKS.sub("", _BULLET.sub("", folded))
    # NFKC again: removing a space can bring a base letter next to its combining mark ("H ̈").
    return to_simplified(_fold(unicodedata.normalize("NFKC", folded)))


def to_simplified(text: str) -> str:
    """Traditional -> simplified, giving the slow converter only the runs that hold a traditional char.

    OpenCC converts each run between its separators (punctuation, blanks) on its own and keeps the
    separators, so a run without a trigger comes out as it went in: a document with one traditional
    character costs one short run, not the whole text (22 of 001's texts: 0.25 s → under 0.01 s).
    """
    triggers = _traditional_triggers()
    if triggers is None:
        return _t2s().convert(text)
    if triggers.isdisjoint(text):
        return text
    converter = _t2s()
    parts = converter.split_chars_re.split(text)  # runs at even indexes, separators at odd ones
    return "".join(
        part if i % 2 or triggers.isdisjoint(part) else converter.convert(part)
        for i, part in enumerate(parts)
    )


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.cache
def _traditional_triggers() -> frozenset[str] | None:
    """Characters of which at least one must occur for t2s to change a text.

    One character per changing dictionary entry suffices: an entry can only match where all its
    characters occur. None when the dictionaries cannot be read (then every text is converted).
    """
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    try:
        characters = _read_dictionary(os.path.join(folder, "TSCharacters.txt"))
        phrases = _read_dictionary(os.path.join(folder, "TSPhrases.txt"))
    except OSError:
        return None
    triggers = {key for key, value in characters.items() if key != value}
    for key, value in phrases.items():
        if key == value or not triggers.isdisjoint(key):
            continue
        differing = [a for a, b in zip(key, value, strict=False) if a != b] if len(key) == len(value) else []
        triggers.update(differing[:1] or key)
    return frozenset(triggers)


def _read_dictionary(path: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            if key and values:
                entries[key] = values.split(" ")[0]
    return entries


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
    numbers = sorted(
        {i for i, line in enumerate(lines) if _PAGE_NUMBER_RE.match(line)} | numbered_furniture(lines)
    )
    near: dict[str, list[int]] = {}
    for i in numbers:
        for j in _neighbours(lines, i):
            near.setdefault(lines[j].strip(), []).append(j)
    found = set(numbers)
    needed = max(2, int(len(numbers) * _HEADER_SHARE))
    # The first page's header stands above the text with no page number near it.
    opening = list(itertools.islice((i for i, line in enumerate(lines) if line.strip()), _HEADER_WINDOW))
    for text, indexes in near.items():
        if _looks_like_header(text, len(set(indexes)), needed):
            found.update(indexes)
            if len(set(indexes)) >= 2:
                found.update(j for j in opening if lines[j].strip() == text)
    return found


_NUMBER_RUN_RE = re.compile(r"[0-9]{1,4}")
_FURNITURE_MAX_CHARS = 40
_FURNITURE_MIN_WORDS = 4  # characters around the number: "附件3", "第2批" are too few to tell furniture by
_FURNITURE_MIN_GAP = 3  # furniture repeats once a page, never on consecutive lines


def numbered_furniture(lines: list[str]) -> set[int]:
    """Indexes of a page's furniture that prints its number among words ("医药先锋系列之 第 3 页",
    "《汇编》 - 12 -", "第3页 共20页"): short lines, the same words each time, a number that rises
    from one occurrence to the next, never on consecutive lines. A line holding 页 with such a
    number needs two occurrences, other wording three."""
    groups: dict[str, list[tuple[int, list[int]]]] = {}
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or len(text) > _FURNITURE_MAX_CHARS or any(ch in text for ch in "。，；：,;"):
            continue
        numbers = [int(n) for n in _NUMBER_RUN_RE.findall(text)]
        if (
            not numbers
            or UNIT_START_RE.match(text)
            or _DATE_LIKE_RE.search(text)
            or _names_an_instrument(text)
        ):
            continue
        words = re.sub(r"\s+", "", _NUMBER_RUN_RE.sub("#", text))
        if len(words.replace("#", "")) < (1 if "页" in words else _FURNITURE_MIN_WORDS):
            continue
        groups.setdefault(words, []).append((i, numbers))
    found: set[int] = set()
    for words, seen in groups.items():
        if len(seen) < (2 if "页" in words else 3) or len({len(numbers) for _i, numbers in seen}) != 1:
            continue
        if any(b[0] - a[0] < _FURNITURE_MIN_GAP for a, b in itertools.pairwise(seen)):
            continue
        rising = any(
            all(a[1][k] < b[1][k] for a, b in itertools.pairwise(seen)) for k in range(len(seen[0][1]))
        )
        if rising:
            found.update(i for i, _numbers in seen)
    return found


def _names_an_instrument(text: str) -> bool:
    """A 文号, an order number or a standard's code (one per line in a list of documents)."""
    return any(pattern.search(text) for pattern in (DOC_NUMBER_RE, ORDER_NUMBER_RE, STANDARD_RE))


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
