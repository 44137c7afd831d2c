"""Units inside a document: 章 › 节 › 条 (款 and 项 stay in the 条's text), or, for notices
without 条, 一、 items › （一） subitems, else paragraphs. Every unit gets a stable label path."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ingest.dates import parse_date
from ingest.issuers import is_issuer_line
from ingest.model import Article
from ingest.normalize import join_pdf_lines, line_width, page_artifacts
from ingest.notices import Notice
from ingest.numerals import cn_to_int

_N = "一二三四五六七八九十百千零〇两0-9０-９"
# Only markers at the start of a line count: "依照第五条" in running text is a reference. 001 line 4118
# writes 第二十二條 with the traditional 條; 001 line 1778 prefixes items with a list dash "- (八)".
_LEAD = r"^\s*(?:[-•·]\s*)?"
_CHAPTER_RE = re.compile(rf"{_LEAD}第\s*(?P<n>[{_N}]+)\s*章(?P<rest>[^。；，,：:]{{0,30}})$")
_SECTION_RE = re.compile(rf"{_LEAD}第\s*(?P<n>[{_N}]+)\s*节(?P<rest>[^。；，,：:]{{0,30}})$")
_ARTICLE_RE = re.compile(rf"{_LEAD}第\s*(?P<n>[{_N}]+)\s*[条條](?![款项])")
_ITEM_RE = re.compile(rf"{_LEAD}(?P<n>[一二三四五六七八九十]{{1,3}})\s*[、．]")
_SUBITEM_RE = re.compile(rf"{_LEAD}[（(]\s*(?P<n>[一二三四五六七八九十]{{1,3}})\s*[）)]")
# Lines that close a document's body and belong to no unit: 001 "（信息公开形式：主动公开）",
# "下载附件请登录…", the 附件 list, a signature date.
_TRAILER_RE = re.compile(
    r"^\s*(?:[-•·]\s*)?(?:（信息公开|\(信息公开|下载附件|附\s*件\s*[0-9０-９]*\s*[:：]?)"
)
_LIST_ENTRY_RE = re.compile(r"^[0-9０-９]{1,2}\s*[.．、]")
_MAX_ARTICLE_JUMP = 5


@dataclass
class _Marker:
    index: int  # 0-based line in the document text
    kind: str  # chapter | section | article | item | subitem
    number: int
    heading: str  # the marker as written, e.g. "第三十二条"
    title: str = ""  # chapter/section heading text, e.g. "第一章 总则"


def _number(text: str) -> int | None:
    try:
        return cn_to_int(text)
    except ValueError:
        return None


_MARKER_FIRST = frozenset("第一二三四五六七八九十（(-•·")


def _match_marker(index: int, line: str) -> _Marker | None:
    text = line.lstrip()
    if not text or text[0] not in _MARKER_FIRST:
        return None
    for kind, pattern in (("chapter", _CHAPTER_RE), ("section", _SECTION_RE), ("article", _ARTICLE_RE)):
        m = pattern.match(line)
        if m and (n := _number(m["n"])) is not None:
            heading = f"第{m['n']}{m.group()[-1]}" if kind == "article" else ""
            return _Marker(index, kind, n, heading, line.strip().lstrip("-•· ").strip())
    for kind, pattern in (("item", _ITEM_RE), ("subitem", _SUBITEM_RE)):
        m = pattern.match(line)
        if m and (n := _number(m["n"])) is not None:
            return _Marker(index, kind, n, m.group().strip().lstrip("-•· ").strip())
    return None


def _article_markers(candidates: list[_Marker]) -> list[_Marker]:
    """Keep 章/节/条 markers that continue the numbering: a 条 number must follow the last one."""
    kept: list[_Marker] = []
    last = {"chapter": 0, "section": 0, "article": 0}
    for marker in candidates:
        if marker.kind not in last:
            continue
        previous = last[marker.kind]
        if marker.kind == "article":
            ok = (
                previous == 0
                or previous < marker.number <= previous + _MAX_ARTICLE_JUMP
                or marker.number == 1
            )
        else:
            # previous == 0: a text may open mid-document (an excerpt, an amendment's 第二章 临床应用管理)
            ok = marker.number == previous + 1 or marker.number == 1 or previous == 0
        if ok:
            kept.append(marker)
            last[marker.kind] = marker.number
            if marker.kind == "chapter":
                last["section"] = 0
    return kept


def _item_markers(candidates: list[_Marker]) -> list[_Marker]:
    """Keep 一、 items that count up by one (a restart at 一 opens a new part) and their （一） subitems."""
    kept: list[_Marker] = []
    last_item = last_sub = 0
    for marker in candidates:
        if marker.kind == "item" and marker.number in (last_item + 1, 1):
            kept.append(marker)
            last_item = marker.number
        elif marker.kind == "subitem" and marker.number in (last_sub + 1, 1):
            # （一） restarts under each item, or runs on across items (000 line 3068: （一）…（十七）)
            kept.append(marker)
            last_sub = marker.number
    return kept


def closing_lines(lines: list[str]) -> frozenset[int]:
    """Lines that close a body and belong to no unit: trailers (信息公开, 下载附件, the 附件 list) and
    signature blocks (a date alone on its line and the body names above it)."""
    closing: set[int] = set()
    in_list = False
    for j, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if _TRAILER_RE.match(text) or (in_list and _LIST_ENTRY_RE.match(text)):
            closing.add(j)
            in_list = True  # 000 line 1204 "2.全国援外医疗工作先进个人名单" continues the 附件 list
        elif parse_date(text) is not None:
            closing.add(j)
            closing.update(_signers_above(lines, j))
        else:
            in_list = False
    return frozenset(closing)


def _signers_above(lines: list[str], index: int) -> list[int]:
    found: list[int] = []
    for j in range(index - 1, -1, -1):
        text = lines[j].strip()
        if not text:
            continue
        if not is_issuer_line(text):
            break
        found.append(j)
    return found


@dataclass(frozen=True)
class _Text:
    """The document's lines with what every unit needs: artefact lines to skip, the full line width."""

    lines: list[str]
    first_line: int
    skip: frozenset[int]
    width: int
    closing: frozenset[int]

    def end_of_body(self, start: int) -> int:
        """Where the last unit that opens at ``start`` stops: before the next closing line."""
        return next((j for j in range(start + 1, len(self.lines)) if j in self.closing), len(self.lines))

    def unit_text(self, start: int, stop: int) -> str:
        return join_pdf_lines(
            [self.lines[j] for j in range(start, stop) if j not in self.skip], width=self.width
        )


