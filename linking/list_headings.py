"""Headings of repeal, 失效 and amendment lists, and what they do to the rows under them.

A clean-up decision prints what it acts on under a heading: "宣布失效的第二批国家卫生计生委文件目录" (l02),
"决定废止的单独制发的司法解释性质文件和规范性文件目录（22件）" (l05), "国务院决定废止的行政法规" (l06),
"予以废止的1979年底以前发布的司法解释和司法解释性质文件目录（第八批）" (l23). The heading says what
happens to the rows: 废止/失效 (repealed here), 修改 (amended here), both (each row says which), or
已被废止 (a list of what others repealed, l05 附件3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REPEALS = "repeals"
AMENDS = "amends"
MIXED = "mixed"  # "修改和废止的…目录": a row's own cell says which (处理意见 废止 / 修改)
PASSIVE = "passive"  # "已被废止的…目录": the rows are not repealed by the source
KEEPS = "keeps"  # "继续有效的…目录": nothing happens to the rows

_ACT = r"(?:废止|失效|停止执行|不再执行|不再适用|不再保留|修改|修订|修正)"
_ACTS = rf"{_ACT}(?:[和、与及]{_ACT})*"
# What a list heading names: a 目录/清单, or a kind of instrument (行政法规, 规章, 司法解释…).
_LISTED = r"(?:目录|清单|名单|一览表|汇总表|行政法规|地方性法规|规章|法律|司法解释|规范性文件|文件)"
# A count or batch after the heading: l05 "（22件）", l23 "（第八批）", "（共15件）".
_TAIL = r"(?:[（(](?:共|第)?[0-9一二三四五六七八九十百]+[件部个项批条][）)])*"
HEADING_RE = re.compile(
    rf"(?P<passive>已被|已经|已)?(?:决定|宣布|予以|拟|建议)?(?P<acts>{_ACTS})的"
    # to a 目录 word if one closes it (l23 "…司法解释和司法解释性质文件目录"), else to the kind listed
    rf"(?:[^。；;，,：:“”|]{{0,40}}?(?:目录|清单|名单|名录|一览表)|[^。；;，,：:“”|]{{0,40}}?{_LISTED}(?:性文件)?){_TAIL}"
    # "废止文件目录", "失效规章清单": no 的, but a 目录 word must close it
    rf"|(?P<acts2>{_ACTS})[^的。；;，,：:“”|]{{0,16}}?(?:目录|清单|一览表){_TAIL}"
    # the other lists of a clean-up decision: what stays in force ends the list before it
    rf"|(?P<keeps>继续有效|予以保留|保留|现行有效)的[^。；;，,：:“”|]{{0,40}}?(?:目录|清单|名单|名录|一览表){_TAIL}"
)
_REPEAL_WORD = re.compile(r"废止|失效|停止执行|不再执行|不再适用|不再保留")
_AMEND_WORD = re.compile(r"修改|修订|修正")


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    kind: str  # REPEALS, AMENDS, MIXED or PASSIVE


# Every heading holds one of these words: most sentences are skipped before the costly pattern.
_HEADING_WORD = re.compile(r"废止|失效|停止执行|不再|修改|修订|修正|有效|保留")


def headings(text: str) -> list[Heading]:
    """Every list heading in ``text``, in order."""
    if not _HEADING_WORD.search(text):
        return []
    out = []
    for match in HEADING_RE.finditer(text):
        acts = match["acts"] or match["acts2"] or ""
        kind = KEEPS if match["keeps"] else PASSIVE if match["passive"] else kind_of(acts)
        out.append(Heading(match.start(), match.end(), kind))
    return out


def kind_of(acts: str) -> str:
    """What words like "废止", "修改和废止" do to a row."""
    repeal, amend = bool(_REPEAL_WORD.search(acts)), bool(_AMEND_WORD.search(acts))
    return MIXED if repeal and amend else AMENDS if amend else REPEALS


def row_kind(list_kind: str, row_tail: str) -> str | None:
    """What happens to one row: a mixed list's row says it in its own cells ("|废止|", "予以修改")."""
    if list_kind != MIXED:
        return list_kind
    repeal, amend = _REPEAL_WORD.search(row_tail), _AMEND_WORD.search(row_tail)
    if repeal and not amend:
        return REPEALS
    if amend and not repeal:
        return AMENDS
    return None  # the row does not say: no relation rather than a guess
