"""文号 (document numbers) and standard numbers: find them in running text, compare them.

The same 文号 is written with five kinds of brackets and stray spaces (001 line 625
``国卫办医政函〔2024〕86号``, 001 line 513 ``药监综械管〔2024〕32 号``, 004 ``国卫医政发﹝2024﹞19号``);
``canonical_doc_number`` folds them so that equal numbers compare equal.
"""

from __future__ import annotations

import re

_OPEN = "〔［[(（﹝【"
_CLOSE = "〕］])）﹞】"
_SP = r"[ \t\u3000\u00a0]*"
_DIGIT = "0-9０-９"
# Characters that end a sentence or introduce a citation, never part of a 机关代字: in
# "根据国卫办医政函〔2024〕86号" the code starts after 根据.
_NOT_IN_CODE = "的了和与及按照根据依据以在于对将是见由为即并或等向附件"
# Python's re has no class intersection: spell the CJK range minus the stop characters as a lookahead.
_CODE_CHAR = rf"(?:(?![{_NOT_IN_CODE}])[\u4e00-\u9fff])"
# 001 line 1797: 内卫办中（蒙）综合字〔2024〕160号 carries a bracketed part inside the code.
# No spaces inside the code itself: "国家卫生健康委 国卫医急发〔2024〕11号" must start at 国卫.
_CODE = rf"{_CODE_CHAR}(?:{_CODE_CHAR}|[（(]{_CODE_CHAR}{{1,3}}[）)]){{0,15}}"
_YEAR = rf"[{re.escape(_OPEN)}]{_SP}(?P<year>(?:19|20|１９|２０)[{_DIGIT}]{{2}}){_SP}[{re.escape(_CLOSE)}]"
# "(?:第{_SP})?", not "第?{_SP}": two blank runs side by side backtrack quadratically on a long
# run of spaces after 〔2024〕 that no serial follows (RELIABILITY.md G1).
_SERIAL = rf"(?:第{_SP})?(?P<serial>[{_DIGIT}]{{1,5}}){_SP}号"

DOC_NUMBER_RE = re.compile(rf"(?P<code>{_CODE}){_SP}{_YEAR}{_SP}{_SERIAL}")

_DASHES = "—–―‐－-‑"
# 000 line 7 "WS/T 828-2023", 004 "WS/T 347—2024"; 001 "GB50333-2013" has no space. A whitelist of
# standard prefixes keeps "ISSN 1672-5417" and "CN 10-1503" (002 line 35) out.
STANDARD_RE = re.compile(
    r"(?<![A-Za-z])(?P<prefix>GBZ|GB|WS|YY|YBB|HJ|JGJ|CJJ|NY|SN|QB|DB[0-9]{2}|T/[A-Z]{2,8})"
    rf"(?P<kind>{_SP}/{_SP}[TZ])?{_SP}(?P<number>[0-9]+(?:\.[0-9]+)*){_SP}[{re.escape(_DASHES)}]{_SP}"
    r"(?P<year>(?:19|20)[0-9]{2})(?![0-9])"
)

# Order numbers (令) are identifiers like 文号 (DOMAIN.md): the 题注 of h05 "中华人民共和国国务院令第149号",
# h08 "国家市场监督管理总局令第20号"; the state's name in front is dropped (= 国务院令第149号).
_STATE = "中华人民共和国"
ORDER_NUMBER_RE = re.compile(
    rf"(?:{_STATE})?{_SP}(?P<org>(?:(?!{_STATE})[\u4e00-\u9fff]){{2,24}}?){_SP}令{_SP}第{_SP}(?P<serial>[{_DIGIT}]{{1,5}}){_SP}号"
)

_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
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
    match = STANDARD_RE.fullmatch(text)
    if match:
        return _canonical_standard(match)
    match = ORDER_NUMBER_RE.fullmatch(text)
    if match:
        return canonical_order_number(match)
    raise ValueError(f"not a document number: {raw!r}")


def canonical_order_number(match: re.Match[str]) -> str:
    """``中华人民共和国国务院令第１４９号`` -> ``国务院令第149号``."""
    return f"{match['org']}令第{int(match['serial'].translate(_WIDTH))}号"


def _canonical_from_match(match: re.Match[str]) -> str:
    code = _SPACES.sub("", match["code"]).replace("(", "（").replace(")", "）")
    year = match["year"].translate(_WIDTH)
    serial = int(match["serial"].translate(_WIDTH))
    return f"{code}〔{year}〕{serial}号"


def _canonical_standard(match: re.Match[str]) -> str:
    kind = _SPACES.sub("", match["kind"] or "")
    return f"{match['prefix']}{kind} {match['number']}-{match['year']}"


def find_doc_numbers(text: str) -> list[tuple[int, int, str, str]]:
    """Every 文号 and standard number in ``text``, in order: (start, end, raw, canonical)."""
    # Every 文号 ends in 号: most sentences have none, and the regex is the costly part of extraction.
    numbers = DOC_NUMBER_RE.finditer(text) if "号" in text else ()
    found = [(m.start(), m.end(), m.group(), _canonical_from_match(m)) for m in numbers]
    found += [(m.start(), m.end(), m.group(), _canonical_standard(m)) for m in STANDARD_RE.finditer(text)]
    found.sort()
    return found


def strip_spaces(raw: str) -> str:
    """The 文号 as written minus stray PDF spaces, brackets kept: ``药监综械管〔2024〕32 号`` -> ``…32号``."""
    return _SPACES.sub("", raw)
