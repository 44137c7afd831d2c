"""Consolidation: an amendment decision's instructions applied to the old text give the new text.

``apply(articles, instructions)`` returns the amended articles, renumbered, 章/节 kept, labels as
``ingest.structure`` gives them; or raises ``ConsolidationError`` naming the instruction that
cannot be applied and why. Nothing is returned half-applied: the function is pure and either
finishes every instruction or none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ingest.model import Article
from ingest.numerals import cn_to_int, int_to_cn
from linking.amendments.draft import AssemblyError, Draft, Paragraph, paragraphs_of
from linking.amendments.model import (
    Delete,
    Insert,
    InsertText,
    Instruction,
    Place,
    Renumber,
    Reorder,
    Replace,
    Substitute,
    Unsupported,
)


class ConsolidationError(ValueError):
    """An instruction that cannot be applied to the old text; ``reason`` says why."""

    def __init__(self, instruction: Instruction, reason: str) -> None:
        super().__init__(f"decision line {instruction.line}: {reason} ({instruction.quote})")
        self.instruction = instruction
        self.reason = reason


class _Text:
    """The old articles as drafts, keyed by old number, and the articles the decision adds."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.drafts = [Draft.of(a) for a in articles if a.kind == "article" and a.number is not None]
        self.by_number = {d.old: d for d in self.drafts}
        separators = Counter(d.separator for d in self.drafts)
        self.separator = separators.most_common(1)[0][0] if separators else " "
        self.added: list[tuple[int, Draft]] = []  # (new number, article)
        self.added_after: list[tuple[int, Draft]] = []  # (old number, article)

    def article(self, place: Place, instruction: Instruction) -> Draft:
        draft = self.by_number.get(place.article)
        if draft is None:
            raise ConsolidationError(instruction, f"第{_cn(place.article)}条 is not in the old text")
        if draft.deleted:
            raise ConsolidationError(instruction, f"第{_cn(place.article)}条 was deleted before")
        return draft

    def paragraph(self, place: Place, instruction: Instruction) -> Paragraph:
        draft = self.article(place, instruction)
        if place.paragraph is not None:
            if not 0 < place.paragraph <= len(draft.paragraphs):
                raise ConsolidationError(
                    instruction, f"{place.describe()}: the article has {len(draft.paragraphs)} 款"
                )
            return draft.paragraphs[place.paragraph - 1]
        with_items = [p for p in draft.paragraphs if p.items]
        if len(with_items) != 1:
            raise ConsolidationError(
                instruction, f"{place.describe()}: {len(with_items)} 款 of the article have 项"
            )
        return with_items[0]

    def item(self, place: Place, instruction: Instruction) -> tuple[Paragraph, int]:
        paragraph = self.paragraph(place, instruction)
        if not 0 < (place.item or 0) <= len(paragraph.items):
            raise ConsolidationError(instruction, f"{place.describe()}: the 款 has {len(paragraph.items)} 项")
        return paragraph, (place.item or 0) - 1

    def slots(self, place: Place, instruction: Instruction) -> list[tuple[Paragraph, int | None]]:
        """The pieces of text ``place`` covers."""
        if place.article is None:
            return [slot for d in self.drafts if not d.deleted for slot in d.slots()]
        if place.item is not None:
            paragraph, index = self.item(place, instruction)
            return [(paragraph, index)]
        if place.paragraph is not None:
            return self.paragraph(place, instruction).slots()
        return self.article(place, instruction).slots()


def _cn(number: int | None) -> str:
    return int_to_cn(number) if number else "?"


def apply(articles: Sequence[Article], instructions: Sequence[Instruction]) -> tuple[Article, ...]:
    """The amended articles; raises ConsolidationError on the first instruction that cannot apply."""
    text = _Text(articles)
    for instruction in instructions:
        _ONE[type(instruction)](text, instruction)
    try:
        ordered = _ordered(text)
        result = _numbered(ordered, text)
    except AssemblyError as error:
        raise ConsolidationError(_last_insert(instructions), str(error)) from error
    _check_renumbering(text, ordered, instructions)
    return result


