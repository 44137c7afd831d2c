import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.docnumber import (
    DOC_NUMBER_RE,
    ORDER_NUMBER_RE,
    STANDARD_RE,
    canonical_doc_number,
    canonical_order_number,
    find_doc_numbers,
)

_VARIANTS = [
    "国卫医急发〔2024〕11号",
    "国卫医急发[2024]11号",
    "国卫医急发［2024］11号",
    "国卫医急发(2024)11号",
    "国卫医急发（2024）11号",
    "国卫医急发﹝2024﹞11号",
    "国卫医急发【2024】11号",
    "国卫医急发 〔2024〕 11 号",
    "国卫医急发〔２０２４〕１１号",
]


@pytest.mark.parametrize("raw", _VARIANTS)
def test_bracket_and_space_variants_collapse(raw):
    assert canonical_doc_number(raw) == "国卫医急发〔2024〕11号"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("WS/T 347—2024", "WS/T 347-2024"),
        ("WS/T 347–2024", "WS/T 347-2024"),
        ("WS/T 347―2024", "WS/T 347-2024"),
        ("WS/T  347 - 2024", "WS/T 347-2024"),
        ("GB 15982-2012", "GB 15982-2012"),
        ("GB50333-2013", "GB 50333-2013"),
        ("WS 123—2019", "WS 123-2019"),
        ("GB/T 15657－2021", "GB/T 15657-2021"),
        ("内卫办中（蒙）综合字〔2024〕160号", "内卫办中（蒙）综合字〔2024〕160号"),
    ],
)
def test_canonical_forms(raw, canonical):
    assert canonical_doc_number(raw) == canonical


@pytest.mark.parametrize(
    "junk", ["", "国卫医急发", "2024年第5号", "ISSN 1672-5417", "第三十二条", "〔2024〕11号"]
)
def test_rejects_what_is_not_a_number(junk):
    with pytest.raises(ValueError):
        canonical_doc_number(junk)


def test_finds_numbers_in_running_text():
    # 001 line 876: the headline repeal sentence
    text = "本办法自印发之日起施行,《国家卫生应急队伍管理办法(试行)》(卫办应急发〔2010〕183号)同时废止。"
    [(start, end, raw, canonical)] = find_doc_numbers(text)
    assert text[start:end] == raw == "卫办应急发〔2010〕183号"
    assert canonical == "卫办应急发〔2010〕183号"


def test_citation_verbs_are_not_part_of_the_code():
    found = find_doc_numbers("根据国卫办医政函 〔2024〕 86 号要求，按照WS/T 347—2024执行")
    assert [c for *_, c in found] == ["国卫办医政函〔2024〕86号", "WS/T 347-2024"]


def test_spaced_issuer_before_number_stays_out():
    [(*_, canonical)] = find_doc_numbers("国家卫生健康委 国卫医急发〔2024〕11号")
    assert canonical == "国卫医急发〔2024〕11号"


_SPACE = st.sampled_from(["", " ", "  ", "\u3000"])
_OPEN_CLOSE = st.sampled_from(list(zip("〔［[(（﹝【", "〕］])）﹞】", strict=True)))


@given(
    code=st.text(alphabet="国卫办医政急发函沪京鲁基层", min_size=1, max_size=8),
    year=st.integers(min_value=1990, max_value=2099),
    serial=st.integers(min_value=1, max_value=9999),
    brackets=_OPEN_CLOSE,
    s1=_SPACE,
    s2=_SPACE,
    s3=_SPACE,
)
def test_variants_collapse_and_canonical_is_idempotent(code, year, serial, brackets, s1, s2, s3):
    opening, closing = brackets
    raw = f"{code}{s1}{opening}{year}{closing}{s2}{serial}{s3}号"
    canonical = canonical_doc_number(raw)
    assert canonical == f"{code}〔{year}〕{serial}号"
    assert canonical_doc_number(canonical) == canonical


