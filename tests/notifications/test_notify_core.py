"""The pure notification core: periods, tokens, filters, marks, grouping, rendering, headers, Atom."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, timedelta
from email import policy

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.atom import atom_feed
from notifications.digest import build_digest, diff_view, period_label, subject
from notifications.errors import BadToken, InvalidEmail, InvalidFilter
from notifications.filters import (
    CompiledFilter,
    EventIndex,
    EventKeys,
    chain_closure,
    check_email,
    compile_filter,
    event_keys,
    filters_from_dict,
    matches,
    matching_event_ids,
)
from notifications.links import Links
from notifications.marks import new_marked, old_marked
from notifications.message import (
    SharedBody,
    _folded,
    _subject_header,
    assemble,
    build_message,
    message_id,
    read_rendered,
)
from notifications.model import DocInfo, EventData, Filters
from notifications.periods import (
    SHANGHAI,
    completed_periods,
    parse_period,
    period_containing,
    period_from_key,
)
from notifications.render import (
    Rendered,
    frame_end,
    frame_start,
    render_chat,
    render_digest,
    render_digest_body,
    render_frame,
)
from notifications.tokens import make_token, read_token, verify

LINKS = Links("https://regtrack.test")
OLD = DocInfo(1, "国家卫生应急队伍管理办法(试行)", "卫办应急发〔2010〕183号", "卫生部办公厅", "医政")
NEW = DocInfo(
    2, "国家卫生应急队伍管理办法", "国卫医急发〔2024〕11号", "国家卫生健康委员会", "医政", ("应急",)
)


# -- periods ---------------------------------------------------------------------------------


def test_periods_follow_shanghai_midnight_not_utc() -> None:
    # 2024-03-31 16:30 UTC is already 1 April in Shanghai.
    moment = datetime(2024, 3, 31, 16, 30, tzinfo=UTC)
    assert period_containing("daily", moment).key == "2024-04-01"
    assert period_containing("monthly", moment).key == "2024-04"
    assert period_containing("monthly", moment - timedelta(hours=1)).key == "2024-03"
    assert period_containing("daily", moment).start == datetime(2024, 4, 1, tzinfo=SHANGHAI)


def test_weekly_keys_are_iso_weeks_across_the_new_year() -> None:
    assert period_containing("weekly", datetime(2024, 12, 30, 12, tzinfo=SHANGHAI)).key == "2025-W01"
    assert period_containing("weekly", datetime(2021, 1, 3, 12, tzinfo=SHANGHAI)).key == "2020-W53"
    week = parse_period("weekly", "2024-W12")
    assert (week.start.date(), week.end.date()) == (date(2024, 3, 18), date(2024, 3, 25))
    assert period_label(week) == "2024年第12周（3月18日—3月24日）"


def test_completed_periods_exclude_the_current_one_and_wait_for_late_commits() -> None:
    now = datetime(2024, 4, 1, 0, 5, tzinfo=SHANGHAI)  # five minutes into April: March not safe yet
    assert [p.key for p in completed_periods("monthly", now, 2)] == ["2024-01", "2024-02"]
    later = datetime(2024, 4, 2, 9, tzinfo=SHANGHAI)
    assert [p.key for p in completed_periods("monthly", later, 2)] == ["2024-02", "2024-03"]
    assert [p.key for p in completed_periods("daily", later, 2)] == ["2024-03-31", "2024-04-01"]


@pytest.mark.parametrize("key", ["2024-13", "2024-W60", "2024-02-30", "March", "2024-3"])
def test_bad_period_keys_are_refused(key: str) -> None:
    with pytest.raises(InvalidFilter):
        period_from_key(key)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["daily", "weekly", "monthly"]),
)
def test_every_moment_lies_in_exactly_its_period(moment: datetime, frequency: str) -> None:
    period = period_containing(frequency, moment)
    assert period.start <= moment < period.end
    assert parse_period(frequency, period.key) == period
    following = period_containing(frequency, period.end)
    assert following.start == period.end and following.key > period.key  # keys sort in time order


# -- tokens ----------------------------------------------------------------------------------


def test_tokens_bind_purpose_subscriber_and_address() -> None:
    token = make_token("k", "unsubscribe", 7, "a@example.org")
    claim = read_token(token)
    verify("k", claim, "unsubscribe", "a@example.org")
    with pytest.raises(BadToken):
        verify("k", claim, "unsubscribe", "b@example.org")  # another address
    with pytest.raises(BadToken):
        verify("other-key", claim, "unsubscribe", "a@example.org")
    confirm = read_token(make_token("k", "confirm", 7, "a@example.org", issued=1_700_000_000))
    with pytest.raises(BadToken):
        verify("k", confirm, "unsubscribe", "a@example.org")  # a confirm token cannot unsubscribe
    forged = read_token(token.replace("unsubscribe.7.", "unsubscribe.8."))
    with pytest.raises(BadToken):
        verify("k", forged, "unsubscribe", "a@example.org")


@given(st.integers(1, 10**9), st.emails(), st.integers(0, 50), st.characters(codec="ascii"))
def test_any_altered_token_is_refused(subscriber_id: int, address: str, position: int, char: str) -> None:
    token = make_token("secret", "unsubscribe", subscriber_id, address)
    i = position % len(token)
    altered = token[:i] + char + token[i + 1 :]
    if altered == token:
        return
    with pytest.raises(BadToken):
        verify("secret", read_token(altered), "unsubscribe", address)


@pytest.mark.parametrize("raw", ["", "abc", "confirm.1.short", "unsubscribe.0." + "A" * 43, "x" * 500])
def test_malformed_tokens_are_refused(raw: str) -> None:
    with pytest.raises(BadToken):
        read_token(raw)


# -- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["", "a", "a@b", "a b@example.org", "a@example..org", "a@example.org\r\nBcc: x@y.z"]
)
def test_invalid_addresses_are_refused(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        check_email(raw)


def test_addresses_are_kept_in_canonical_form() -> None:
    assert check_email("  Alice.Li@Example.ORG ") == "alice.li@example.org"


def _repeal() -> EventData:
    return EventData(10, "repealed", OLD, NEW, relation_kind="repeals", relation_old_id=OLD.id)


def test_filters_match_any_value_within_a_field_and_all_fields() -> None:
    keys = event_keys(_repeal())
    assert matches(compile_filter(Filters(), {}), keys)  # no filter: everything
    assert matches(compile_filter(Filters(issuers=("国家卫生健康委",)), {}), keys)  # the successor's issuer
    assert matches(compile_filter(Filters(issuers=("药监局", "卫生部")), {}), keys)
    assert not matches(compile_filter(Filters(issuers=("卫生部",), categories=("药品",)), {}), keys)
    assert matches(compile_filter(Filters(keywords=("183号",)), {}), keys)  # 文号 text
    assert matches(compile_filter(Filters(keywords=("ＡＢＣ应急", "应急")), {}), keys)
    assert not matches(compile_filter(filters_from_dict({"kinds": ["amends"]}), {}), keys)
    assert matches(compile_filter(filters_from_dict({"kinds": ["repeals"]}), {}), keys)


def test_full_width_and_case_do_not_matter() -> None:
    doc = DocInfo(3, "关于ＷＳ／Ｔ 347—2024的通告", issuer="National Health Commission")
    keys = event_keys(EventData(1, "new_document", doc))
    assert matches(compile_filter(Filters(keywords=("ws/t347",), issuers=("national health",)), {}), keys)


def test_chain_filters_follow_supersession_in_both_directions() -> None:
    chains = chain_closure([1], [(2, 1), (3, 2), (9, 8)])
    assert chains[1] == frozenset({1, 2, 3})
    compiled = compile_filter(Filters(chains=(1,)), chains)
    later = EventData(11, "amended", DocInfo(3, "第三版"))
    assert matches(compiled, event_keys(later))
    assert not matches(compiled, event_keys(EventData(12, "amended", DocInfo(8, "别的"))))


@pytest.mark.parametrize(
    "raw",
    [
        {"kinds": ["deletes"]},
        {"issuer": ["x"]},
        {"documents": ["12"]},
        {"keywords": [" "]},
        {"documents": [0]},
    ],
)
def test_bad_filters_are_refused(raw: dict[str, list[object]]) -> None:
    with pytest.raises(InvalidFilter):
        filters_from_dict(raw)


# -- marks and grouping ----------------------------------------------------------------------


def test_marks_rebuild_old_and_new_text() -> None:
    ops = [(0, "第五条 校验期为"), (-1, "三年"), (1, "一年"), (0, "。")]
    assert old_marked(ops).plain == "第五条 校验期为三年。"
    assert new_marked(ops).plain == "第五条 校验期为一年。"
    assert ("del", "三年") in old_marked(ops).spans and ("ins", "一年") in new_marked(ops).spans


def test_long_unchanged_text_is_shortened_around_the_change() -> None:
    ops = [(0, "甲" * 500), (-1, "旧"), (1, "新"), (0, "乙" * 500)]
    new = new_marked(ops)
    assert ("ins", "新") in new.spans and "…" in new.plain and len(new.plain) < 200
    assert new.plain.index("新") > 0  # context kept before the change


@given(st.lists(st.tuples(st.sampled_from([-1, 0, 1]), st.text(min_size=1, max_size=30)), max_size=8))
def test_short_texts_are_marked_without_loss(ops: list[tuple[int, str]]) -> None:
    old = "".join(t for op, t in ops if op in (0, -1))
    new = "".join(t for op, t in ops if op in (0, 1))
    assert old_marked(ops).plain == old
    assert new_marked(ops).plain == new


def _amendment_diff() -> dict[str, object]:
    return {
        "old": {"ref": "v1", "title": "t"},
        "new": {"ref": "v2", "title": "t"},
        "summary": {},
        "articles": [
            {"change": "modified", "old_label": "ch1/a5", "new_label": "ch1/a5", "old_number": 5, "new_number": 5,
             "similarity": 0.9, "ops": [[0, "第五条 为"], [-1, "三"], [1, "一"], [0, "年"]]},
            {"change": "unchanged", "old_label": "ch1/a6", "new_label": "ch1/a6", "old_number": 6, "new_number": 6,
             "similarity": 1.0, "ops": [[0, "第六条"]]},
            {"change": "added", "old_label": None, "new_label": "ch1/a7", "old_number": None, "new_number": 7,
             "similarity": 0.0, "ops": [[1, "第七条 新增"]]},
        ],
    }  # fmt: skip


def test_digest_groups_events_and_keeps_only_changed_articles() -> None:
    amended_doc = DocInfo(5, "实施细则")
    events = [
        EventData(1, "new_document", NEW),
        _repeal(),
        EventData(3, "amended", amended_doc, version_diff_id=40),
        EventData(4, "article_changed", amended_doc, version_diff_id=40, article_label="ch1/a5"),
        EventData(5, "cites_repealed", DocInfo(6, "某通知"), OLD),
        EventData(6, "new_document", NEW),  # the same fact twice is shown once
    ]
    digest = build_digest("2024年3月", events, {40: diff_view(40, _amendment_diff())})
    assert digest.counts == {"new": 1, "superseded": 1, "amended": 1, "cites_repealed": 1}
    (item,) = digest.superseded
    assert (item.old.id, item.new.id if item.new else None) == (OLD.id, NEW.id)
    assert [a.label for a in digest.amended[0].articles] == ["第5条", "第7条"]
    assert subject(digest) == "法规动态 2024年3月：新发布1件，废止/替代1件，修改1件，引用已废止1件"


def test_article_events_alone_show_only_their_articles() -> None:
    events = [EventData(4, "article_changed", DocInfo(5, "细则"), version_diff_id=40, article_label="ch1/a7")]
    digest = build_digest("x", events, {40: diff_view(40, _amendment_diff())})
    assert [a.new_label for a in digest.amended[0].articles] == ["ch1/a7"]


def test_old_and_new_come_from_the_relation_whichever_side_the_event_names() -> None:
    flipped = EventData(2, "replaced", NEW, OLD, relation_kind="replaces", relation_old_id=OLD.id)
    (item,) = build_digest("x", [flipped], {}).superseded
    assert (item.old.id, item.new.id if item.new else None) == (OLD.id, NEW.id)


_WORDS = st.sampled_from(["卫生", "卫生健康", "医政", "应急", "中医", "国家", "a"])
_EVENT_KEYS = st.builds(
    EventKeys,
    event_id=st.integers(1, 40),
    kind=st.sampled_from(["new", "repeals", "amends", "cites"]),
    document_ids=st.frozensets(st.integers(1, 6), max_size=2),
    issuers=st.tuples(_WORDS) | st.tuples(_WORDS, _WORDS),
    categories=st.tuples(_WORDS) | st.tuples(),
    texts=st.tuples(_WORDS, _WORDS),
)
_FILTERS = st.builds(
    CompiledFilter,
    issuers=st.tuples() | st.tuples(_WORDS) | st.tuples(_WORDS, _WORDS),
    categories=st.tuples() | st.tuples(_WORDS),
    keywords=st.tuples() | st.tuples(_WORDS, _WORDS),
    kinds=st.frozensets(st.sampled_from(["new", "repeals", "amends", "cites"]), max_size=2),
    document_ids=st.none() | st.frozensets(st.integers(1, 6), max_size=3),
)


@given(events=st.lists(_EVENT_KEYS, max_size=12, unique_by=lambda e: e.event_id), f=_FILTERS)
def test_the_event_index_matches_what_each_event_matched_alone_matches(
    events: list[EventKeys], f: CompiledFilter
) -> None:
    assert EventIndex(events).matching(f) == matching_event_ids([f], events)


# -- rendering and the message ---------------------------------------------------------------


def test_html_is_escaped_and_styled_inline_text_is_marked() -> None:
    hostile = DocInfo(9, "<script>alert(1)</script> & 通知", "国卫〔2024〕1号")
    events = [
        EventData(1, "new_document", hostile),
        EventData(3, "amended", DocInfo(5, "细则"), version_diff_id=40),
    ]
    digest = build_digest("2024年3月", events, {40: diff_view(40, _amendment_diff())})
    rendered = render_digest(
        digest, email="a@example.org", frequency="monthly", links=LINKS, unsubscribe_url="https://u"
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<style" not in rendered.html and "<ins" not in rendered.html and "<del" not in rendered.html
    assert "text-decoration:line-through" in rendered.html
    assert "<script>alert(1)</script> & 通知" in rendered.text  # plain text is not HTML-escaped
    assert "第五条 为[-三-]年" in rendered.text and "第五条 为{+一+}年" in rendered.text
    assert "https://regtrack.test/diffs/40" in rendered.text


def test_message_has_both_parts_and_one_click_unsubscribe_headers() -> None:
    digest = build_digest("2024年3月", [EventData(1, "new_document", NEW)], {})
    token = make_token("k", "unsubscribe", 3, "a@example.org")
    url = LINKS.unsubscribe(token)
    rendered = render_digest(
        digest, email="a@example.org", frequency="monthly", links=LINKS, unsubscribe_url=url
    )
    msg = build_message(
        rendered,
        mail_from="regtrack <digest@regtrack.test>",
        to="a@example.org",
        msg_id=message_id("regtrack <digest@regtrack.test>", "d1", "monthly", "2024-03"),
        when=datetime(2024, 4, 1, tzinfo=UTC),
        unsubscribe_url=url,
        unsubscribe_token=token,
    )
    parsed = msg.as_email()
    assert parsed["Subject"] == "法规动态 2024年3月：新发布1件"
    assert (
        parsed["List-Unsubscribe"] == f"<{url}>, <mailto:digest@regtrack.test?subject=unsubscribe%20{token}>"
    )
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Message-ID"] == "<regtrack.d1.monthly.2024-03@regtrack.test>"
    assert parsed.get_content_type() == "multipart/alternative"
    assert "国家卫生应急队伍管理办法" in parsed.get_body(("plain",)).get_content()
    assert "https://regtrack.test/documents/2" in parsed.get_body(("html",)).get_content()
    assert all(len(line) <= 998 for line in msg.data.split(b"\r\n"))


@given(
    start=st.text(alphabet=st.sampled_from("ab\n文号《》é"), max_size=40),
    end=st.text(alphabet=st.sampled_from("xy\n退订é"), max_size=20),
)
def test_a_shared_start_and_an_own_ending_encode_as_one_text(start: str, end: str) -> None:
    # Whatever the start's length in bytes (0, 1 or 2 past a whole base64 group, with
    # multi-byte characters across the seam), the part decodes to start + end exactly.
    shared = SharedBody.of("主题", start, "<p>" + start)
    msg = assemble(
        shared,
        text_end=end,
        html_end=end + "</p>",
        mail_from="regtrack <digest@regtrack.test>",
        to="a@example.org",
        msg_id="<m@regtrack.test>",
        when=datetime(2024, 4, 1, tzinfo=UTC),
    )
    assert read_rendered(msg.as_email()) == Rendered("主题", start + end, "<p>" + start + end + "</p>")
    body_lines = msg.data.split(b"base64\r\n\r\n", 1)[1].split(b"\r\n")
    assert all(len(line) <= 76 for line in body_lines)


def test_a_digest_built_from_the_shared_body_is_the_rendered_digest() -> None:
    events = [EventData(1, "new_document", NEW), EventData(2, "repealed", OLD, related=NEW)]
    body = render_digest_body(build_digest("2024年3月", events, {}), LINKS)
    start = frame_start(body)
    end = frame_end(email="a@example.org", frequency="weekly", unsubscribe_url="https://u/1?a=b&c")
    msg = assemble(
        SharedBody.of(start.subject, start.text, start.html),
        text_end=end.text,
        html_end=end.html,
        mail_from="regtrack <digest@regtrack.test>",
        to="a@example.org",
        msg_id="<m@regtrack.test>",
        when=datetime(2024, 4, 1, tzinfo=UTC),
    )
    expected = render_frame(
        body, email="a@example.org", frequency="weekly", unsubscribe_url="https://u/1?a=b&c"
    )
    assert read_rendered(msg.as_email()) == expected
    assert "https://u/1?a=b&amp;c" in expected.html and "退订：https://u/1?a=b&c" in expected.text
    assert "\n\n--\n您收到这封邮件，是因为 a@example.org 订阅了 regtrack 法规动态（每周）。" in expected.text


def test_chat_summary_is_short() -> None:
    events = [EventData(i, "new_document", DocInfo(i, f"通知{i}")) for i in range(1, 13)]
    title, body = render_chat(build_digest("2024年3月", events, {}))
    assert title == "法规动态 2024年3月：新发布12件"
    assert body.count("新发布：") == 5 and "另有 7 项" in body


# -- Atom ------------------------------------------------------------------------------------


def test_atom_feed_escapes_text_and_links_to_the_web_pages() -> None:
    hostile = DocInfo(9, "A <b>&</b> 通知\x0c", "国卫〔2024〕1号", "国家卫生健康委员会", "医政")
    events = [
        EventData(1, "new_document", hostile, created_at=datetime(2024, 3, 2, tzinfo=UTC)),
        EventData(
            2, "repealed", OLD, NEW, relation_old_id=OLD.id, created_at=datetime(2024, 3, 3, tzinfo=UTC)
        ),
        EventData(3, "amended", NEW, version_diff_id=40, created_at=datetime(2024, 3, 4, tzinfo=UTC)),
    ]
    xml = atom_feed(events, "regtrack · 医政", "https://regtrack.test/feeds/atom?category=医政")
    feed = feedparser.parse(xml)
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [
        "https://regtrack.test/diffs/40",
        "https://regtrack.test/documents/1/chain",
        "https://regtrack.test/documents/9",
    ]
    assert feed.entries[2].title == "新发布：A <b>&</b> 通知"
    assert b"<b>" not in xml


@given(
    st.text(
        alphabet=st.sampled_from("法规动态年月日新发布废止替代修改引用件：，/ 0123456789WA-"),
        min_size=1,
        max_size=120,
    )
)
def test_the_subject_header_reads_back_as_the_subject(subject: str) -> None:
    # The fast encoder for a digest's subject (it runs once per body) writes other encoded words
    # than the SMTP policy at times, never another subject.
    subject = "法规动态 " + subject
    header = _subject_header(subject)
    assert email.message_from_bytes(header + b"\r\n", policy=policy.default)["Subject"] == subject
    assert _subject_header("hello") == _folded("Subject", "hello")  # ASCII stays as the policy has it
