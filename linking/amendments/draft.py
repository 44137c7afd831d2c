"""The working copy consolidation edits: an article as its 款 (paragraphs), each with its 项 (items).

A 款 is a line of the article's text that is not a 项; the 项 lines under it ("（一）…") are its
items, as 医疗机构管理条例 第十条 "申请设置医疗机构，应当提交下列文件：" is one 款 with three 项.
Deleted units stay in place, marked, until assembly, so that every instruction reads the OLD
numbers; added ones wait with their NEW numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Article
from ingest.numerals import cn_to_int, int_to_cn

_ITEM = re.compile(r"^(?P<open>[（(])(?P<n>[一二三四五六七八九十]+)(?P<close>[）)])")
_SUBITEM = re.compile(r"^[0-9０-９]+[.．、]")


class AssemblyError(ValueError):
    """An addition whose NEW number lies past the end of what it is added to."""


@dataclass
class Paragraph:
    lead: str
    items: list[str] = field(default_factory=list)
    deleted: bool = False
    deleted_items: set[int] = field(default_factory=set)  # 0-based
    added_items: list[tuple[int, str]] = field(default_factory=list)  # (new 1-based number, text)
    followers: list[Paragraph] = field(default_factory=list)  # 款 a replacement brought after this one
    item_numbers: dict[int, int] = field(default_factory=dict)  # old 0-based -> new 1-based, after assembly

    def slots(self) -> list[tuple[Paragraph, int | None]]:
        """Where text lives: the lead (None) and each item not deleted, then the followers'."""
        own = [(self, None)] + [(self, i) for i in range(len(self.items)) if i not in self.deleted_items]
        return own + [slot for follower in self.followers for slot in follower.slots()]

    def get(self, index: int | None) -> str:
        return self.lead if index is None else self.items[index]

    def set(self, index: int | None, text: str) -> None:
        if index is None:
            self.lead = text
        else:
            self.items[index] = text

    def assembled(self) -> list[Paragraph]:
        """This 款 and its followers with deleted 项 gone, added ones placed, 项 markers renumbered."""
        kept = [(i, text) for i, text in enumerate(self.items) if i not in self.deleted_items]
        items = [text for _, text in kept]
        for number, text in sorted(self.added_items):
            if number - 1 > len(items):
                raise AssemblyError(f"第{number}项 added after {len(items)} 项")
            items.insert(number - 1, text)
        changed = bool(self.deleted_items or self.added_items)
        self.item_numbers = {old: items.index(text) + 1 for old, text in kept}
        lines = [_renumbered(text, k + 1) for k, text in enumerate(items)] if changed else items
        return [Paragraph(self.lead, lines)] + [p for f in self.followers for p in f.assembled()]

    def lines(self) -> list[str]:
        return ([self.lead] if self.lead else []) + self.items


def _renumbered(item: str, number: int) -> str:
    m = _ITEM.match(item)
    if not m or cn_to_int(m["n"]) == number:
        return item
    return f"{m['open']}{int_to_cn(number)}{m['close']}{item[m.end() :]}"


def paragraphs_of(lines: list[str] | tuple[str, ...]) -> list[Paragraph]:
    """Group lines into 款 with their 项; a 目 line ("1.…") stays with the 项 or 款 above it."""
    grouped: list[Paragraph] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if grouped and _SUBITEM.match(line):
            last = grouped[-1]
            index = len(last.items) - 1 if last.items else None
            last.set(index, f"{last.get(index)}\n{line}")
        elif grouped and _ITEM.match(line):
            grouped[-1].items.append(line)
        else:
            grouped.append(Paragraph(line))
    return grouped


@dataclass
class Draft:
    """One article of the old text while instructions act on it."""

    old: int | None
    path: tuple[str, ...]
    separator: str  # between 第N条 and the text: " ", "　" or ""
    paragraphs: list[Paragraph]
    line: int
    deleted: bool = False
    added: list[tuple[int, list[Paragraph]]] = field(default_factory=list)  # (new 款 number, 款)
    added_after: list[tuple[int, list[Paragraph]]] = field(default_factory=list)  # (old 款, 款)

    @classmethod
    def of(cls, article: Article) -> Draft:
        first, *rest = article.text.split("\n")
        body = first[len(article.heading) :] if first.startswith(article.heading) else first
        separator = body[: len(body) - len(body.lstrip())]
        return cls(article.number, article.path, separator, paragraphs_of([body, *rest]), article.line)

    def slots(self) -> list[tuple[Paragraph, int | None]]:
        return [slot for p in self.paragraphs if not p.deleted for slot in p.slots()]

    def assembled(self) -> list[str]:
        """The article's lines (without 第N条) once every 款 and 项 is in place."""
        kept: list[Paragraph] = []
        for k, paragraph in enumerate(self.paragraphs):
            if not paragraph.deleted:
                kept.extend(paragraph.assembled())
            kept.extend(p for old, added in self.added_after if old == k + 1 for p in added)
        for number, added in sorted(self.added, key=lambda pair: pair[0]):
            if number - 1 > len(kept):
                raise AssemblyError(f"第{number}款 added after {len(kept)} 款")
            kept[number - 1 : number - 1] = added
        return [line for p in kept for line in p.lines()]
