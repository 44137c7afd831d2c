import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.numerals import cn_to_int, int_to_cn


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("三十二", 32), ("一百零二", 102),
        ("一百一十", 110), ("两百", 200), ("一千零一", 1001), ("一万二千", 12000), ("零", 0),
        ("二〇二四", 2024), ("二○二四", 2024), ("102", 102), ("１２", 12),
    ],
)  # fmt: skip
def test_reads_numerals(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("junk", ["", "  ", "第一", "abc", "一条", "1.5"])
def test_rejects_junk(junk):
    with pytest.raises(ValueError):
        cn_to_int(junk)


_DIGITS = "零一二三四五六七八九"


def _to_cn(n: int) -> str:
    """Reference writer for 1..9999 in the article-number style (十五, 一百零二)."""
    parts, zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d:
            if zero:
                parts.append("零")
            parts.append(_DIGITS[d] + name)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@given(st.integers(min_value=1, max_value=9999))
def test_round_trips_article_numbers(n):
    assert cn_to_int(_to_cn(n)) == n


@given(st.text(max_size=12))
def test_never_crashes_otherwise(text):
    with contextlib.suppress(ValueError):
        assert cn_to_int(text) >= 0


@given(st.integers(min_value=1, max_value=9999))
def test_writes_article_numbers_as_laws_do(n):
    assert int_to_cn(n) == _to_cn(n)
