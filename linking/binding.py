"""Bind a relation phrase to the documents it is about: the named list right before or after it.

"《A》（x）、《B》（y）同时废止" binds both; "《A》规定的…同时废止" binds nothing (the phrase is
about something else). Work is done on the sentence with mentions blanked (``mentions.masked``),
so commas and phrases inside titles never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.docnumber import STANDARD_RE
from linking import enumeration
from linking.mentions import Mention
from linking.model import Citation

# 001 line 876 "同时废止", line 3809 "废止", 004 line 76 "同时失效", "不再执行", "停止执行".
REPEAL_RE = re.compile(
    r"(?:同时|予以|一并|即行|即|均|亦|也)?(?:废止|作废|失效|不再执行|停止执行|停止施行|不再适用)"
)
# "决定废止《…》（…）" names its targets after the phrase.
REPEAL_LEAD = enumeration.REPEAL_LEAD
# "以下文件不再执行：" / "决定废止下列规范性文件：" opens a list, one document per item.
REPEAL_LIST_RE = re.compile(rf"(?:{REPEAL_RE.pattern})[^。；;，,]{{0,16}}[：:]$")
ITEM_START_RE = re.compile(
    r"^(?:[0-9]{1,3}[.、．]|[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|《)"
)
# 004 line 7 "（代替WS/T 347—2011）"; the trap 001 line 4246 "可检测尿素 [Urea] 代替" binds no document.
REPLACE_RE = re.compile(r"代替|替代|取代")
# 001 line 636 "对《…（2023版）》进行了修订完善，形成了《…（2024版）》".
AMEND_RE = re.compile(r"(?:进行了?|作了?|做了?)(?:全面|部分|如下|以下|相应)?的?(?:修订|修改|修正)")
AMEND_OBJECT = ("对",)
AMEND_GAP = re.compile(r"^[)）\]］〕]*(?:的?(?:部分条款|部分内容|有关条款|相关条款|相关内容|部分))?$")
# 001 line 3191 "福建省药品监督管理局修订了《…》，现印发给你们".
REVISED_RE = re.compile(r"(?:修订|修改|修正)(?:完善)?了")
REVISED_LEAD = re.compile(r"^$")
# The source amends only when it says it did so itself: 我委/我局…, 形成了《…》, 现印发. 001 line 1396
# "市卫生健康委组织对《…》进行了修订" reports a revision made elsewhere.
SOURCE_ACTS_RE = re.compile(r"我委|我局|我厅|我们|我办|我部|我中心|本委|本局|省局|市局|决定")
ISSUES_RE = re.compile(r"形成了|现(?:予以?|将|)印发|印发给你们|现予发布|现发布")
# What the source issues itself is no citation: 000 line 470 "联合制定了《…》。现印发给你们",
# 000 line 5 "现发布推荐性卫生行业标准《…》", 002 line 148 "现将《…》印发给你们".
OWN_RE = re.compile(
    r"(?:研究|联合|组织)?(?:制定|起草|编制|形成|印发|出台|发布)了|现将|现发布|现印发|现予印发"
)
OWN_LEAD = re.compile(r"^[\u4e00-\u9fff“”\"]{0,12}$")
# 001 line 636 "按照《关于加强二级公立医院绩效考核工作的通知》（国卫办医发〔2019〕23号）要求".
CITE_RE = re.compile(r"按照|根据|依据|依照|遵照|参照")
_ISSUER = r"(?:[\u4e00-\u9fff]{2,14}(?:委|局|部|院|厅|署|办|会|司|室|中心|政府|组))"
CITE_LEAD = re.compile(rf"^{_ISSUER}?(?:印发的|发布的|制定的|的)?$")
REPLACE_LEAD = re.compile(r"^原?$")

_CLAUSE_BREAK = "，,：:。；;！？!?"
# 004 line 74 "…（国卫办职健发〔2021〕2号）中的附件1《…》和附件2《…》同时失效"; "《…》第五条废止".
SCOPE_RE = re.compile(
    r"附件\s*[0-9一二三四五六七八九十]+|第[一二三四五六七八九十百零〇0-9]+条(?:第[一二三四五六七八九十0-9]+款)?"
)
_BEFORE_SEPARATOR = enumeration.SEPARATOR
_AFTER_SEPARATOR = re.compile(rf"^[)）\]］〕]*(?:[、和与及或]|以及)?{_ISSUER}?$")
_REPEAL_GAP = enumeration.REPEAL_GAP
# A comma, not a phrase, ends a clause when documents are listed: h04 "…发布的《A》，…发布的《B》，同时废止".
_HARD_BREAK = "。；;：:！？!?"
_HISTORY_BEFORE = re.compile(rf"{enumeration.HISTORY}$")


@dataclass
class Target:
    """A bound document and the parts of it the phrase concerns (empty: the whole document)."""

    mention: Mention
    scopes: list[str] = field(default_factory=list)
    former: bool = False  # written 原…《…》: the document the source takes the place of
    parts: list[Mention] = field(default_factory=list)  # titles of the parts: 附件1《…》


@dataclass(frozen=True)
class _Scope:
    start: int
    end: int
    label: str


def targets_before(
    blanked: str, mentions: list[Mention], pos: int, gap: re.Pattern[str] = _REPEAL_GAP
) -> list[Target]:
    """The documents (and parts) listed right before the phrase at ``pos``, in text order."""
    clause_start = max(blanked.rfind(ch, 0, pos) for ch in _HARD_BREAK) + 1
    items: list[Mention | _Scope] = [m for m in mentions if clause_start <= m.start and m.end <= pos]
    items += [
        _Scope(s.start(), s.end(), re.sub(r"\s+", "", s.group()))
        for s in SCOPE_RE.finditer(blanked, clause_start, pos)
    ]
    items.sort(key=lambda item: item.start)
    chain: list[Mention | _Scope] = []
    cursor = pos
    comma = False
    for item in reversed(items):
        between = blanked[item.end : cursor]
        matched = (gap if not chain else _BEFORE_SEPARATOR).match(between)
        if not matched:
            break
        comma = comma or (not chain and bool(matched.groupdict().get("comma")))
        chain.insert(0, item)
        cursor = item.start
    if (
        comma
        and len([i for i in chain if isinstance(i, Mention)]) < 2
        and not _HISTORY_BEFORE.search(blanked[clause_start:cursor])
    ):
        return []  # "根据《A》，同时废止…": a comma before the verb binds only a list of documents
    soft_start = max(blanked.rfind(ch, 0, cursor) for ch in _CLAUSE_BREAK) + 1
    return _group(chain, former=blanked[max(soft_start, clause_start) : cursor].startswith("原"))


def _group(chain: list[Mention | _Scope], *, former: bool) -> list[Target]:
    targets: list[Target] = []
    previous: Mention | _Scope | None = None
    for item in chain:
        if isinstance(item, _Scope):
            if targets:
                targets[-1].scopes.append(item.label)
        elif isinstance(previous, _Scope) and previous.end == item.start:
            if targets:
                targets[-1].parts.append(item)  # a title right after 附件1 names the part
        else:
            targets.append(Target(item, former=former))
        previous = item
    return targets


def targets_after(blanked: str, mentions: list[Mention], pos: int, lead: re.Pattern[str]) -> list[Mention]:
    """The documents listed right after the phrase ending at ``pos`` ("按照《A》《B》要求")."""
    ends = [i for i in (blanked.find(ch, pos) for ch in _CLAUSE_BREAK) if i >= 0]
    clause_end = min(ends, default=len(blanked))
    chain: list[Mention] = []
    cursor = pos
    for mention in (m for m in mentions if pos <= m.start and m.end <= clause_end):
        between = blanked[cursor : mention.start]
        if not (lead.match(between) if not chain else _after_separator(between)):
            break
        chain.append(mention)
        cursor = mention.end
    return chain


def _after_separator(between: str) -> bool:
    return bool(_AFTER_SEPARATOR.match(between) or enumeration.AFTER_SEPARATOR.match(between))


def standard_before(blanked: str, mentions: list[Mention], pos: int) -> Citation | None:
    """The standard a 代替 clause belongs to: "WS/T 347—2024 血细胞分析校准指南（代替WS/T 347—2011）"."""
    for mention in reversed([m for m in mentions if m.end <= pos]):
        number = mention.citation.doc_number_raw or ""
        if STANDARD_RE.fullmatch(number.strip()) and not REPLACE_RE.search(
            blanked[max(mention.start - 3, 0) : mention.start]
        ):
            return mention.citation
    return None