@given(st.text(max_size=80))
def test_never_crashes_on_arbitrary_text(text):
    for start, end, raw, canonical in find_doc_numbers(text):
        assert text[start:end] == raw
        assert canonical_doc_number(canonical) == canonical


@given(st.text(max_size=40))
def test_canonical_only_raises_value_error(text):
    with contextlib.suppress(ValueError):
        canonical_doc_number(text)


def test_regexes_are_compiled():
    assert DOC_NUMBER_RE.search("见国卫通〔2024〕5号")
    assert STANDARD_RE.search("WS/T 828-2023 妊娠期糖尿病")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # corpus l02: numbers of the 1980s, the two-digit year before or after the code
        (
            "关于全民所有制各级各类卫生事业单位职工因工负伤致残抚恤问题的通知（（79）卫政字第1587号）",
            "卫政字〔1979〕1587号",
        ),
        (
            "卫生部关于颁发《果蔬类罐头食品卫生标准》等13个食品卫生标准的通知（卫监字（89）第23号）",
            "卫监字〔1989〕23号",
        ),
        ("卫生部关于职工休假问题的通知（卫人发（91）第43号）", "卫人发〔1991〕43号"),
        # corpus l05: a date glued before the number is not part of the code
        ("…的通知1992年1月7日高检发〔1992〕2号免予起诉制度已被…", "高检发〔1992〕2号"),
        # corpus l06, h08, l09: order numbers, without 中华人民共和国 and 原
        ("（2000年3月15日中华人民共和国国务院令第283号发布）", "国务院令第283号"),
        (
            "1998年3月12日原国家质量技术监督局令第51号公布的《产品质量申诉处理办法》",
            "国家质量技术监督局令第51号",
        ),
        ("暂行规定1993年1月22日民航总局令第30号发布", "民航总局令第30号"),
        ("中华人民共和国主席令第十二号", "主席令第12号"),
    ],
)
def test_old_numbers_and_order_numbers(text, canonical):
    [(start, end, raw, found)] = find_doc_numbers(text)
    assert text[start:end] == raw
    assert found == canonical
    assert canonical_doc_number(raw) == canonical_doc_number(canonical) == canonical


def test_order_number_with_and_without_state_name_compare_equal():
    assert canonical_doc_number("中华人民共和国国务院令第25号") == canonical_doc_number("国务院令第25号")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        # h05 题注 "1994年2月26日 中华人民共和国国务院令第149号发布"
        ("中华人民共和国国务院令第149号", "国务院令第149号"),
        ("国务院令第１４９号", "国务院令第149号"),
        # h08 "2019年11月30日 国家市场监督管理总局令第20号公布"
        ("国家市场监督管理总局令 第 20 号", "国家市场监督管理总局令第20号"),
    ],
)
def test_order_numbers_are_identifiers(raw, canonical):
    assert canonical_doc_number(raw) == canonical


def test_court_numbers_with_the_year_first_in_any_bracket():
    # corpus l23 "〔53〕法行字第487号", "〔1957〕法研字第17334号"; court lists "法〔研〕复〔1988〕32号"
    assert canonical_doc_number("〔53〕法行字第487号") == "法行字〔1953〕487号"
    assert canonical_doc_number("〔1957〕法研字第17334号") == "法研字〔1957〕17334号"
    assert canonical_doc_number("法〔研〕复〔1988〕32号") == canonical_doc_number("法(研)复〔1988〕32号")
    assert find_doc_numbers("（2019）最高法民终1号") == []  # a case number, not a 文号


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("农业农村部令2018年第2号", "农业农村部令2018年第2号"),  # numbered by year (corpus m05)
        ("农业农村部令 2022 年第 1 号", "农业农村部令2022年第1号"),
        ("中华人民共和国国务院令第408号", "国务院令第408号"),
    ],
)
def test_order_numbers_keep_their_year(raw, canonical):
    match = ORDER_NUMBER_RE.search(raw)
    assert match and canonical_order_number(match) == canonical
