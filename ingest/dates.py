"""Dates in every form the samples write them, and the document's own 施行 and 有效期 clauses."""

from __future__ import annotations

import bisect
import re
from datetime import date, timedelta

from ingest.numerals import cn_to_int

_SP = r"[ \t\u3000\u00a0]*"
_D = "0-9０-９"
_CN = "〇○零Ｏ一二三四五六七八九十"
# 000 line 17 "2023年12月4日"; 001 line 516 "2024 年 3 月 18 日" (spaces from the PDF layer).
_ARABIC_CN = rf"(?P<y>(?:19|20|１９|２０)[{_D}]{{2}}){_SP}年{_SP}(?P<m>[{_D}]{{1,2}}){_SP}月{_SP}(?P<d>[{_D}]{{1,2}}){_SP}[日号]"
# 二〇二四年三月一日 / 二○二四年… (the circle ○ U+25CB is often typed for 〇).
_CHINESE = (
    rf"(?P<cy>[一二][{_CN}]{{3}}){_SP}年{_SP}(?P<cm>[{_CN}]{{1,2}}){_SP}月{_SP}(?P<cd>[{_CN}]{{1,3}}){_SP}日"
)
# 2024-03-01, 2024.3.1, 2024/3/1 (the same separator twice).
_NUMERIC = rf"(?P<ny>(?:19|20)[0-9]{{2}})(?P<sep>[-./／．－]){_SP}(?P<nm>[0-9]{{1,2}}){_SP}(?P=sep)(?P<nd>[0-9]{{1,2}})(?![0-9])"
DATE_RE = re.compile(rf"(?<![0-9０-９]){_ARABIC_CN}|{_CHINESE}|(?<![0-9.]){_NUMERIC}")

_WIDTH = str.maketrans("０１２３４５６７８９Ｏ", "01234567890")


def _to_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(
            cn_to_int(year.translate(_WIDTH)),
            cn_to_int(month.translate(_WIDTH)),
            cn_to_int(day.translate(_WIDTH)),
        )
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> date | None:
    if m["y"]:
        return _to_date(m["y"], m["m"], m["d"])
    if m["cy"]:
        return _to_date(m["cy"], m["cm"], m["cd"])
    return _to_date(m["ny"], m["nm"], m["nd"])


