"""Test corpus for the differ: articled documents cut from the samples, and known edits on them.

``split_articles`` is a deliberately small stand-in for the ingest parser, used ONLY by the diff
tests and the diff benchmark, so that the differ is tested without depending on how Articles are
produced. Each edit helper returns a new unit list plus what a correct differ must report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.model import Article

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"

_CN_DIGITS = "零一二三四五六七八九"
_NUMERAL = r"[一二三四五六七八九十百千零〇]+"
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(rf"^\s*(第({_NUMERAL})条)\s*")
_CHAPTER = re.compile(rf"^\s*第({_NUMERAL})章")
_SECTION = re.compile(rf"^\s*第({_NUMERAL})节")
_ITEM = re.compile(rf"^\s*(({_NUMERAL})、)")
_SUBITEM = re.compile(rf"^\s*([（(]({_NUMERAL})[）)])")
_SENTENCE_END = re.compile(r"[。；：！？;:!?][”’）)]*$")


@dataclass(frozen=True)
class CorpusDocument:
    name: str
    file: str
    start: int  # 1-based inclusive line range of the document body in the sample
    end: int

    def text(self) -> str:
        lines = (SAMPLES / self.file).read_text(encoding="utf-8").splitlines()
        return "\n".join(lines[self.start - 1 : self.end])

    def units(self) -> tuple[Article, ...]:
        return split_articles(self.text(), first_line=self.start)


# Articled documents of the samples: one with clean lines, three with PDF-broken lines, one of items.
DOCUMENTS = (
    CorpusDocument("emergency_teams", "001_efdf65539e5cb502.txt", 707, 876),  # 国家卫生应急队伍管理办法
    CorpusDocument(
        "heilongjiang_devices", "001_efdf65539e5cb502.txt", 1906, 2065
    ),  # 乙类大型医用设备实施细则
    CorpusDocument("hospital_inspection", "000_55d9cc36d7393000.txt", 2485, 3030),  # 医院巡查工作管理办法
    CorpusDocument(
        "transplant_ethics", "004_e5ceca2348398117.txt", 189, 539
    ),  # 人体器官移植伦理委员会工作规则
    CorpusDocument("health_system_items", "003_4e5f185da6683083.txt", 15, 444),  # 完善医疗卫生服务体系的意见
)
ARTICLED = DOCUMENTS[:4]


def cn_number(text: str) -> int:
    """一 -> 1, 十五 -> 15, 三十二 -> 32, 一百零二 -> 102, 一千零一十 -> 1010 (article markers)."""
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS.index(ch)
        elif ch == "〇":
            digit = 0
        elif ch in _CN_UNITS:
            total += (digit or (1 if ch == "十" else 0)) * _CN_UNITS[ch]
            digit = 0
    return total + digit


def cn_numeral(number: int) -> str:
    """1 -> 一, 15 -> 十五, 32 -> 三十二, 102 -> 一百零二, 1010 -> 一千零一十 (below 10,000)."""
    if number == 0:
        return "零"
    out, pending_zero = "", False
    for unit, value in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = number // value % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += ("" if unit == "十" and digit == 1 and number < 20 else _CN_DIGITS[digit]) + unit
    return out


def split_articles(text: str, *, first_line: int = 1) -> tuple[Article, ...]:
    """Cut ``text`` into 条 (when any line starts with 第X条) or else into 一、 / （一） units."""
    lines = text.splitlines()
    articled = any(_ARTICLE.match(line) for line in lines)
    units: list[dict] = []
    chapter = section = item = 0
    path: list[str] = []
    for offset, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if articled and (m := _CHAPTER.match(line)) and not units_open(units, line):
            chapter, section, path = cn_number(m.group(1)), 0, [line]
            _close(units)
            continue
        if articled and (m := _SECTION.match(line)):
            section, path = cn_number(m.group(1)), path[:1] + [line]
            _close(units)
            continue
        marker = _marker(line, articled)
        if marker is not None:
            heading, kind, number = marker
            if kind == "item":
                item = number
            label = _label(kind, number, chapter, section, item)
            units.append(dict(label=label, kind=kind, number=number, heading=heading, path=tuple(path),
                              lines=[line], line=first_line + offset, open=True))  # fmt: skip
        elif units and units[-1]["open"]:
            units[-1]["lines"].append(line)
    return tuple(
        Article(
            label=u["label"],
            kind=u["kind"],
            number=u["number"],
            heading=u["heading"],
            path=u["path"],
            text=join_pdf_lines(u["lines"]),
            line=u["line"],
        )  # fmt: skip
        for u in units
    )


def units_open(units: list[dict], line: str) -> bool:
    """A 第X章 inside running text (a line that continues a sentence) is not a chapter heading."""
    return bool(units) and units[-1]["open"] and not _SENTENCE_END.search(units[-1]["lines"][-1])


def _close(units: list[dict]) -> None:
    if units:
        units[-1]["open"] = False


def _marker(line: str, articled: bool) -> tuple[str, str, int] | None:
    if articled:
        m = _ARTICLE.match(line)
        return (m.group(1), "article", cn_number(m.group(2))) if m else None
    if m := _ITEM.match(line):
        return m.group(1), "item", cn_number(m.group(2))
    if m := _SUBITEM.match(line):
        return m.group(1), "subitem", cn_number(m.group(2))
    return None


def _label(kind: str, number: int, chapter: int, section: int, item: int) -> str:
    if kind == "article":
        prefix = (f"ch{chapter}/" if chapter else "") + (f"s{section}/" if section else "")
        return f"{prefix}a{number}"
    return f"i{number}" if kind == "item" else f"i{item}/si{number}"


def join_pdf_lines(lines: list[str]) -> str:
    """Join lines of one unit: a line that ends a sentence ends a paragraph (款), others continue."""
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if _SENTENCE_END.search(out) else "") + line
    return out


# ---------------------------------------------------------------- edits with their expected report


def renumber(units: list[Article]) -> list[Article]:
    """Number articles 1..n again in order (as a real amendment does), fixing marker and label."""
    out = []
    for number, unit in enumerate(units, start=1):
        heading = f"第{cn_numeral(number)}条"
        body = unit.text[len(unit.heading) :] if unit.text.startswith(unit.heading) else unit.text
        prefix = unit.label.rsplit("/", 1)[0] + "/" if "/" in unit.label else ""
        out.append(
            replace(unit, heading=heading, number=number, text=heading + body, label=f"{prefix}a{number}")
        )
    return out


def reword(unit: Article, old: str, new: str) -> Article:
    assert old in unit.text, (unit.label, old)
    return replace(unit, text=unit.text.replace(old, new, 1))


def to_halfwidth_punctuation(text: str) -> str:
    return text.translate(str.maketrans("，。；：（）", ",.;:()"))


def to_fullwidth_punctuation(text: str) -> str:
    """Half-width punctuation and digits to their full-width forms."""
    return text.translate(str.maketrans(",;:()0123456789", "，；：（）０１２３４５６７８９"))


def rebreak_lines(text: str, width: int = 17) -> str:
    """Break every paragraph every ``width`` characters, as a narrower PDF page would."""
    return "\n".join(
        "\n".join(paragraph[i : i + width] for i in range(0, len(paragraph), width))
        for paragraph in text.split("\n")
    )


INSERTED = "+inserted"  # label an edit gives a new article before the document is renumbered


def amended(units: list[Article]) -> tuple[list[Article], dict[str, str], list[str]]:
    """Renumber an edited unit list; return it, old label -> new label, and the inserted new labels.

    ``units`` still carry their old labels (inserted ones carry ``INSERTED``), so the edit knows
    what a correct differ must pair with what.
    """
    renumbered = renumber(units)
    pairs = {u.label: n.label for u, n in zip(units, renumbered, strict=True) if u.label != INSERTED}
    inserted = [n.label for u, n in zip(units, renumbered, strict=True) if u.label == INSERTED]
    return renumbered, pairs, inserted


def inserted_article(template: Article, body: str) -> Article:
    return replace(template, label=INSERTED, text=f"{template.heading} {body}", line=0)
