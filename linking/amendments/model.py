"""Typed, frozen records of what an amendment decision (修改决定, 修正案) tells a text to do.

Every article, 款 and 项 number in an instruction is the OLD text's number, except where the
instruction names the new place (增加一条，作为第N条; 将第十一条改为第十条): those are numbers of the
NEW text. ``quote`` is the clause as written and ``line`` its 1-based line in the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.numerals import int_to_cn


@dataclass(frozen=True)
class Place:
    """第N条[第K款][第J项]; ``article`` None means the whole text (将本办法中的…)."""

    article: int | None
    paragraph: int | None = None
    item: int | None = None

    def describe(self) -> str:
        if self.article is None:
            return "the whole text"
        parts = [f"第{int_to_cn(self.article)}条"]
        parts += [f"第{int_to_cn(self.paragraph)}款"] if self.paragraph else []
        parts += [f"第{int_to_cn(self.item)}项"] if self.item else []
        return "".join(parts)


@dataclass(frozen=True)
class Replace:
    """将第N条[第K款][第J项]修改为："…": the units at ``places`` become ``paragraphs``."""

    places: tuple[Place, ...]
    paragraphs: tuple[str, ...]
    quote: str
    line: int


@dataclass(frozen=True)
class Substitute:
    """将第N条中的"A"修改为"B"; ``every`` for 统一修改为 and for the whole text (本办法中的)."""

    places: tuple[Place, ...]
    old: str
    new: str
    every: bool
    quote: str
    line: int


@dataclass(frozen=True)
class Delete:
    """删去第N条 / 第N条第K款 / 第J项."""

    place: Place
    quote: str
    line: int


@dataclass(frozen=True)
class Insert:
    """增加一条，作为第N条 / 在第N条后增加一款，作为第K款 / 增加一项，作为第J项.

    ``unit`` is "article", "paragraph" or "item"; ``numbers`` are places in the NEW text (one per
    added unit); ``within`` is the old article (and 款 for items) that receives a 款 or 项;
    ``after`` the old unit it follows when the decision gives no new number.
    """

    unit: str
    numbers: tuple[int, ...]
    within: Place | None
    after: Place | None
    paragraphs: tuple[str, ...]
    quote: str
    line: int


@dataclass(frozen=True)
class InsertText:
    """在第N条中的"A"后增加"B" (or 前: before)."""

    place: Place
    anchor: str
    text: str
    before: bool
    quote: str
    line: int


@dataclass(frozen=True)
class Renumber:
    """将第N条改为第M条: a check that old ``old`` is new ``new`` once deletions and additions are done."""

    old: Place
    new: Place
    quote: str
    line: int


@dataclass(frozen=True)
class Reorder:
    """此外，对…条文顺序作相应调整: renumbering the decision leaves implicit (always done)."""

    quote: str
    line: int


@dataclass(frozen=True)
class Unsupported:
    """A clause that changes the text in a way this parser does not read (合并, 章/节 changes,
    moving a 项 to another 款, 第N条之一): applying it fails, so the text is never half right."""

    reason: str
    quote: str
    line: int


Instruction = Replace | Substitute | Delete | Insert | InsertText | Renumber | Reorder | Unsupported


@dataclass(frozen=True)
class TargetInstructions:
    """The instructions of one decision for one document, named as the decision names it."""

    target: str
    instructions: tuple[Instruction, ...]