def parse_date(s: str) -> date | None:
    """The date written in ``s`` (the whole string, trimmed), or None when it is not one valid date."""
    m = DATE_RE.fullmatch(s.strip())
    return _from_match(m) if m else None


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Every valid date in ``text``: (start, end, date), in order. Invalid ones (2024-02-30) are skipped."""
    found = []
    for m in DATE_RE.finditer(text):
        value = _from_match(m)
        if value is not None:
            found.append((m.start(), m.end(), value))
    return found


_WS = re.compile(r"\s+")
_DATE_TEXT = rf"(?:{_ARABIC_CN}|{_CHINESE}|{_NUMERIC})".replace("?P<", "?P<e_")
_DATE_TEXT = re.sub(r"\(\?P=e_sep\)", "(?P=e_sep)", re.sub(r"\(\?P=sep\)", "(?P=e_sep)", _DATE_TEXT))
_START = "(?:施行|实施|执行|试行|生效)"
_START_RE = re.compile(_START)
# 004 "自2024年9月1日起施行"; 001 "自 2024 年 4 月 1 日起正式实施"; 001 line 876 "自印发之日起施行".
_EFFECTIVE_RE = re.compile(
    rf"(?:自|从|于)?(?:(?P<date>{_DATE_TEXT})|(?P<event>印发|下发|签发|发文|发布|公布|颁布|公告|通告)之日)"
    rf"(?:起|开始)?(?:(?P<delay>[{_D}{_CN}]+)(?:日|天|个工作日)(?:后|以后)?(?:起)?)?(?:正式)?{_START}"
)
# Every clause ends in one of the _START words, and nothing before that word in it (dates, 印发之日,
# 起, 30日后, 正式) holds one of their characters: a clause starts after the last such character
# before its word. Scanning the whole text with _EFFECTIVE_RE tried its date alternatives at every
# character (a fifth of parsing 001); ``_clauses`` tries it only in front of each word.
_START_CHARS = re.compile("[施行实执试生效]")
_START_AT = re.compile(rf"(?={_START})")  # overlapping ones too: 实施行


def _clauses(flat: str) -> list[re.Match[str]]:
    """``list(_EFFECTIVE_RE.finditer(flat))``, trying the regex only in front of each _START word."""
    chars = [m.start() for m in _START_CHARS.finditer(flat)]
    found: list[re.Match[str]] = []
    pos = 0
    for word in (m.start() for m in _START_AT.finditer(flat)):
        if word < pos:
            continue
        before = bisect.bisect_left(chars, word)  # chars[before] is the word's first character
        start = max(pos, chars[before - 1] + 1 if before else 0)
        clause = _EFFECTIVE_RE.search(flat, start, word + 2)
        if clause is not None:
            found.append(clause)
            pos = clause.end()
    return found


_SENTENCE_END = "。；;！？"
# 001 line 5577: "(五) 《免罚清单》自2024年4月1日起施行" where 《免罚清单》 was introduced by "以下简称《免罚清单》".
_ABBREVIATION_RE = re.compile(r"简称[“\"《]([^”\"》]{1,20})[”\"》]")


def _sentence_before(text: str, start: int) -> str:
    cut = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END)
    return text[cut + 1 : start]


def _own_names(flat: str) -> tuple[str, ...]:
    return tuple(f"《{name}》" for name in _ABBREVIATION_RE.findall(flat))


def _is_own_subject(subject: str, own_names: tuple[str, ...]) -> bool:
    return bool(_OWN_SUBJECT_RE.search(subject)) or any(subject.endswith(name) for name in own_names)


# 001 line 3338 "《中药饮片标签管理规定》已于2023年7月12日发布，2024年8月1日起施行" dates another
# instrument; "现将《…办法》印发给你们，自…起施行" dates the one this text issues.
_ISSUING_WORDS = ("印发", "现将", "制定", "发布《", "公布《")


def _names_another_document(subject: str) -> bool:
    if "原" in subject[-3:]:
        return True
    return "《" in subject and not any(word in subject for word in _ISSUING_WORDS)


def effective_date_from(text: str, *, written: date | None, published: date | None) -> date | None:
    """The 施行 date the text states for the document itself, or None.

    "自2024年5月1日起施行" -> that date; "自印发之日起施行" -> ``written``; "自发布之日起施行" ->
    ``published`` else ``written``; "自发布之日起30日后施行" -> computed. A clause whose subject is
    another named instrument ("《…法》自…起施行") is ignored; one about 本办法/本通知 wins.
    """
    flat = _WS.sub("", text)
    if not _START_RE.search(flat):
        return None  # every clause ends in 施行/实施/…: most sentences have none, and this regex is costly
    own_names = _own_names(flat)
    chosen: date | None = None
    for m in _clauses(flat):
        if flat.startswith("的", m.end()):
            continue  # h18 "1999年5月1日实施的《进口药品管理办法》同时废止" dates the document it names
        subject = _sentence_before(flat, m.start())
        own = _is_own_subject(subject, own_names)
        if not own and _names_another_document(subject):
            continue
        value = _effective_value(m, written, published)
        if value is None:
            continue
        if own:
            return value
        chosen = chosen or value
    return chosen


def _effective_value(m: re.Match[str], written: date | None, published: date | None) -> date | None:
    if m["date"]:
        value = _from_match_prefixed(m)
    elif m["event"] in ("发布", "公布", "颁布", "公告", "通告"):
        value = published or written
    else:
        value = written
    if value is not None and m["delay"]:
        try:
            value = value + timedelta(days=cn_to_int(m["delay"]))
        except ValueError:
            return None
    return value


def _from_match_prefixed(m: re.Match[str]) -> date | None:
    if m["e_y"]:
        return _to_date(m["e_y"], m["e_m"], m["e_d"])
    if m["e_cy"]:
        return _to_date(m["e_cy"], m["e_cm"], m["e_cd"])
    return _to_date(m["e_ny"], m["e_nm"], m["e_nd"])


_DOC_WORDS = "办法|通知|方案|规定|标准|细则|意见|规范|指南|制度|措施|决定|公告|通告|规则|条例|规程|目录|清单|要点|计划|准则|导则|原则|文件|基准|指引|手册|程序"
_OWN_SUBJECT_RE = re.compile(rf"(?:本|该)《?(?:{_DOC_WORDS})》?")
# The subject of the 有效期 clause must be the document: 001 line 4326 "本办法自印发之日起施行，有效期 5 年",
# 001 line 5508 "…负责解释。自2024年3月4日起施行，有效期五年"; not 001 line 2875
# "本办法所称医院评审…，医院评审结论有效期4年" where 有效期 belongs to another subject after the comma.
_EXPIRY_TAIL = rf"[^。；;，,]{{0,30}}?[，,]?有效期(?:限)?(?:为|至|到)?(?:(?P<date>{_DATE_TEXT})|(?P<years>[{_D}{_CN}两]+)年)"
_EXPIRY_RE = re.compile(rf"(?:(?:本|该)《?(?:{_DOC_WORDS})》?|(?:^|(?<=[。；;]))(?=自)){_EXPIRY_TAIL}")


def expiry_from(text: str, *, start: date | None) -> date | None:
    """The last day the document is in force: "有效期至2026年3月31日", or ``start`` + "有效期5年" − 1 day.

    Only clauses whose subject is the document itself (本办法/本通知/…, a name the text defines
    with 简称, or a bare "自…起施行，有效期…" sentence) count: "医院评审结论有效期4年" is about hospitals.
    """
    flat = _WS.sub("", text)
    patterns = [_EXPIRY_RE] + [re.compile(re.escape(name) + _EXPIRY_TAIL) for name in _own_names(flat)]
    for pattern in patterns:
        for m in pattern.finditer(flat):
            value = _expiry_value(m, start)
            if value is not None:
                return value
    return None


def _expiry_value(m: re.Match[str], start: date | None) -> date | None:
    if m["date"]:
        return _from_match_prefixed(m)
    if start is None:
        return None
    # "有效期5年" from 2024-04-15 ends on 2029-04-14: the sample states both (001 line 2535).
    try:
        return validity_end(start, cn_to_int(m["years"]))
    except ValueError:
        return None


def validity_end(start: date, years: int) -> date:
    """The last day in force of a validity of ``years`` from ``start``: 2024-03-04 + 5 → 2029-03-03."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February: the validity runs to the end of February
        end = start.replace(year=start.year + years, month=3, day=1)
    return end - timedelta(days=1)
