"""Where a sentence names a document: 《title》 with its 文号, a bare 文号, a standard number.

001 line 876 "《国家卫生应急队伍管理办法(试行)》(卫办应急发〔2010〕183号)" is one mention: the
文号 in brackets right after a title belongs to it. 004 line 19 "WS/T 347—2011、WS/T 360—2011"
are two bare mentions. A 《title》 that is not a normative document (《医师执业证书》, 004 line 2194)
or an abbreviation (以下简称《条例》) names nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.docnumber import find_doc_numbers
from linking.model import Citation

# One level of nesting: 001 line 3426 "《江西省医疗保障局关于印发〈江西省…〉的通知》".
_TITLE_RE = re.compile(r"《(?P<title>[^《》]*(?:《[^《》]*》[^《》]*)*)》")
# The 文号 of a title follows it in brackets, sometimes after 的通知 outside the quotes
# (001 line 5179 "《…管理办法(试行)》的通知(陕药监发〔2020〕106号)").
_NUMBER_AFTER_TITLE = re.compile(
    r"^(?:的通知|的决定|的公告|的通告)?[（(〔\[［]{0,2}$"
)  # l08 "》（（83）银发字"
# A number that issued the title right after it: h08 "原国家质量技术监督局令第51号公布的《产品质量申诉处理办法》".
_NUMBER_BEFORE_TITLE = re.compile(r"文?(?:发布|公布|颁布|印发|下发)的")
# A number that is not a 文号 still belongs to its title: 001 line 5984 "《…的通告》（2022年第42号）",
# 004 line 66 "《…的决定》（国家卫生健康委令第11号）".
_LOOSE_NUMBER = re.compile(r"[（(](?P<raw>[^（）()《》〈〉，,。；;]{1,30}号)[^（）()《》，,。；;]{0,3}[）)]")
# 001 line 6047 "（…，以下简称《通告》）"; h01 "(以下称《药品管理法》)"; h18 one bracket for three names
# "（以下简称《药品管理法》、《海关法》、《药品管理法实施条例》）", each the short title of one of the
# three documents named just before, in order.
_ALIAS_DEF = re.compile(
    r"[（(，,](?:(?:以下)?(?:简称|下称|统称)|以下称)(?P<names>[“\"]?《[^《》]{1,20}》(?:[、和及与][“\"]?《[^《》]{1,20}》)*)"
)
_ALIAS_NAME = re.compile(r"《(?P<alias>[^《》]{1,20})》")
_ALIAS_GAP = re.compile(r"^[)）]?(?:[（(][^（）()《》。；;]{0,30})?$")
_ALIAS_SEPARATOR = re.compile(r"^[)）]?[、，,和及与]?$")
# A normative document's name ends in what it is; edition and 试行 brackets may follow.
_DOC_TYPE = (
    "办法|规定|通知|决定|决议|解释|解答|纪要|通报|意见|细则|规范|标准|指南|条例|法|规则|方案|目录|清单|手册|准则|程序|指引|要求|公告|通告|"
    "批复|复函|函|纲要|规划|计划|名词|原则|制度|措施|规程|导则|基准|要点|共识|路径|药典|章程|命令|令|指导原则|"
    "实施方案|工作方案|技术规范|名录|分类|说明|标准值|推荐值|限值|指标|体系|政策|答复|预案|法典|术语|通则|代码|"
    "解释"  # h28 《最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释》
)
# 004 line 2271 "《医院洁净手术部建筑技术规范（GB50333-2013）》"; h16 "《中、小学卫生工作暂行规定(草案)》".
_STANDARD_IN_TITLE = r"[A-Z]{1,4}(?:/[A-Z])?\s*[0-9.]+\s*[-—–]\s*[0-9]{4}"
_NORMATIVE = re.compile(
    rf"(?:{_DOC_TYPE})(?:[（(](?:试行|暂行|修订|修正|征求意见稿|草案|节录|[0-9]{{4}}[^）)]{{0,8}}|第?[一二三四五六七八九十0-9.]+版|{_STANDARD_IN_TITLE})[）)])*$"
)
_MIN_TITLE = 4
BLANK = "□"


@dataclass(frozen=True)
class Mention:
    """A document named at ``start``–``end`` of a sentence."""

    start: int
    end: int
    citation: Citation
    title_start: int | None = None  # where the 《 is, when the mention has a title
    alias: bool = False  # a short title defined earlier (以下简称《X》): the document named again


def is_normative_title(title: str) -> bool:
    """Whether a 《…》 names a normative document (a 办法, 通知, 标准…) rather than a form or a book."""
    compact = re.sub(r"\s+", "", title)
    return len(compact) >= _MIN_TITLE and bool(_NORMATIVE.search(compact))


def find_mentions(
    text: str, *, own_doc_number: str | None = None, aliases: Mapping[str, Citation] | None = None
) -> list[Mention]:
    """Every document ``text`` names, in order; the source's own 文号 is not a mention of another.

    ``aliases`` are abbreviations defined earlier (以下简称《通知》, 001 line 3927), each with the
    document it stands for: a document named again by its short name is that document, never a new
    one (h01 "(以下称《药品管理法》)").
    """
    aliases = aliases or {}
    numbers = find_doc_numbers(text)
    if not numbers and "《" not in text:
        return []  # nine sentences in ten name nothing
    titles = [(m.start(), m.end()) for m in _TITLE_RE.finditer(text)]
    used: set[int] = set()
    mentions: list[Mention] = []
    defining = _defining_spans(text)
    for match in _TITLE_RE.finditer(text):
        title = re.sub(r"\s+", "", match["title"])
        if any(a <= match.start() < b for a, b in defining):
            continue
        number = _number_after(text, match.end(), numbers) or _number_before(text, match.start(), numbers)
        if number is not None and number[0] < match.start():
            used.add(number[0])
            start, _, raw, canonical = number
            mentions.append(Mention(start, match.end(), Citation(raw, canonical, title), match.start()))
        elif number is not None:
            used.add(number[0])
            start, end, raw, canonical = number
            mentions.append(Mention(match.start(), end, Citation(raw, canonical, title), match.start()))
        elif (loose := _LOOSE_NUMBER.match(text, match.end())) is not None:
            # l01 "《…办法》（1995年4月27日卫生部令第39号公布）": a number inside the bracket is the title's
            inside = next((n for n in numbers if loose.start() <= n[0] and n[1] <= loose.end()), None)
            if inside is not None:
                used.add(inside[0])
                citation = Citation(inside[2], inside[3], title)
            else:
                citation = Citation(re.sub(r"\s+", "", loose["raw"]), None, title)
            mentions.append(Mention(match.start(), loose.end(), citation, match.start()))
        elif title in aliases:
            mentions.append(Mention(match.start(), match.end(), aliases[title], match.start(), alias=True))
        elif is_normative_title(title):
            mentions.append(Mention(match.start(), match.end(), Citation(None, None, title), match.start()))
    for start, end, raw, canonical in numbers:
        if start in used or any(a <= start < b for a, b in titles):
            continue
        mentions.append(Mention(start, end, Citation(raw, canonical, None)))
    mentions = [m for m in mentions if not _is_own(m, own_doc_number)]
    return sorted(mentions, key=lambda m: m.start)


def _number_before(
    text: str, start: int, numbers: list[tuple[int, int, str, str]]
) -> tuple[int, int, str, str] | None:
    for number in numbers:
        if number[1] <= start and _NUMBER_BEFORE_TITLE.fullmatch(text[number[1] : start]):
            return number
    return None


def _number_after(
    text: str, end: int, numbers: list[tuple[int, int, str, str]]
) -> tuple[int, int, str, str] | None:
    for number in numbers:
        if number[0] >= end and _NUMBER_AFTER_TITLE.match(text[end : number[0]]):
            return number
        if number[0] > end + 8:
            break
    return None


def _is_own(mention: Mention, own_doc_number: str | None) -> bool:
    return own_doc_number is not None and mention.citation.doc_number_canonical == own_doc_number


def find_aliases(text: str, mentions: list[Mention]) -> dict[str, Citation]:
    """Abbreviations ``text`` defines, each with the mention it abbreviates.

    001 line 6047 "《关于发布…的通告》（国家药监局 2021 年第 16 号通告，以下简称《通告》）".
    """
    found: dict[str, Citation] = {}
    for match in _ALIAS_DEF.finditer(text):
        names = [re.sub(r"\s+", "", n["alias"]) for n in _ALIAS_NAME.finditer(match["names"])]
        before = _named_before(text, mentions, match.start())
        if before and len(names) <= len(before):
            for name, mention in zip(names, before[len(before) - len(names) :], strict=True):
                found[name] = mention.citation
    return found


def _defining_spans(text: str) -> list[tuple[int, int]]:
    """Where short titles are defined: the 《》 there name nothing new."""
    if "称" not in text:
        return []
    return [(m.start("names"), m.end("names")) for m in _ALIAS_DEF.finditer(text)]


def _named_before(text: str, mentions: list[Mention], pos: int) -> list[Mention]:
    """The run of mentions that ends right before ``pos`` ("《A》、《B》（以下简称…"), in order."""
    run: list[Mention] = []
    cursor = pos
    for mention in reversed([m for m in mentions if m.end <= pos]):
        gap = text[mention.end : cursor]
        if not (_ALIAS_GAP if not run else _ALIAS_SEPARATOR).match(gap):
            break
        run.insert(0, mention)
        cursor = mention.start
    return run


def masked(text: str, mentions: list[Mention]) -> str:
    """``text`` with every mention and every 《…》 blanked (same length): a 废止 inside a title is no trigger."""
    spans = [(m.start, m.end) for m in mentions] + [(t.start(), t.end()) for t in _TITLE_RE.finditer(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = BLANK * (end - start)
    return "".join(chars)
