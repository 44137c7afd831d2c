from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dates import _EFFECTIVE_RE, _clauses, effective_date_from, expiry_from, find_dates, parse_date


@pytest.mark.parametrize(
    "text",
    ["2024-03-01", "2024.3.1", "2024/3/1", "2024年3月1日", "2024 年 3 月 1 日", "二〇二四年三月一日",
     "二○二四年三月一日", "２０２４年３月１日", " 2024年03月01日 "],
)  # fmt: skip
def test_parses_every_form(text):
    assert parse_date(text) == date(2024, 3, 1)


@pytest.mark.parametrize("text", ["2024-02-30", "2024年13月1日", "", "2024年", "第2024号", "2024-3/1"])
def test_invalid_is_none(text):
    assert parse_date(text) is None


def test_finds_dates_with_offsets():
    text = "于2024年3月1日印发，2024-02-30无效，二〇二四年十二月三十一日止，WS/T 828-2023。"
    found = find_dates(text)
    assert [d for *_, d in found] == [date(2024, 3, 1), date(2024, 12, 31)]
    assert text[found[0][0] : found[0][1]] == "2024年3月1日"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_round_trip(d):
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d
    assert parse_date(d.isoformat()) == d
    assert find_dates(f"于{d.year}.{d.month}.{d.day}印发")[0][2] == d


@given(st.text(max_size=60))
def test_never_crashes(text):
    find_dates(text)
    parse_date(text)
    effective_date_from(text, written=date(2024, 1, 1), published=None)
    expiry_from(text, start=date(2024, 1, 1))


WRITTEN, PUBLISHED = date(2024, 3, 19), date(2024, 3, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本办法自2024年5月1日起施行。", date(2024, 5, 1)),
        ("本通知自 2024 年 4 月 1 日起正式实施。", date(2024, 4, 1)),
        ("该标准自2024年6月1日起施行。", date(2024, 6, 1)),  # 000 line 9
        ("本办法自印发之日起施行,《国家卫生应急队伍管理办法(试行)》同时废止。", WRITTEN),  # 001 line 876
        ("本规定自发布之日起施行。", PUBLISHED),
        ("本规定自发布之日起30日后施行。", date(2024, 4, 24)),
        ("本规范自发布之日起试行。", PUBLISHED),
        ("本通知自印发之日起\n执行。", WRITTEN),
        ("《药品管理法》自2019年12月1日起施行。", None),
        ("各地要认真执行。", None),
    ],
)
def test_effective_date(text, expected):
    assert effective_date_from(text, written=WRITTEN, published=PUBLISHED) == expected


def test_published_falls_back_to_written():
    assert effective_date_from("自发布之日起施行。", written=WRITTEN, published=None) == WRITTEN


def test_own_clause_wins_over_a_background_date():
    text = "2023年起试点工作自2023年1月1日起实施。本方案自2024年5月1日起施行。"
    assert effective_date_from(text, written=WRITTEN, published=None) == date(2024, 5, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本办法自2024年5月1日起施行，有效期5年。", date(2029, 4, 30)),  # last day in force
        ("本方案有效期五年。", date(2029, 4, 30)),
        ("本通知有效期至2026年3月31日。", date(2026, 3, 31)),
        ("医院评审结论有效期4年。", None),  # the trap in DOMAIN.md
        ("配置许可证有效期5年。", None),
    ],
)
def test_expiry(text, expected):
    assert expiry_from(text, start=date(2024, 5, 1)) == expected


def test_expiry_in_years_needs_a_start():
    assert expiry_from("本办法有效期5年。", start=None) is None
    assert expiry_from("本办法有效期5年。", start=date(2024, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 001 line 5508: a subjectless closing sentence
        ("本措施由青海省药品监督管理局负责解释。自2024年3月4日起施行，有效期五年。", date(2029, 4, 30)),
        # 001 line 2875: 本办法 opens the sentence, but 有效期 belongs to the 评审结论
        ("本办法所称医院评审包括各级各类医院的评审（下同），医院评审结论有效期4年，实行动态管理。", None),
        ("第三十九条 本办法自印发之日起施行，有效期 5 年。", date(2029, 4, 30)),
        (
            "（以下简称《免罚清单》）……(五) 《免罚清单》自2024年4月1日起施行,有效期至2026年3月31日。",
            date(2026, 3, 31),
        ),
        ("电子处方流转有效期3天,单次结算。", None),
    ],
)
def test_expiry_subject(text, expected):
    assert expiry_from(text, start=date(2024, 5, 1)) == expected


def test_effective_date_for_a_defined_short_name():
    text = "（以下简称《免罚清单》）。(五) 《免罚清单》自2024年4月1日起施行,有效期至2026年3月31日。"
    assert effective_date_from(text, written=WRITTEN, published=None) == date(2024, 4, 1)
    assert effective_date_from(
        "本《通知》自 2024 年 4 月 1 日起正式实施。", written=WRITTEN, published=None
    ) == date(2024, 4, 1)


_CLAUSE_PIECES = st.sampled_from(
    ["施行", "实施", "执行", "试行", "生效", "实施行", "自", "于", "起", "正式", "个工作日", "30日后", "之日",
     "印发", "发布", "2024年5月1日", "二〇二四年三月一日", "2024-03-01", "年", "月", "日", "行", "本办法", "。",
     "，", "《办法》", "3", "十"]
)  # fmt: skip


@given(st.lists(_CLAUSE_PIECES, max_size=14).map("".join))
def test_clauses_are_found_only_in_front_of_their_words_yet_all_of_them(flat):
    assert [m.span() for m in _clauses(flat)] == [m.span() for m in _EFFECTIVE_RE.finditer(flat)]


def test_a_cited_documents_own_date_is_not_the_citing_ones():
    # h18 第四十五条: the repealed 办法's 实施 date, then this one's
    from ingest.dates import effective_date_from

    text = "本办法自2004年1月1日起实施。1999年5月1日实施的《进口药品管理办法》同时废止。"
    assert effective_date_from(text, written=None, published=None) == date(2004, 1, 1)
    assert (
        effective_date_from("1999年5月1日实施的《进口药品管理办法》同时废止。", written=None, published=None)
        is None
    )