def _replace(text: _Text, instruction: Replace) -> None:
    first, *rest = instruction.places
    new = paragraphs_of(instruction.paragraphs)
    if not new:
        raise ConsolidationError(instruction, "the new text is empty")
    if first.item is not None:
        if rest:
            raise ConsolidationError(instruction, "replacing several 项 with one text")
        paragraph, index = text.item(first, instruction)
        paragraph.items[index] = _ending_kept(paragraph.items[index], "\n".join(instruction.paragraphs))
    elif first.paragraph is not None:
        old = text.paragraph(first, instruction)
        if old.items and len(new) == 1 and not new[0].items:
            old.lead = new[0].lead  # the 款's opening sentence; its 项 stay
        else:
            old.lead, old.items, old.followers = new[0].lead, new[0].items, new[1:]
            old.deleted_items = set()
        for place in rest:
            text.paragraph(place, instruction).deleted = True
    else:
        if rest:
            raise ConsolidationError(instruction, "replacing several articles with one text")
        text.article(first, instruction).paragraphs = new


_ENDING = "；。;，,"


def _ending_kept(old: str, new: str) -> str:
    """A 项 is quoted without the ；/。 that ends it in the list (2022-03-29 decision 二: 将第一项修改为
    “(一)按照规定应当办理设置医疗机构批准书的，已取得设置医疗机构批准书”): the old ending stays."""
    if new and new[-1] not in _ENDING and old and old[-1] in _ENDING:
        return new + old[-1]
    return new


def _substitute(text: _Text, instruction: Substitute) -> None:
    for place in instruction.places:
        slots = text.slots(place, instruction)
        found = sum(p.get(i).count(instruction.old) for p, i in slots)
        _check_found(instruction, place, instruction.old, found, instruction.every)
        for paragraph, index in slots:
            paragraph.set(index, paragraph.get(index).replace(instruction.old, instruction.new))


def _check_found(instruction: Instruction, place: Place, quoted: str, found: int, every: bool) -> None:
    if found == 0:
        raise ConsolidationError(instruction, f"“{quoted}” is not in {place.describe()}")
    if found > 1 and not every:
        raise ConsolidationError(
            instruction, f"“{quoted}” is {found} times in {place.describe()}, one was meant"
        )


def _insert_text(text: _Text, instruction: InsertText) -> None:
    slots = text.slots(instruction.place, instruction)
    found = sum(p.get(i).count(instruction.anchor) for p, i in slots)
    _check_found(instruction, instruction.place, instruction.anchor, found, False)
    for paragraph, index in slots:
        old = paragraph.get(index)
        if instruction.anchor in old:
            new = (
                instruction.text + instruction.anchor
                if instruction.before
                else instruction.anchor + instruction.text
            )
            paragraph.set(index, old.replace(instruction.anchor, new))


def _delete(text: _Text, instruction: Delete) -> None:
    place = instruction.place
    if place.item is not None:
        paragraph, index = text.item(place, instruction)
        paragraph.deleted_items.add(index)
    elif place.paragraph is not None:
        text.paragraph(place, instruction).deleted = True
    else:
        text.article(place, instruction).deleted = True


def _insert(text: _Text, instruction: Insert) -> None:
    if instruction.unit == "article":
        _insert_article(text, instruction)
    elif instruction.unit == "paragraph":
        _insert_paragraphs(text, instruction)
    else:
        _insert_items(text, instruction)


def _insert_article(text: _Text, instruction: Insert) -> None:
    if len(instruction.numbers) > 1:
        raise ConsolidationError(instruction, "several articles added in one quote")
    new = Draft(None, (), text.separator, paragraphs_of(instruction.paragraphs), 0)
    if instruction.numbers:
        text.added.append((instruction.numbers[0], new))
    elif instruction.after is not None:
        text.article(instruction.after, instruction)
        text.added_after.append((instruction.after.article or 0, new))


def _insert_paragraphs(text: _Text, instruction: Insert) -> None:
    draft = text.article(instruction.within or Place(None), instruction)
    groups = paragraphs_of(instruction.paragraphs)
    if instruction.numbers and len(instruction.numbers) not in (1, len(groups)):
        raise ConsolidationError(
            instruction, f"{len(instruction.numbers)} 款 added from {len(groups)} paragraphs"
        )
    if len(instruction.numbers) == 1:
        draft.added.append((instruction.numbers[0], groups))
    elif instruction.numbers:
        draft.added.extend((n, [g]) for n, g in zip(instruction.numbers, groups, strict=True))
    else:
        after = instruction.after.paragraph if instruction.after else None
        if not after or after > len(draft.paragraphs):
            raise ConsolidationError(instruction, "the 款 it follows is not in the article")
        draft.added_after.append((after, groups))


