"""Other channels: Apprise chat summaries (a json:// webhook on 127.0.0.1) and Atom feeds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from sqlalchemy import Engine

from notifications.errors import ChatError, UnknownSubscriber
from regtrack.services import digests
from tests.support.notify import backdate_subscriptions, make_settings, march_2024, utc
from tests.support.sites import serve_site

APRIL_2 = datetime(2024, 4, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_subscriptions_with_apprise_urls_get_a_short_chat_summary(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    settings = make_settings(tmp_path, "unused")
    with serve_site() as site:
        for address, urls in [
            ("chat@example.org", [f"json://127.0.0.1:{site.port}/wecom-bridge"]),
            ("broken@example.org", ["json://127.0.0.1:1/nothing-listens"]),
        ]:
            result = digests.subscribe(
                engine, settings, address, {"kinds": ["repeals", "amends"]}, "monthly", urls
            )
            digests.confirm(engine, settings, result.token)
        backdate_subscriptions(engine, utc(2024, 1, 1))
        report = digests.send_due(engine, settings, "monthly", APRIL_2, retry_delays=())
    assert (report.sent, report.chat_sent, report.chat_failed) == (2, 1, 1)  # the email went out regardless
    assert (
        not report.ok and "json://127.0.0.1" in report.errors[0] and "nothing-listens" not in report.errors[0]
    )
    ((path, payload),) = site.posts
    assert path == "/wecom-bridge"
    assert payload["title"] == "法规动态 2024年3月：废止/替代1件，修改1件"
    assert (
        "废止：国家卫生应急队伍管理办法(试行) → 国家卫生应急队伍管理办法（2024-03-01）" in payload["message"]
    )


def test_invalid_apprise_urls_are_refused_at_subscription(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ChatError):
        digests.subscribe(
            engine, make_settings(tmp_path, "unused"), "a@example.org", {}, "daily", ["nope://x"]
        )


def test_atom_feed_by_issuer_category_and_query(engine: Engine, tmp_path: Path) -> None:
    march = march_2024(engine)
    settings = make_settings(tmp_path, "unused")
    everything = feedparser.parse(digests.atom(engine, settings))
    assert not everything.bozo and len(everything.entries) == 4
    assert everything.feed.title == "regtrack 法规动态"
    by_issuer = feedparser.parse(digests.atom(engine, settings, issuer="卫生部"))
    assert [e.link for e in by_issuer.entries] == [
        f"https://regtrack.test/documents/{march.citing}",  # cites the 卫生部 document
        f"https://regtrack.test/documents/{march.old}/chain",
    ]
    by_query = feedparser.parse(digests.atom(engine, settings, category="医疗", q="校验"))
    assert [e.link for e in by_query.entries] == [f"https://regtrack.test/diffs/{march.diff}"]
    assert (
        by_query.feed.links[0].href
        == "https://regtrack.test/feeds/atom?category=%E5%8C%BB%E7%96%97&q=%E6%A0%A1%E9%AA%8C"
    )
    assert "医疗机构管理条例实施细则 <修订> & 附则" in by_query.entries[0].title


def test_preview_shows_what_the_person_would_get_and_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    march_2024(engine)
    settings = make_settings(tmp_path, "unused")
    digests.subscribe(engine, settings, "p@example.org", {"keywords": ["校验"]}, "weekly")
    shown = digests.preview(engine, settings, "P@example.org", "2024-03")
    assert shown.rendered.subject == "法规动态 2024年3月：修改1件"
    assert shown.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digests.outbox_status(engine) == {}
    week = digests.preview(engine, settings, "p@example.org", "2024-W11")  # 11–17 March holds the 12th
    assert week.event_ids == shown.event_ids
    with pytest.raises(UnknownSubscriber):
        digests.preview(engine, settings, "stranger@example.org")
