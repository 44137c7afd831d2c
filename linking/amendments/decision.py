"""A decision's text -> its instructions, grouped per target document.

The target is named as the decision names it: 《X》 at the head of a numbered part (一、将《X》第…,
二、删去《X》第…, 对《X》作如下修改); the title of a decision about one regulation (关于修改《X》的决定);
the law a 修正案 amends (中华人民共和国刑法修正案（十一） acts on 刑法, named bare in its clauses:
将刑法第一百三十三条…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linking.amendments.clauses import read_clause
from linking.amendments.model import Instruction, Place, Reorder, TargetInstructions
from linking.amendments.places import LOCS
from linking.amendments.quotes import Masked, mask

_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[0-9０-９]+[.．、]|[（(][一二三四五六七八九十]+[）)])"
)
# 将《X》第… / 删去《X》第… / 对《X》作如下修改; a bare 《X》 only as a numbered heading (一、《X》).
# The heading may give the document's date or 文号 in brackets (中国民用航空总局令第60号, 1997:
# 一、《关于颁发航行情报员执照的暂行规定》（１９８６年３月１５日发布）).
_TARGET = re.compile(
    r"^(?:(?:将|删去|在|对|修改|把)《(?P<name>[^》]+)》"
    r"|《(?P<heading>[^》]+)》(?:[（(][^（()）]*[）)])?[:：]?(?=$|第|删去|删除|将|在))"
)
_ONE_TARGET = re.compile(r"关于(?:修改|修订)《(?P<name>[^》]+)》的决定")
_AMENDMENT = re.compile(r"^(?P<name>.+?)修正案(?:[（(][一二三四五六七八九十]+[）)])?$")
# 此外，对相关行政法规中的条文序号作相应调整 (2022-03-29 and 2024-12-06 decisions, last line of 附件1).
_REORDER = re.compile(r"(?:条文|条款|章节)(?:的)?(?:顺序|序号)作(?:相应|了相应)调整")
_SENTENCE = re.compile(r"[。；;]")
# Between clauses: a comma not before 作为 (增加一条，作为第N条 is one clause); 、原 between renumberings
# (2024-12-06 decision 九: 原第五项改为第二项、原第七项改为第三项; not in 吉林市 2024-12-16 decision
# 十九 删去原第六十二条、原第六十三条); a closed quote followed
# at once by the next clause; a numbered part run into the line before, as web pages print a
# decision on one line (交通运输部关于修改《民用航空器国籍登记规定》的决定, 2022-07-12: …作如下修改：
# 一、将第六条修改为：“…”二、将第二十一条修改为…).
_CLAUSE = re.compile(
    r"[，,](?!作为)|、(?=原第[^，,、]*改为)|[:：](?=[一二三四五六七八九十]+、)|(?<=\ue001)(?=[第将删增在原并])"
    r"|(?<=\ue001)[一二三四五六七八九十]+、"
)
_BLANKS = re.compile(r"\s+")
# A numbered part run into the text before it, as pages that lost their line breaks print a
# decision (国家卫生健康委 2026-06-05 decision: …部门规章一、修改《医师执业注册管理办法》（一）将“…”
# 统一修改为“…”；…“…”二、修改《…》): before 一、 naming a target, before （一） giving an instruction;
# after a full stop or a quote, before 六、《X》 (中国民用航空总局令第60号: …修改为"收回"。六、《航空公司航行
# 资格审定规则》（…发布）), and after that heading before its first item (…（…发布）１、第七条…).
_PART = re.compile(
    r"(?<=[^第、一二三四五六七八九十百零])(?=[一二三四五六七八九十]+、(?:修改|将|删去|对|在|把)《)"
    r"|(?<=[。；;：:\ue001])(?=[一二三四五六七八九十]+、《)"
    r"|(?<=[》）)])(?=[0-9０-９]+[、．.](?:第|将|删去|删除|在))"
    r"|(?<=[。；;》\ue001])(?=[（(][一二三四五六七八九十]+[）)](?:将|删去|在|对|把|增加))"
)
# Another document named in a clause, with places: 将《A》第二十七条、《B》第二十八条中的…
_OTHER_TARGET = re.compile(r"[、和及]?《(?P<name>[^》]+)》(?=第)")
_LOCS = re.compile(LOCS)
# A heading that gives one instruction for every item listed under it, each item naming only a
# document and its places (2009-08-27 decision of the NPC Standing Committee, part 二（一）:
# 将下列法律和法律解释中的“征用”修改为“征收、征用” / 6．《中华人民共和国森林法》第十八条). A change
# described, not quoted (三（二）将下列法律中引用…的规定修改为“依照刑法有关规定”), is read as a change
# this parser cannot apply, with its places.
_LISTED = re.compile(r"^(?P<verb>将|删去)下列[^\ue000，,。；;]*?中(?P<rest>.+)$")
_LISTED_ITEM = re.compile(rf"^《(?P<name>[^》]+)》(?P<places>{LOCS})[。；;]?$")


def parse_decision(text: str, title: str | None = None) -> tuple[TargetInstructions, ...]:
    """Instructions of the decision ``text`` (plain text, one paragraph a line), per target.

    ``title`` defaults to the first non-blank line. Parts of the text that are not instructions
    (preamble, 本决定自…起施行, a list of repealed regulations) give none.
    """
    masked = mask(text)
    lines = masked.lines()
    title = title or next((masked.unmask(s).strip().lstrip("# ") for _, s in lines if s.strip()), "")
    default = _default_target(title)
    groups: dict[str, list[Instruction]] = {}
    target = default
    level = None  # how the part naming the target is numbered: a sibling part ends it
    context: tuple[Place, ...] = ()  # a paragraph may go on with the article the one before named
    listed: _Listed | None = None
    for line, raw in lines:
        for part in _PART.split(_BLANKS.sub("", raw).lstrip("#")):
            numbered = _NUMBERED.match(part)
            skeleton = part[numbered.end() :] if numbered else part
            listed = listed.next(numbered) if listed else None
            if heading := _LISTED.match(skeleton):
                listed = _Listed(heading["verb"], heading["rest"])
                target = None
                continue
            named = _TARGET.match(skeleton)
            if listed and numbered and (item := _LISTED_ITEM.match(skeleton)):
                target, level, context = item["name"], _level(numbered), ()
                skeleton = listed.clause(item["places"])
            elif named and (named["name"] or numbered):
                target, level = named["name"] or named["heading"], _level(numbered)
                if named["heading"]:  # 七、《X》（…发布）第１０条修改为… goes on with its first clause
                    skeleton = skeleton[named.end() :]
                else:
                    skeleton = skeleton.replace(f"《{target}》", "※", 1)
                context = ()
            elif numbered and default is None and level in (None, _level(numbered)):
                target = None  # 附件2's list of repealed regulations follows the last target
            if target is None or not skeleton:
                continue
            for name, found, after in _instructions(skeleton, masked, line, target, context):
                groups.setdefault(name, []).extend(found)
                context = after if name == target else context
    return tuple(TargetInstructions(name, tuple(found)) for name, found in groups.items() if found)


class _Listed:
    """The instruction of a 将下列…中的“A”修改为“B” heading, for the numbered items below it: they
    keep one numbering, and a part numbered otherwise (the next heading) ends the list. ``rest``
    is the heading after 中: 的“A”修改为“B”."""

    def __init__(self, verb: str, rest: str) -> None:
        self.verb, self.rest = verb, rest
        self.items: str | None = None  # how the items are numbered, once one was seen

    def next(self, numbered: re.Match[str] | None) -> _Listed | None:
        if numbered is None:
            return self
        level = _level(numbered)
        if self.items is None:
            self.items = level
        return self if level == self.items else None

    def clause(self, places: str) -> str:
        return f"{self.verb}※{places}中{self.rest}"


def _default_target(title: str) -> str | None:
    title = _BLANKS.sub("", title)
    if m := _ONE_TARGET.search(title):
        return m["name"]
    if m := _AMENDMENT.match(title):
        return m["name"]
    return None


def _level(numbered: re.Match[str] | None) -> str | None:
    if numbered is None:
        return None
    first = numbered.group()[0]
    return "paren" if first in "（(" else "digit" if first in "0123456789０１２３４５６７８９" else "cn"


def _instructions(
    skeleton: str, masked: Masked, line: int, target: str, context: tuple[Place, ...]
) -> Iterator[tuple[str, list[Instruction], tuple[Place, ...]]]:
    """Per target the part's clauses act on: ``target``, and others a clause names on the way."""
    found: list[Instruction] = []
    substituted: tuple[Place, ...] | None = None
    for sentence in _SENTENCE.split(skeleton):
        if _REORDER.search(sentence):
            found.append(Reorder(masked.unmask(sentence), line))
            continue
        for clause in _CLAUSE.split(sentence):
            if not clause:
                continue
            if others := _shared(clause, target):
                for name, own in others:
                    read = read_clause(own, masked, line, name, (), None)
                    yield name, list(read.instructions), ()
                continue
            read = read_clause(clause, masked, line, target, context, substituted)
            found.extend(read.instructions)
            context, substituted = read.context or context, read.substituted
    yield target, found, context


def _shared(clause: str, target: str) -> list[tuple[str, str]]:
    """将※第N条、《B》第M条中的“X”修改为“Y” -> one clause per document, each with the shared tail
    (吉林市 2010-09-27 decision 二、2: three regulations, one word replaced in each)."""
    names = list(_OTHER_TARGET.finditer(clause))
    if not names or "※" not in clause[: names[0].start()]:
        return []
    starts = [(target, clause.index("※") + 1)] + [(m["name"], m.end()) for m in names]
    ends = [m.start() for m in names] + [len(clause)]
    pieces = [(name, clause[start:end]) for (name, start), end in zip(starts, ends, strict=True)]
    last = _LOCS.match(pieces[-1][1])
    if last is None:
        return []
    tail = pieces[-1][1][last.end() :]
    out = [(name, f"将{piece.rstrip('、和及')}{tail}") for name, piece in pieces[:-1]]
    return [*out, (pieces[-1][0], f"将{pieces[-1][1]}")]
