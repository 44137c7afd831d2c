"""文号 (document numbers), order numbers (令) and standard numbers: find them in running text, compare them.

The same 文号 is written with five kinds of brackets and stray spaces (001 line 625
``国卫办医政函〔2024〕86号``, 001 line 513 ``药监综械管〔2024〕32 号``, 004 ``国卫医政发﹝2024﹞19号``);
``canonical_doc_number`` folds them so that equal numbers compare equal. Numbers of the 1980s put a
two-digit year in round brackets, before or after the code (``（79）卫政字第1587号``,
``卫监字（89）第23号``): they fold to the same shape (``卫政字〔1979〕1587号``). An order number
(``中华人民共和国国务院令第25号``, ``原国家质量技术监督局令第51号``) identifies a regulation as a 文号
does: it folds to ``国务院令第25号`` (no 中华人民共和国, no 原, Arabic serial).
"""

from __future__ import annotations

import re

from ingest.numerals import cn_to_int

_OPEN = "〔［[(（﹝【"
_CLOSE = "〕］])）﹞】"
_SP = r"[ \t\u3000\u00a0]*"
_DIGIT = "0-9０-９"
# Characters that end a sentence or introduce a citation, never part of a 机关代字: in
# "根据国卫办医政函〔2024〕86号" the code starts after 根据.
# 年月日: a date glued before the number (l05 "1992年1月7日高检发〔1992〕2号") is not part of the code.
_NOT_IN_CODE = "的了和与及按照根据依据以在于对将是见由为即并或等向附件年月日"
# Python's re has no class intersection: spell the CJK range minus the stop characters as a lookahead.
_CODE_CHAR = rf"(?:(?![{_NOT_IN_CODE}])[\u4e00-\u9fff])"
# 001 line 1797: 内卫办中（蒙）综合字〔2024〕160号 carries a bracketed part inside the code.
# No spaces inside the code itself: "国家卫生健康委 国卫医急发〔2024〕11号" must start at 国卫.
# Court numbers bracket a part in any bracket: "法(研)复〔1987〕22号", "法〔研〕复〔1988〕32号".
_CODE = rf"{_CODE_CHAR}(?:{_CODE_CHAR}|[（(〔［\[]{_CODE_CHAR}{{1,3}}[）)〕］\]]){{0,15}}"
# A two-digit year is one of 1940–1999: corpus l02 "卫人发（91）第43号".
_TWO_DIGIT_YEAR = rf"[4-9４-９][{_DIGIT}]"
_YEAR = (
    rf"[{re.escape(_OPEN)}]{_SP}(?P<year>(?:19|20|１９|２０)[{_DIGIT}]{{2}}|{_TWO_DIGIT_YEAR}){_SP}"
    rf"[{re.escape(_CLOSE)}]"
)
# "(?:第{_SP})?", not "第?{_SP}": two blank runs side by side backtrack quadratically on a long
# run of spaces after 〔2024〕 that no serial follows (RELIABILITY.md G1).
_SERIAL = rf"(?:第{_SP})?(?P<serial>[{_DIGIT}]{{1,5}}){_SP}号"

DOC_NUMBER_RE = re.compile(rf"(?P<code>{_CODE}){_SP}{_YEAR}{_SP}{_SERIAL}")
# The year first: corpus l02 "（79）卫政字第1587号", l05 "（83）高检一函第26号", l23 "〔53〕法行字第487号",
# "〔1957〕法研字第17334号" (a full year only in 〔〕: "（2019）最高法民终1号" is a case number, not a 文号).
OLD_DOC_NUMBER_RE = re.compile(
    rf"(?:[（(〔［\[]{_SP}(?P<year>{_TWO_DIGIT_YEAR}){_SP}[）)〕］\]]"
    rf"|[〔［\[]{_SP}(?P<year4>(?:19|20)[0-9]{{2}}){_SP}[〕］\]])"
    rf"{_SP}(?P<code>(?!第){_CODE}){_SP}{_SERIAL}"
)
_STATE_NAME = "中华人民共和国"
_CN_SERIAL = "零〇一二三四五六七八九十百千"
# Order numbers: corpus l09 "民航总局令第30号", l06 "中华人民共和国国务院令第283号", h08 "原国家质量技术
# 监督局令第51号"; laws are promulgated by 主席令第十二号. The issuer is the run of characters before 令.
# Ministries that number their orders by year write the year before 第: 农业农村部令2018年第2号 (m05).
ORDER_NUMBER_RE = re.compile(
    rf"(?:{_STATE_NAME})?(?:原)?(?P<issuer>(?!原){_CODE_CHAR}{{1,24}}?)令{_SP}"
    rf"(?:(?P<year>(?:19|20)[0-9]{{2}}){_SP}年{_SP})?第{_SP}(?P<serial>[{_DIGIT}]{{1,5}}|[{_CN_SERIAL}]{{1,8}}){_SP}号"
)