class _Labeller:
    """Builds label paths, opening a new part ("pt2/") when numbering restarts at one."""

    def __init__(self) -> None:
        self.part = 1
        self.seen: set[str] = set()

    def label(self, path: str) -> str:
        full = path if self.part == 1 else f"pt{self.part}/{path}"
        if full in self.seen:
            self.part += 1
            full = f"pt{self.part}/{path}"
        self.seen.add(full)
        return full


def _articles(doc: _Text, markers: list[_Marker]) -> list[Article]:
    units: list[Article] = []
    chapter: _Marker | None = None
    section: _Marker | None = None
    labeller = _Labeller()
    for k, marker in enumerate(markers):
        if marker.kind == "chapter":
            chapter, section = marker, None
            continue
        if marker.kind == "section":
            section = marker
            continue
        stop = markers[k + 1].index if k + 1 < len(markers) else doc.end_of_body(marker.index)
        parts = [f"ch{chapter.number}"] if chapter else []
        parts += [f"s{section.number}"] if section else []
        path = tuple(m.title for m in (chapter, section) if m)
        units.append(
            Article(
                label=labeller.label("/".join([*parts, f"a{marker.number}"])),
                kind="article",
                number=marker.number,
                heading=marker.heading,
                path=path,
                text=doc.unit_text(marker.index, stop),
                line=doc.first_line + marker.index,
            )
        )
    return units


def _items(doc: _Text, markers: list[_Marker]) -> list[Article]:
    units: list[Article] = []
    item: _Marker | None = None
    labeller = _Labeller()
    for k, marker in enumerate(markers):
        stop = markers[k + 1].index if k + 1 < len(markers) else doc.end_of_body(marker.index)
        path: tuple[str, ...] = ()
        if marker.kind == "item":
            item = marker
            label = f"i{marker.number}"
        else:
            path = (_heading_of(doc.lines[item.index]),) if item else ()
            label = f"i{item.number}/si{marker.number}" if item else f"si{marker.number}"
        units.append(
            Article(
                label=labeller.label(label),
                kind=marker.kind,
                number=marker.number,
                heading=marker.heading,
                path=path,
                text=doc.unit_text(marker.index, stop),
                line=doc.first_line + marker.index,
            )
        )
    return units


_HEADING_CUT = re.compile(r"[。；;]")
_MAX_HEADING = 40


