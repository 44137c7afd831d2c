"""Chinese numerals as they appear in article markers and dates: 第一百零二条, 二〇二四年, 第1条."""

from __future__ import annotations

_DIGITS = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
# Full-width digits (１２) map to ASCII so "第１２条" reads like "第12条".
_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def cn_to_int(s: str) -> int:
    """Read a Chinese or Arabic numeral: "一百零二" -> 102, "十五" -> 15, "二〇二四" -> 2024, "１２" -> 12.

    Raises ValueError when ``s`` is empty or holds anything that is not a numeral.
    """
    text = s.strip().translate(_WIDTH)
    if not text:
        raise ValueError(f"not a numeral: {s!r}")
    if text.isascii() and text.isdigit():
        return int(text)
    if all(ch in _DIGITS for ch in text):  # positional digits, as in a year: 二〇二四
        return int("".join(str(_DIGITS[ch]) for ch in text))
    return _read_with_units(text, s)


def _read_with_units(text: str, original: str) -> int:
    total = section = digit = 0
    seen_digit = False
    for ch in text:
        if ch in _DIGITS:
            digit, seen_digit = _DIGITS[ch], True
        elif ch.isascii() and ch.isdigit():
            digit, seen_digit = digit * 10 + int(ch), True
        elif ch in _SMALL_UNITS:
            # a bare 十 at the start means one ten: 十五 = 15
            section += (digit if seen_digit else 1) * _SMALL_UNITS[ch]
            digit, seen_digit = 0, False
        elif ch in _BIG_UNITS:
            total = (total + section + digit) * _BIG_UNITS[ch]
            section = digit = 0
            seen_digit = False
        else:
            raise ValueError(f"not a numeral: {original!r}")
    return total + section + digit


_WRITE_DIGITS = "零一二三四五六七八九"
_WRITE_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def int_to_cn(n: int) -> str:
    """Write an article number the way laws do: 15 -> "十五", 102 -> "一百零二", 110 -> "一百一十".

    The inverse of ``cn_to_int`` for 1..9999; consolidation needs it to write 第N条 after renumbering.
    """
    if not 0 < n < 10_000:
        raise ValueError(f"no article number: {n}")
    parts: list[str] = []
    zero = False
    for unit, name in _WRITE_UNITS:
        digit = n // unit % 10
        if digit:
            parts.append(("零" if zero else "") + _WRITE_DIGITS[digit] + name)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text