_DASHES = "—–―‐－-‑"
# 000 line 7 "WS/T 828-2023", 004 "WS/T 347—2024"; 001 "GB50333-2013" has no space. A whitelist of
# standard prefixes keeps "ISSN 1672-5417" and "CN 10-1503" (002 line 35) out.
STANDARD_RE = re.compile(
    r"(?<![A-Za-z])(?P<prefix>GBZ|GB|WS|YY|YBB|HJ|JGJ|CJJ|NY|SN|QB|DB[0-9]{2}|T/[A-Z]{2,8})"
    rf"(?P<kind>{_SP}/{_SP}[TZ])?{_SP}(?P<number>[0-9]+(?:\.[0-9]+)*){_SP}[{re.escape(_DASHES)}]{_SP}"
    r"(?P<year>(?:19|20)[0-9]{2})(?![0-9])"
)

_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CODE_BRACKETS = str.maketrans("(〔［[)〕］]", "（（（（））））")
_SPACES = re.compile(r"\s+")


def canonical_doc_number(raw: str) -> str:
    """Fold a 文号, standard or order number to one spelling: ``国卫医急发〔2024〕11号``, ``WS/T 347-2024``,
    ``国务院令第149号``.

    Raises ValueError when ``raw`` is not a 文号 or a standard number.
    """
    text = raw.strip()
    match = DOC_NUMBER_RE.fullmatch(text)
    if match:
        return _canonical_from_match(match)
    match = OLD_DOC_NUMBER_RE.fullmatch(text)
    if match:
        return _canonical_from_match(match)
    match = ORDER_NUMBER_RE.fullmatch(text)
    if match and (order := canonical_order_number(match)):
        return order
    match = STANDARD_RE.fullmatch(text)
    if match:
        return _canonical_standard(match)
    raise ValueError(f"not a document number: {raw!r}")


def _canonical_from_match(match: re.Match[str]) -> str:
    code = _SPACES.sub("", match["code"]).translate(_CODE_BRACKETS)
    code = code.rstrip("第") or code  # "（79）卫政字第1587号": the 第 is the serial's
    year = (match["year"] or match.groupdict().get("year4") or "").translate(_WIDTH)
    year = f"19{year}" if len(year) == 2 else year
    serial = int(match["serial"].translate(_WIDTH))
    return f"{code}〔{year}〕{serial}号"


def canonical_order_number(match: re.Match[str]) -> str | None:
    """``中华人民共和国国务院令第１４９号`` → ``国务院令第149号``; None when the serial is no numeral (第十千号)."""
    issuer = match["issuer"]
    try:
        serial = cn_to_int(match["serial"])
    except ValueError:
        return None
    year = f"{match['year']}年" if match["year"] else ""
    return f"{issuer}令{year}第{serial}号"


def _canonical_standard(match: re.Match[str]) -> str:
    kind = _SPACES.sub("", match["kind"] or "")
    return f"{match['prefix']}{kind} {match['number']}-{match['year']}"


def find_doc_numbers(text: str) -> list[tuple[int, int, str, str]]:
    """Every 文号 and standard number in ``text``, in order: (start, end, raw, canonical)."""
    # Every 文号 ends in 号: most sentences have none, and the regex is the costly part of extraction.
    found: list[tuple[int, int, str, str]] = []
    if "号" in text:
        for pattern in (DOC_NUMBER_RE, OLD_DOC_NUMBER_RE):
            found += [
                (m.start(), m.end(), m.group(), _canonical_from_match(m)) for m in pattern.finditer(text)
            ]
        if "令" in text:
            for m in ORDER_NUMBER_RE.finditer(text):
                if order := canonical_order_number(m):
                    found.append((m.start(), m.end(), m.group(), order))
    found += [(m.start(), m.end(), m.group(), _canonical_standard(m)) for m in STANDARD_RE.finditer(text)]
    return _without_overlaps(found)


def _without_overlaps(found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The longest of overlapping numbers: "卫监字（89）第23号" is one, not also "（89）第23号"."""
    kept: list[tuple[int, int, str, str]] = []
    for item in sorted(found, key=lambda f: (f[0], -f[1])):
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def strip_spaces(raw: str) -> str:
    """The 文号 as written minus stray PDF spaces, brackets kept: ``药监综械管〔2024〕32 号`` -> ``…32号``."""
    return _SPACES.sub("", raw)