def _heading_of(line: str) -> str:
    """An item's heading as a path element: "二、重点行动任务", run-in text cut at its first sentence."""
    text = line.strip().lstrip("-•· ").strip()
    half = len(text) // 2
    if len(text) % 2 == 0 and half and text[:half] == text[half:]:
        text = text[:half]  # 003 line 43 prints every heading twice
    return _HEADING_CUT.split(text, maxsplit=1)[0][:_MAX_HEADING]


def _paragraphs(doc: _Text) -> list[Article]:
    """Paragraphs of an unstructured text, a PDF-broken sentence joined into its paragraph."""
    units: list[Article] = []
    start: int | None = None
    last = -1
    for j, line in enumerate(doc.lines):
        text = line.strip()
        if not text or j in doc.skip or j in doc.closing:
            if j in doc.closing and start is not None:
                units.append(_paragraph(doc, len(units) + 1, start, last + 1))
                start = None
            continue
        if start is None:
            start = j
        last = j
        if text[-1] in "。；！？：":
            units.append(_paragraph(doc, len(units) + 1, start, j + 1))
            start = None
    if start is not None:
        units.append(_paragraph(doc, len(units) + 1, start, last + 1))
    return units


def _paragraph(doc: _Text, number: int, start: int, stop: int) -> Article:
    return Article(
        f"p{number}", "paragraph", None, "", (), doc.unit_text(start, stop), doc.first_line + start
    )


_FULL_LINE_SHARE = 0.8


def _mid_sentence(doc: _Text, index: int) -> bool:
    """Does line ``index`` continue a sentence the PDF broke? Then a 第五条 opening it is a reference
    ("…依照\n第五条规定…"): the line above is a full-width line that stops mid-sentence."""
    for j in range(index - 1, -1, -1):
        above = doc.lines[j].strip()
        if not above or j in doc.skip:
            continue
        if above[-1] in "，、（“《":
            return True
        full = len(above) >= doc.width * _FULL_LINE_SHARE
        heading = _CHAPTER_RE.match(above) or _SECTION_RE.match(above)
        return full and "\u4e00" <= above[-1] <= "\u9fff" and not heading
    return False


def parse_structure(text: str, first_line: int) -> tuple[Article, ...]:
    """The units of a document whose first line is line ``first_line`` (1-based) of the compilation.

    条 documents give ``ch2/a15`` (``a15`` without chapters, ``ch1/s2/a7`` with sections); notices
    give ``i1`` and ``i1/si2``; anything else gives paragraphs ``p1``, ``p2``…
    """
    lines = text.split("\n")
    doc = _Text(lines, first_line, frozenset(page_artifacts(lines)), line_width(lines), closing_lines(lines))
    candidates = [
        m
        for j, line in enumerate(lines)
        if j not in doc.skip
        and (m := _match_marker(j, line))
        and (m.kind != "article" or not _mid_sentence(doc, j))
    ]
    articles = _article_markers(candidates)
    if any(m.kind == "article" for m in articles):
        return tuple(_articles(doc, articles))
    items = _item_markers(candidates)
    if items:
        return tuple(_items(doc, items))
    return tuple(_paragraphs(doc))


# The longest articles of real laws run to a few thousand characters; a unit this long is a text
# whose breaks were lost (a PDF without line ends, a paste that joined everything).
MAX_UNIT_CHARS = 30_000
_MIN_ARTICLES_TO_JUDGE_ORDER = 20


def structure_problems(title: str, articles: tuple[Article, ...]) -> list[Notice]:
    """Notices for a structure no real document has: a unit too long to be one article, or
    article numbers that mostly do not follow each other (第一条 a hundred thousand times)."""
    problems = [
        Notice(
            "unit_too_long",
            {"title": title, "unit": unit.heading or "text", "characters": len(unit.text)},
            unit.line,
        )
        for unit in articles
        if len(unit.text) > MAX_UNIT_CHARS
    ]
    numbered = [unit for unit in articles if unit.kind == "article" and unit.number is not None]
    if len(numbered) >= _MIN_ARTICLES_TO_JUDGE_ORDER:
        in_order = 1 + sum(1 for a, b in itertools.pairwise(numbered) if b.number == (a.number or 0) + 1)
        if in_order * 2 < len(numbered):
            facts = {"title": title, "articles": len(numbered), "in_order": in_order}
            problems.append(Notice("article_numbers_out_of_order", facts, numbered[0].line))
    return problems
