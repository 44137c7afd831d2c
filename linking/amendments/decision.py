"""A decision's text -> its instructions, grouped per target document.

The target is named as the decision names it: 《X》 at the head of a numbered part (一、将《X》第…,
二、删去《X》第…, 对《X》作如下修改); the title of a decision about one regulation (关于修改《X》的决定);
the law a 修正案 amends (中华人民共和国刑法修正案（十一） acts on 刑法, named bare in its clauses:
将刑法第一百三十三条…).
"""

from __future__ import annotations

import re

from linking.amendments.clauses import read_clause
from linking.amendments.model import Instruction, Place, Reorder, TargetInstructions
from linking.amendments.quotes import Masked, mask

_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[0-9０-９]+[.．、]|[（(][一二三四五六七八九十]+[）)])"
)
# 将《X》第… / 删去《X》第… / 对《X》作如下修改; a bare 《X》 only as a numbered heading (一、《X》).
_TARGET = re.compile(r"^(?:(?:将|删去|在|对|修改|把)《(?P<name>[^》]+)》|《(?P<heading>[^》]+)》[:：]?$)")
_ONE_TARGET = re.compile(r"关于(?:修改|修订)《(?P<name>[^》]+)》的决定")
_AMENDMENT = re.compile(r"^(?P<name>.+?)修正案(?:[（(][一二三四五六七八九十]+[）)])?$")
# 此外，对相关行政法规中的条文序号作相应调整 (2022-03-29 and 2024-12-06 decisions, last line of 附件1).
_REORDER = re.compile(r"(?:条文|条款|章节)(?:的)?(?:顺序|序号)作(?:相应|了相应)调整")
_SENTENCE = re.compile(r"[。；;]")
# Between clauses: a comma not before 作为 (增加一条，作为第N条 is one clause); 、原 between renumberings
# (2024-12-06 decision 九: 原第五项改为第二项、原第七项改为第三项); a closed quote followed
# at once by the next clause; a numbered part run into the line before, as web pages print a
# decision on one line (交通运输部关于修改《民用航空器国籍登记规定》的决定, 2022-07-12: …作如下修改：
# 一、将第六条修改为：“…”二、将第二十一条修改为…).
_CLAUSE = re.compile(
    r"[，,](?!作为)|、(?=原第)|[:：](?=[一二三四五六七八九十]+、)|(?<=\ue001)(?=[第将删增在原并])"
    r"|(?<=\ue001)[一二三四五六七八九十]+、"
)
_BLANKS = re.compile(r"\s+")


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
    context: tuple[Place, ...] = ()  # a paragraph may go on with the article the one before named
    for line, raw in lines:
        skeleton = _BLANKS.sub("", raw).lstrip("#")
        numbered = _NUMBERED.match(skeleton)
        skeleton = skeleton[numbered.end() :] if numbered else skeleton
        named = _TARGET.match(skeleton)
        if named and (named["name"] or numbered):
            target = named["name"] or named["heading"]
            skeleton = skeleton.replace(f"《{target}》", "※", 1)
            context = ()
        elif numbered and default is None:
            target = None  # 附件2's list of repealed regulations follows the last target
        if target is None or not skeleton:
            continue
        found, context = _instructions(skeleton, masked, line, target, context)
        groups.setdefault(target, []).extend(found)
    return tuple(TargetInstructions(name, tuple(found)) for name, found in groups.items() if found)


def _default_target(title: str) -> str | None:
    title = _BLANKS.sub("", title)
    if m := _ONE_TARGET.search(title):
        return m["name"]
    if m := _AMENDMENT.match(title):
        return m["name"]
    return None


def _instructions(
    skeleton: str, masked: Masked, line: int, target: str, context: tuple[Place, ...]
) -> tuple[list[Instruction], tuple[Place, ...]]:
    found: list[Instruction] = []
    substituted: tuple[Place, ...] | None = None
    for sentence in _SENTENCE.split(skeleton):
        if _REORDER.search(sentence):
            found.append(Reorder(masked.unmask(sentence), line))
            continue
        for clause in _CLAUSE.split(sentence):
            if not clause:
                continue
            read = read_clause(clause, masked, line, target, context, substituted)
            found.extend(read.instructions)
            context, substituted = read.context or context, read.substituted
    return found, context
