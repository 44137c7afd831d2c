"""One clause of a decision -> one or more instructions.

A clause is a piece of a sentence between commas, or after a closing quote when the next clause
starts at once (2022-03-29 decision 十一: 将第四条第一款修改为“…”第二款中的“A”修改为“B”). Quotes are
masked (``quotes.Masked``), the target's 《name》 is the mark ※, whitespace is gone. Numbers are
read against the ``context``: the places the clause before named (将第十七条改为第十六条，将第一款
修改为… is 第十七条第一款).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.numerals import cn_to_int
from linking.amendments.model import (
    Delete,
    Insert,
    InsertText,
    Instruction,
    Place,
    Renumber,
    Replace,
    Substitute,
    Unsupported,
)
from linking.amendments.places import LOCS, PlaceError, parse_places
from linking.amendments.quotes import Masked

_Q = "\ue000(?P<{}>\\d+)\ue001"
# The whole text: 本办法中的 / 全文中的 (吉林市 2024-12-16 decision 二十: 将全文中的“土地行政主管部门”…).
_OWN = "本(?:办法|条例|规定|法|细则|规则|规范|决定)|全文"
_SCOPE = rf"(?P<scope>{LOCS}|{_OWN}|※|其|该条|该款|该项)?(?:中的|中)?"
_PATTERNS = (
    ("renumber", rf"原?(?P<old>{LOCS})(?P<each>分别)?(?:修改|改)为(?P<new>{LOCS})"),
    ("replace", rf"(?P<locs>{LOCS})?(?:修改|改)为[:：]?{_Q.format('a')}"),
    # “A”、“B”修改为“C”: each of the quoted texts becomes the one after 修改为
    (
        "substitute",
        rf"{_SCOPE}(?P<qs>\ue000\d+\ue001(?:[和、及]\ue000\d+\ue001)*)(?P<every>统一)?(?:修改|改)为[:：]?"
        + _Q.format("b"),
    ),
    ("delete", rf"删(?:去|除)(?P<locs>{LOCS})"),
    ("delete_text", rf"删(?:去|除){_SCOPE}(?P<qs>\ue000\d+\ue001(?:[和、及]\ue000\d+\ue001)*)"),
    (
        "insert_text",
        rf"在{_SCOPE}{_Q.format('a')}(?P<pos>后面|之后|后|之前|前)增加[:：]?{_Q.format('b')}",
    ),
    (
        "insert",
        rf"(?:在(?P<after>{LOCS})(?:后|之后))?(?P<within>{LOCS})?增加(?P<count>[一二三四五六七八九十两]+)"
        rf"(?P<unit>[条款项])[，,]?(?:作为(?P<as>{LOCS}))?[:：]?{_Q.format('a')}",
    ),
)
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _PATTERNS)
_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:并且|并将|同时将|同时|并|将|把|另)?")
# Words that change a text; a clause with none of them (对…作如下修改, 本决定自…施行) says nothing to apply.
_VERBS = re.compile(r"修改为|改为|删去|删除|增加|增写|合并|移作|调整为|废止第")
_PLACES = re.compile(LOCS)
_UNITS = {"条": "article", "款": "paragraph", "项": "item"}


@dataclass(frozen=True)
class Read:
    """What a clause gave: its instructions and the places the next clause reads against."""

    instructions: tuple[Instruction, ...]
    context: tuple[Place, ...]
    substituted: tuple[Place, ...] | None  # the places of a 中的"A"修改为"B", for "C"修改为"D" after it


def read_clause(
    clause: str,
    masked: Masked,
    line: int,
    target: str,
    context: tuple[Place, ...],
    substituted: tuple[Place, ...] | None,
) -> Read:
    """Read ``clause`` (masked, ※ for 《target》) against the places the clauses before it named."""
    body = _LEAD.sub("", _target_dropped(clause, target))
    quote = masked.unmask(clause).replace("※", f"《{target}》")
    if not _VERBS.search(body):
        return Read((), context, substituted)
    for kind, pattern in _COMPILED:
        m = pattern.fullmatch(body)
        if m:
            try:
                return _READERS[kind](m, masked, _At(quote, line, context, substituted))
            except PlaceError as error:
                return Read((Unsupported(str(error), quote, line),), (), None)
    # The next clause reads against what this one named (l01 三（五）: 在第十条第一款后增加“…”；
    # 将第二款修改为… is 第十条第二款).
    named = _PLACES.search(body)
    try:
        context = parse_places(named.group(), context[0] if context else None) if named else ()
    except PlaceError:
        context = ()
    return Read((Unsupported("a form this parser does not read", quote, line),), context, None)


def _target_dropped(clause: str, target: str) -> str:
    """将《X》第… and, in a 修正案, the law named bare (将刑法第十七条…) read as 将第…."""
    for name in ("※", target, target.removeprefix("中华人民共和国")):
        clause = clause.replace(f"{name}第", "第")
    return clause


@dataclass(frozen=True)
class _At:
    quote: str
    line: int
    context: tuple[Place, ...]
    substituted: tuple[Place, ...] | None

    def places(self, text: str | None) -> tuple[Place, ...]:
        if not text:
            return self.context
        return parse_places(text, self.context[0] if self.context else None)

    def scope(self, m: re.Match[str]) -> tuple[Place, ...]:
        scope = m["scope"]
        if scope is None:
            return self.substituted or self.context or (Place(None),)
        if scope == "※" or scope.startswith("本") or scope == "全文":
            return (Place(None),)
        if scope in ("其", "该条", "该款", "该项"):
            return self.context or (Place(None),)
        return self.places(scope)


def _renumber(m: re.Match[str], masked: Masked, at: _At) -> Read:
    old, new = at.places(m["old"]), at.places(m["new"])
    if len(old) != len(new):
        return Read((Unsupported("renumbering lists of different lengths", at.quote, at.line),), (), None)
    return Read(tuple(Renumber(a, b, at.quote, at.line) for a, b in zip(old, new, strict=True)), old, None)


def _replace(m: re.Match[str], masked: Masked, at: _At) -> Read:
    places = at.places(m["locs"])
    if not places or places[0].article is None:
        return Read((Unsupported("replacing with no article named", at.quote, at.line),), (), None)
    replace = Replace(places, masked.paragraphs(int(m["a"])), at.quote, at.line)
    return Read((replace,), places, None)


def _substitute(m: re.Match[str], masked: Masked, at: _At) -> Read:
    places = at.scope(m)
    every = bool(m["every"]) or places == (Place(None),)
    new = masked.text(int(m["b"]))
    instructions = tuple(
        Substitute(places, masked.text(int(old)), new, every, at.quote, at.line) for old in _quoted(m["qs"])
    )
    return Read(instructions, places if places != (Place(None),) else at.context, places)


def _quoted(marks: str) -> list[str]:
    """The numbers of the masked quotes in ``marks`` (“A”、“B” masked)."""
    return re.findall("\ue000(\\d+)\ue001", marks)


def _delete(m: re.Match[str], masked: Masked, at: _At) -> Read:
    places = at.places(m["locs"])
    return Read(tuple(Delete(place, at.quote, at.line) for place in places), places, None)


def _delete_text(m: re.Match[str], masked: Masked, at: _At) -> Read:
    places = at.scope(m)
    every = places == (Place(None),)
    found = (masked.text(int(i)) for i in _quoted(m["qs"]))
    instructions = tuple(Substitute(places, old, "", every, at.quote, at.line) for old in found)
    return Read(instructions, places if not every else at.context, None)


def _insert_text(m: re.Match[str], masked: Masked, at: _At) -> Read:
    places = at.scope(m)
    before = m["pos"] in ("前", "之前")
    anchor, text = masked.text(int(m["a"])), masked.text(int(m["b"]))
    instructions = tuple(InsertText(place, anchor, text, before, at.quote, at.line) for place in places)
    return Read(instructions, places, None)


def _insert(m: re.Match[str], masked: Masked, at: _At) -> Read:
    unit = _UNITS[m["unit"]]
    after = at.places(m["after"])[0] if m["after"] else None
    base = after or (at.places(m["within"])[0] if m["within"] else None) or (at.context[:1] or (None,))[0]
    numbers = tuple(_number_in(place, unit) for place in at.places(m["as"])) if m["as"] else ()
    if len(numbers) not in (0, cn_to_int(m["count"])) or (unit != "article" and base is None):
        return Read((Unsupported("an addition whose place cannot be read", at.quote, at.line),), (), None)
    if not numbers and after is None:
        return Read((Unsupported("an addition with no place", at.quote, at.line),), (), None)
    within = None if base is None or unit == "article" else _within(base, unit)
    after = after if after is not None and getattr(after, unit) is not None else None
    paragraphs = masked.paragraphs(int(m["a"]))
    insert = Insert(unit, numbers, within, after, paragraphs, at.quote, at.line)
    return Read((insert,), (within,) if within else (), None)


def _within(base: Place, unit: str) -> Place:
    return Place(base.article) if unit == "paragraph" else Place(base.article, base.paragraph)


def _number_in(place: Place, unit: str) -> int:
    number = {"article": place.article, "paragraph": place.paragraph, "item": place.item}[unit]
    if number is None:
        raise PlaceError(f"作为… names no {unit}")
    return number


_READERS = {
    "renumber": _renumber,
    "replace": _replace,
    "substitute": _substitute,
    "delete": _delete,
    "delete_text": _delete_text,
    "insert_text": _insert_text,
    "insert": _insert,
}
