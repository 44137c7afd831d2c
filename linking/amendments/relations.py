"""An amendment decision read as relations: one ``amends`` per document it amends, not citations.

A decision (关于修改《X》的决定, 关于修改和废止…等N件部门规章的决定, 国务院关于修改部分行政法规的决定,
…修正案, or an attachment 国务院决定修改的行政法规) is recognised by its title or by instructions
``parse_decision`` reads in it. Each target gets one ``amends`` whose scope lists the places its
instructions touch (format: ``linking.model.ExtractedRelation``). The sentences of the decision are
still read for what it repeals, with the new text its instructions quote blanked (a 《…》 or 废止
quoted as the amended text's words is not the decision's own statement) and its own title line
blanked (关于修改和废止《X》… names the decision, it states nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from linking.amendments.decision import parse_decision
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
    TargetInstructions,
    Unsupported,
)
from linking.amendments.places import LOCS, PlaceError, parse_places
from linking.mentions import Mention, find_aliases, find_mentions
from linking.model import Citation, ExtractedRelation, SourceDoc
from linking.rules import NUMBERED, TITLED
from linking.titles import title_key

# l01 国家卫生健康委关于修改和废止部分部门规章的决定, l06 国务院关于修改和废止部分行政法规的决定,
# l10 …关于废止和修改《…》等22部地方性法规的决定; 刑法修正案（十一）.
# An attachment titled by what it lists: 国务院决定修改的行政法规, 农业农村部决定修改的规章 (m05).
_TITLE = re.compile(
    r"关于(?:废止和)?(?:修改|修订)(?:和废止)?.{0,80}的决定$|修正案(?:[（(][一二三四五六七八九十]+[）)])?$"
    r"|决定(?:修改|修订)的.{0,20}$"
)
# Cheap test before parsing a text without such a title: an instruction names its target so.
# Every instruction changes words by one of these verbs (修改为, 改为, 删去, 增加): a text without any
# states no amendment however it names other documents (001: 21 of 85 documents name 《…》 after 对).
_CHANGE_VERB = re.compile(r"改为|删去|增加")
_GRAMMAR = re.compile(r"(?:将|删去|对|修改)《[^》\n]{2,60}》")
# Instruction quotes end at their closing mark; one left open does not blank the rest of the text.
_QUOTE = re.compile(r"“[^”]{0,3000}”|「[^」]{0,3000}」")
_STATEMENT = re.compile(r"[《。；;]")
# An addition of whole units without its new number (l01 血站管理办法 在第六十一条后增加一条)
# touches no place of the old text.
_ADDS_UNIT = re.compile(r"增加[一二三四五六七八九十两]+[条款项]")
_LOCS = re.compile(LOCS)
_CLAUSE_END = re.compile(r"[。；;\n]")
# The numbered heading that names a target: l01 "…部门规章一、修改《医师执业注册管理办法》".
_HEADING = re.compile(r"(?:[一二三四五六七八九十百]+、|[0-9]+[、.．])(?:修改|将|删去|对|在|把)?$")


@dataclass(frozen=True)
class Decision:
    """What extraction needs of a decision: its relations, and its text to read sentence by sentence."""

    relations: tuple[ExtractedRelation, ...]
    text: str  # the decision's text, instruction quotes and its own title blanked (same length)
    targets: frozenset[str]  # title keys of the documents it amends: never cited by it

    def not_amended(self, mentions: list[Mention]) -> list[Mention]:
        """``mentions`` without the documents the decision amends (their relation is made once)."""
        return [m for m in mentions if title_key(m.citation.title or "") not in self.targets]


def read_decision(doc: SourceDoc, effective_date: date | None) -> Decision | None:
    """The decision ``doc`` is, or None when it is no amendment decision."""
    titled = bool(_TITLE.search(_compact(doc.title)))
    if not titled and not (_CHANGE_VERB.search(doc.text) and _GRAMMAR.search(doc.text)):
        return None  # most documents: neither the title nor the grammar of a decision
    groups = [g for g in parse_decision(doc.text, doc.title) if _changes(g)]
    if not groups and not titled:
        return None
    named = _named(doc.text)
    merged: dict[str, tuple[Citation, list[TargetInstructions]]] = {}
    for group in groups:
        citation = named.get(group.target) or Citation(None, None, group.target)
        merged.setdefault(title_key(citation.title or ""), (citation, []))[1].append(group)
    relations = tuple(_relation(doc, c, found, effective_date) for c, found in merged.values())
    targets = frozenset([*merged, *(title_key(g.target) for g in groups)])
    return Decision(relations, _blanked(doc.text, doc.title), targets)


def scope_of(instructions: tuple[Instruction, ...]) -> str:
    """The places touched, in order of first mention, joined by 、; "whole" when none is named.

    A renumbered article counts only when nothing inside it is named: l06 二 将第十六条改为第十五条，
    将第一项修改为… touches 第十六条第一项, not the whole 第十六条."""
    places: dict[Place, None] = {}
    for instruction in instructions:
        places.update((p, None) for p in _touched(instruction) if p.article is not None)
    renumbered = {i.old for i in instructions if isinstance(i, Renumber)}
    kept = [p for p in places if p not in renumbered or not any(_inside(q, p) for q in places)]
    return "、".join(p.describe() for p in kept) or "whole"


def _inside(inner: Place, outer: Place) -> bool:
    """Whether ``inner`` is a part of ``outer`` (第十六条第一项 of 第十六条)."""
    if inner == outer or inner.article != outer.article or outer.item is not None:
        return False
    return outer.paragraph is None or (inner.paragraph == outer.paragraph and inner.item is not None)


def _changes(group: TargetInstructions) -> bool:
    """Whether the instructions change the text: l01 三 将《卫生行政执法文书规范》调整为规范性文件
    names neither a place nor new words (a reclassification, not an amendment); 条款顺序作相应调整
    alone follows other changes and is none (s04: after a list of repealed regulations)."""
    return any(
        isinstance(i, Unsupported)
        and (_LOCS.search(i.quote) or "“" in i.quote)
        or not isinstance(i, (Unsupported, Reorder))
        for i in group.instructions
    )


def _touched(instruction: Instruction) -> tuple[Place, ...]:
    match instruction:
        case Replace(places=places) | Substitute(places=places):
            return places
        case Delete(place=place) | InsertText(place=place):
            return (place,)
        case Renumber(old=old):
            return (old,)
        case Insert(unit=unit, numbers=numbers, within=within):
            return tuple(_added(unit, n, within) for n in numbers)
        case Unsupported(quote=quote):
            return _named_first(quote)
    return ()


def _added(unit: str, number: int, within: Place | None) -> Place:
    """A unit added with its new number (增加一款，作为第五款) is a place of the new text."""
    if unit == "article" or within is None:
        return Place(number)
    if unit == "paragraph":
        return Place(within.article, number)
    return Place(within.article, within.paragraph, number)


def _named_first(quote: str) -> tuple[Place, ...]:
    """The places an unread clause acts on: the first run it names (l10 十、（二）将第七条第一款、
    第二款合并，作为第一款 -> 第七条第一款, 第七条第二款)."""
    body = re.sub(r"《[^》]*》|“[^”]*”", "", quote)
    run = _LOCS.search(body)
    if run is None or _ADDS_UNIT.search(body):
        return ()
    try:
        return parse_places(run.group(), None)
    except PlaceError:
        return ()


def _named(text: str) -> dict[str, Citation]:
    """How the decision names documents: 《X》 with its 文号 where it gives one, and short titles
    (对《…解释》（法释〔2008〕5号，以下简称《解释》）作如下修改：一、将《解释》第二条…)."""
    named: dict[str, Citation] = {}
    for line in text.split("\n"):
        if "《" not in line:
            continue
        mentions = find_mentions(line)
        for mention in mentions:
            title = mention.citation.title
            if title and (title not in named or not named[title].doc_number_canonical):
                named[title] = mention.citation
        for alias, citation in find_aliases(line, mentions).items():
            named.setdefault(alias, citation)
    return named


def _relation(
    doc: SourceDoc, citation: Citation, groups: list[TargetInstructions], effective_date: date | None
) -> ExtractedRelation:
    quote, line = _naming(doc.text, groups[0])
    return ExtractedRelation(
        kind="amends",
        citation=citation,
        scope=scope_of(tuple(i for g in groups for i in g.instructions)),
        effective_date=effective_date,
        quote=quote,
        line=doc.start_line + line - 1,
        confidence=NUMBERED if citation.doc_number_canonical else TITLED,
    )


def _naming(text: str, group: TargetInstructions) -> tuple[str, int]:
    """The clause that first names the target at or before its first instruction, and its line."""
    first = group.instructions[0]
    lines = text.split("\n")
    for number, raw in enumerate(lines[: first.line], start=1):
        at = raw.find(f"《{group.target}》")
        if at >= 0:
            start = max((m.end() for m in _CLAUSE_END.finditer(raw, 0, at)), default=0)
            heading = _HEADING.search(raw, start, at)
            start = heading.start() if heading else start
            end = _CLAUSE_END.search(raw, at)
            return raw[start : end.end() if end else len(raw)].strip(), number
    return first.quote, first.line  # a 修正案 names its law bare: 将刑法第十七条…


def _blanked(text: str, title: str) -> str:
    """``text`` with the new words its instructions quote, and its own title line, blanked."""
    text = _QUOTE.sub(lambda m: _blank(m.group()) if _STATEMENT.search(m.group()) else m.group(), text)
    own = title_key(title)
    lines = text.split("\n")
    return "\n".join(" " * len(line) if own and title_key(line) == own else line for line in lines)


def _blank(quote: str) -> str:
    return quote[0] + "".join(ch if ch == "\n" else "□" for ch in quote[1:-1]) + quote[-1]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)
