"""Bytes of a text file to str, refusing to guess when the guess could be wrong.

Order: byte-order mark, then strict UTF-8, then UTF-16 without a BOM (NUL bytes), then the
candidates of charset-normalizer plus gb18030 and UTF-8 decoded leniently. Every candidate
is scored by how many of its non-ASCII characters are ones Chinese text actually uses (the
common hanzi of GB2312 level 1 and Big5 level 1, CJK and full-width punctuation, Latin): a
right decoding of a Chinese document scores above 0.99, a wrong one (Big5 read as GBK, GBK read
as UTF-16) about 0.4-0.5. A decoding below the bar raises ``DecodeError``; so does a
decoding with many replacement or control characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes

from ingest.errors import DecodeError

# gbk and gb2312 are subsets of gb18030: decode with the superset so that a file labelled
# gb2312 that uses a GBK-only character (common on gov sites) still decodes.
_SUPERSET = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "euc_cn": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
}

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


PLAUSIBLE_MIN = 0.85  # right decodings of the samples score >= 0.99, wrong ones <= 0.6
_AMBIGUOUS_MARGIN = 0.1
_MIN_EVIDENCE = 6  # fewer non-ASCII characters than this cannot tell gb18030 from big5
# Chinese documents come in these; Japanese and Korean code pages also decode GBK bytes into
# common hanzi (理由推诿 -> 尖喇容效 in euc_jis_2004), so they must win by a margin.
_CHINESE_PRIOR = {"gb18030": 0.1, "big5hkscs": 0.1, "utf_8": 0.1, "utf_16_le": 0.1, "utf_16_be": 0.1}


@dataclass(frozen=True)
class _Candidate:
    encoding: str
    text: str
    plausibility: float
    bad: int  # replacement characters and stray control characters


def decode_plain(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a plain-text file; return ``(text, encoding)``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding.removesuffix("-sig"), errors="replace")
            _check_clean(text, encoding)
            return text, encoding
    if b"\x00" in data:
        return _utf16_without_bom(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _detect(data)
    _check_clean(text, "utf-8")
    evidence = _evidence(text)
    if evidence == 0 or (evidence >= _MIN_EVIDENCE and plausibility(text) >= PLAUSIBLE_MIN):
        return text, "utf-8"
    # A few GBK characters can form valid UTF-8 (通知 = CD A8 D6 AA, 录 = C2 BC = "¼"): when
    # another encoding reads plausibly, choose among all (or refuse); else it is UTF-8.
    ranked = _ranked(data)
    if ranked[0].plausibility >= PLAUSIBLE_MIN:
        return _pick(data, ranked)
    return text, "utf-8"


def decode_markup(data: bytes, declared: str | None) -> tuple[str, str]:
    """Decode an HTML page: BOM, strict UTF-8, then the declared charset, then detection.

    Strict UTF-8 wins over a declaration because gov sites often declare gb2312 on pages
    saved as UTF-8; GBK bytes that happen to be valid UTF-8 do not occur beyond a few chars.
    """
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return decode_plain(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _codec_name(declared) if declared else None
    if encoding is not None:
        candidate = _candidate(data, encoding)
        if count_bad(candidate.text) <= _bad_allowance(candidate.text):
            return candidate.text, encoding.replace("_", "-")
    return decode_plain(data)


def preferred_codec(name: str) -> str:
    """The codec to decode with for a charset name: the superset of gbk/gb2312/big5."""
    normal = codecs.lookup(name).name.replace("-", "_")
    return _SUPERSET.get(normal, normal)


def _codec_name(declared: str) -> str | None:
    try:
        return preferred_codec(declared.strip().strip("\"'"))
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> tuple[str, str]:
    """NUL bytes are either UTF-16 (ASCII characters have a zero byte) or binary data."""
    if len(data) % 2 == 0:
        for encoding in ("utf-16-le", "utf-16-be"):
            candidate = _candidate(data, encoding)
            if candidate.plausibility >= PLAUSIBLE_MIN and candidate.bad <= _bad_allowance(candidate.text):
                return candidate.text, encoding
    raise DecodeError("binary data, not a text document (it contains NUL bytes)")


def _detect(data: bytes) -> tuple[str, str]:
    return _pick(data, _ranked(data))


def _ranked(data: bytes) -> list[_Candidate]:
    return sorted(_candidates(data), key=lambda c: (_score(c), -c.bad), reverse=True)


def _pick(data: bytes, ranked: list[_Candidate]) -> tuple[str, str]:
    best = ranked[0]
    if best.plausibility < PLAUSIBLE_MIN or count_bad(best.text) > _bad_allowance(best.text):
        if _looks_binary(data):
            raise DecodeError("binary data, not a text document")
        raise DecodeError(
            f"cannot tell the text encoding (best guess {best.encoding.replace('_', '-')} is unreliable); "
            "save the file as UTF-8"
        )
    rival = next((c for c in ranked[1:] if c.text != best.text), None)
    if _too_close(best, rival):
        assert rival is not None
        raise DecodeError(
            f"cannot tell the text encoding ({best.encoding} and {rival.encoding} both read "
            "plausibly); save the file as UTF-8"
        )
    return best.text, best.encoding.replace("_", "-")


def _score(candidate: _Candidate) -> float:
    return candidate.plausibility + _CHINESE_PRIOR.get(candidate.encoding, 0.0)


def _too_close(best: _Candidate, rival: _Candidate | None) -> bool:
    if rival is None or rival.plausibility < PLAUSIBLE_MIN - _AMBIGUOUS_MARGIN:
        return False
    return _evidence(best.text) < _MIN_EVIDENCE or _score(best) - _score(rival) < _AMBIGUOUS_MARGIN


def _evidence(text: str) -> int:
    """How many characters can tell encodings apart: the non-ASCII ones."""
    return len(_NOT_SCORED.sub("", text))


def _candidates(data: bytes) -> list[_Candidate]:
    names = [match.encoding for match in from_bytes(data)]
    # charset-normalizer drops gb18030 text with one bad byte, and short Big5 text: always
    # score the encodings Chinese documents come in, decoded leniently.
    names += ["gb18030", "big5hkscs", "utf_8"]
    seen: dict[str, _Candidate] = {}
    for name in names:
        try:
            encoding = preferred_codec(name)
        except LookupError:
            continue
        if encoding not in seen:
            seen[encoding] = _candidate(data, encoding)
    return list(seen.values())


def _candidate(data: bytes, encoding: str) -> _Candidate:
    text = data.decode(encoding, errors="replace")
    sample = _sample(text)
    bad = count_bad(sample) * len(text) // max(len(sample), 1)  # scaled: exact once picked
    return _Candidate(encoding, text, plausibility(sample), bad)


def _check_clean(text: str, encoding: str) -> None:
    bad = count_bad(text)
    if bad <= _bad_allowance(text):
        return
    if text.count("\ufffd") > bad // 2:
        raise DecodeError(
            f"text has {bad} unreadable characters (\ufffd) as {encoding}: it was damaged or "
            "mis-decoded before it was saved; get the original file"
        )
    raise DecodeError("binary data, not a text document (control characters)")


# Control characters (category Cc) other than tab, newlines, vertical tab and form feed; and
# the replacement character a lenient decode leaves for each bad byte.
_BAD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def count_bad(text: str) -> int:
    """Replacement characters plus control characters no text document carries."""
    return len(_BAD.findall(text))


def _bad_allowance(text: str) -> int:
    return len(text) // 500  # 0.2%: a stray byte in a long file, none in a short one


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\x0b\x0c")
    return controls > len(sample) * 0.02


_NOT_SCORED = re.compile(r"[\x00-\x7f\s]+")
_SAMPLE_CHUNKS, _CHUNK = 8, 50_000


def _sample(text: str) -> str:
    """Eight chunks spread over a long text: shares measured on them are stable already."""
    if len(text) <= _SAMPLE_CHUNKS * _CHUNK:
        return text
    step = len(text) // _SAMPLE_CHUNKS
    return "".join(text[i * step : i * step + _CHUNK] for i in range(_SAMPLE_CHUNKS))


def plausibility(text: str) -> float:
    """Share of the non-ASCII, non-space characters that Chinese documents commonly use."""
    scored = _NOT_SCORED.sub("", _sample(text))
    if not scored:
        return 1.0
    plausible = _plausible_characters()
    return sum(1 for ch in scored if ch in plausible) / len(scored)


# Latin letters and signs a Chinese document uses: pinyin with tone marks, accents of foreign
# names, units and signs. Not all of Latin-1/Extended: single-byte code pages read Big5 bytes
# as runs of those (工作建議 -> "Īu§@ŦØÄģ" in iso8859_10).
_LATIN = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňÀÁÂÄÇÈÉÊËÍÎÏÑÓÔÖÚÛÜàâäçêëîïñôöûÿ°±×÷·§µ©®²³¹¼½¾\xa0")
_COMMON_SYMBOL_RANGES = (
    (0x2000, 0x206F),  # general punctuation: — ‘ ’ “ ” …
    (0x2100, 0x22FF),  # letterlike (℃ №), number forms (Ⅱ), arrows, math (≤ ±)
    (0x2460, 0x25FF),  # enclosed numerals ①, box drawing, shapes ■ ●
    (0x3000, 0x303F),  # CJK punctuation 、。〔〕《》
    (0xFF01, 0xFF5E),  # full-width forms （ ） ， ： (not the half-width katakana after them)
    (0xFFE0, 0xFFE6),  # full-width ￥ ￡
)


@lru_cache(maxsize=1)
def _plausible_characters() -> frozenset[str]:
    """The hanzi of GB2312 (6,763 simplified) and Big5 level 1 (5,401 common traditional),
    with the Latin letters and the symbol blocks above."""
    chars: set[str] = set(_LATIN)
    chars |= _decodable("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF))
    chars |= _decodable("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    for low, high in _COMMON_SYMBOL_RANGES:
        chars.update(chr(code) for code in range(low, high + 1))
    return frozenset(chars)


def _decodable(codec: str, leads: range, trails: range | list[int]) -> set[str]:
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                out.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return out


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset an HTTP Content-Type or the page's own <meta> declares, if any."""
    if content_type:
        header = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
        if header:
            return header.group(1)
    meta = _META_CHARSET.search(data[:4096])
    return meta.group(1).decode("ascii") if meta else None