def _insert_items(text: _Text, instruction: Insert) -> None:
    paragraph = text.paragraph(instruction.within or Place(None), instruction)
    lines = instruction.paragraphs
    numbers = instruction.numbers
    if not numbers and instruction.after is not None:
        start = (instruction.after.item or 0) + 1
        numbers = tuple(range(start, start + len(lines)))
    if len(numbers) != len(lines):
        raise ConsolidationError(instruction, f"{len(numbers)} 项 added from {len(lines)} paragraphs")
    paragraph.added_items.extend(zip(numbers, lines, strict=True))


def _unsupported(text: _Text, instruction: Unsupported) -> None:
    raise ConsolidationError(instruction, f"not applied: {instruction.reason}")


def _nothing(text: _Text, instruction: Renumber | Reorder) -> None:
    """Renumbering is done for every text at the end, and checked against what the decision says."""


_ONE: dict[type, Callable[[_Text, Any], None]] = {
    Replace: _replace,
    Substitute: _substitute,
    Delete: _delete,
    Insert: _insert,
    InsertText: _insert_text,
    Renumber: _nothing,
    Reorder: _nothing,
    Unsupported: _unsupported,
}


def _ordered(text: _Text) -> list[Draft]:
    kept: list[Draft] = []
    for draft in text.drafts:
        if not draft.deleted:
            kept.append(draft)
        kept.extend(new for old, new in text.added_after if old == draft.old)
    for number, new in sorted(text.added, key=lambda pair: pair[0]):
        if number - 1 > len(kept):
            raise AssemblyError(f"第{_cn(number)}条 added after {len(kept)} articles")
        kept.insert(number - 1, new)
    for k, draft in enumerate(kept):
        if draft.old is None:  # an added article belongs to the 章/节 of the one before it
            draft.path = kept[k - 1].path if k else (kept[1].path if len(kept) > 1 else ())
    return kept


def _numbered(ordered: list[Draft], text: _Text) -> tuple[Article, ...]:
    first = min((d.old for d in text.drafts if d.old), default=1)
    out = []
    for k, draft in enumerate(ordered):
        number = first + k
        heading = f"第{int_to_cn(number)}条"
        body = "\n".join(draft.assembled())
        out.append(
            Article(_label(draft.path, number), "article", number, heading, draft.path,
                    f"{heading}{draft.separator}{body}", draft.line)
        )  # fmt: skip
    return tuple(out)


_PART = re.compile(r"^第\s*(?P<n>[一二三四五六七八九十百零〇两0-9０-９]+)\s*(?P<kind>[章节])")


def _label(path: tuple[str, ...], number: int) -> str:
    """ch2/a15, ch1/s2/a7, a15: the label ``ingest.structure`` gives the same article."""
    parts = []
    for title in path:
        if m := _PART.match(title):
            parts.append(("ch" if m["kind"] == "章" else "s") + str(cn_to_int(m["n"])))
    return "/".join([*parts, f"a{number}"])


def _check_renumbering(text: _Text, ordered: list[Draft], instructions: Sequence[Instruction]) -> None:
    first = min((d.old for d in text.drafts if d.old), default=1)
    new_number: dict[int, int] = {d.old: first + k for k, d in enumerate(ordered) if d.old is not None}
    for instruction in instructions:
        if not isinstance(instruction, Renumber):
            continue
        old, new = instruction.old, instruction.new
        if old.item is not None or old.paragraph is not None:
            _check_item_renumbering(text, instruction)
            continue
        got = new_number.get(old.article or 0)
        if got != new.article:
            raise ConsolidationError(
                instruction,
                f"the decision makes 第{_cn(old.article)}条 第{_cn(new.article)}条, the text gives {got}",
            )


def _check_item_renumbering(text: _Text, instruction: Renumber) -> None:
    old, new = instruction.old, instruction.new
    if old.item is None or new.item is None or (new.paragraph is not None and new.paragraph != old.paragraph):
        raise ConsolidationError(instruction, "not applied: moving a 款 or 项 to another place")
    paragraph = text.paragraph(old, instruction)
    if paragraph.item_numbers.get(old.item - 1) != new.item:
        raise ConsolidationError(instruction, f"{old.describe()} does not become 第{_cn(new.item)}项")


def _last_insert(instructions: Sequence[Instruction]) -> Instruction:
    return next(i for i in reversed(instructions) if isinstance(i, Insert))
