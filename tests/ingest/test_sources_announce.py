"""What feeds and listing pages announce: links, titles, dates; unsafe or garbage feeds refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.announce import AnnouncedItem, FeedError, links_from_feed, links_from_page
from tests.conftest import SAMPLES

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id>
<updated>2024-04-01T00:00:00Z</updated>
<entry><title>  2024\xe5\xb9\xb4\xe7\xac\xac03\xe6\x9c\x9f  </title><id>urn:a</id>
  <updated>2024-04-01T08:00:00+08:00</updated>
  <link href="../html/a.html"/><link rel="enclosure" href="files/a.pdf"/></entry>
<entry><title>B</title><id>urn:b</id><updated>2024-03-01T00:00:00Z</updated><link href="b.txt#top"/></entry>
<entry><title>B again</title><id>urn:b2</id><updated>2024-03-01T00:00:00Z</updated><link href="b.txt"/></entry>
</feed>"""

RSS = """<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>卫健委</title><link>http://example.org/</link>
<item><title>关于印发某办法的通知</title><link>http://example.org/c/1.docx</link>
<pubDate>Fri, 15 Mar 2024 23:30:00 +0800</pubDate></item>
</channel></rss>""".encode("gb2312")

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title>
<link>http://example.org/x.txt</link></item></channel></rss>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&x;</title><link>http://e/x.txt</link></item></channel></rss>"""


def test_atom_links_are_absolute_enclosures_first_deduplicated_with_local_dates():
    items = links_from_feed(ATOM, "http://example.org/feeds/feed.atom")
    assert items == [
        AnnouncedItem("http://example.org/feeds/files/a.pdf", "2024年第03期", dt.date(2024, 4, 1)),
        AnnouncedItem("http://example.org/feeds/b.txt", "B", dt.date(2024, 3, 1)),
    ]


def test_rss_in_gb2312_with_rfc822_date_keeps_the_date_of_its_own_time_zone():
    (item,) = links_from_feed(RSS, "http://example.org/rss.xml")
    assert item == AnnouncedItem("http://example.org/c/1.docx", "关于印发某办法的通知", dt.date(2024, 3, 15))


def test_bundled_sample_feed_lists_the_five_samples_as_local_files():
    feed = SAMPLES / "feed.atom"
    items = links_from_feed(feed.read_bytes(), feed.resolve().as_uri())
    expected = sorted(p.resolve().as_uri() for p in SAMPLES.glob("*.txt"))
    assert sorted(i.url for i in items) == expected
    assert all(i.title and i.published for i in items)


@pytest.mark.parametrize(
    "data", [BOMB, EXTERNAL, BOMB.decode().encode("utf-16")], ids=["bomb", "xxe", "utf16"]
)
def test_dtd_and_entity_declarations_are_refused_before_parsing(data):
    with pytest.raises(FeedError, match="refused"):
        links_from_feed(data, "http://example.org/feed")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00garbage", b"<html><body><p>503 Service Unavailable</p></body></html>", b""],
    ids=["binary", "html-error-page", "empty"],
)
def test_garbage_is_not_a_feed(data):
    with pytest.raises(FeedError, match="not an RSS/Atom feed"):
        links_from_feed(data, "http://example.org/feed")


def test_an_empty_but_valid_feed_announces_nothing():
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert links_from_feed(empty, "http://example.org/feed") == []


LISTING = """<html><head><base href="/policy/"></head><body>
<ul>
  <li><a href="2024/03/compilation.pdf">全国医药政策月度汇编 2024年第03期</a> <span>2024-04-02</span></li>
  <li><a href="2024/02/compilation.docx" title="2月汇编"></a></li>
  <li><a href="notice.html">关于印发…的通知</a>（2024年3月5日）</li>
  <li><a href="http://elsewhere.example.com/ad.html">广告</a></li>
  <li><a href="index.html">首页</a> <a href="mailto:x@example.org">mail</a> <a href="javascript:void(0)">x</a></li>
  <li><a href="2024/03/compilation.pdf#page=2">duplicate</a></li>
</ul></body></html>""".encode()


def test_listing_page_links_to_compilation_files_with_titles_and_dates():
    items = links_from_page(LISTING, "http://example.org/policy/index.html")
    assert items == [
        AnnouncedItem(
            "http://example.org/policy/2024/03/compilation.pdf",
            "全国医药政策月度汇编 2024年第03期",
            dt.date(2024, 4, 2),
        ),
        AnnouncedItem("http://example.org/policy/2024/02/compilation.docx", "2月汇编", None),
        AnnouncedItem("http://example.org/policy/notice.html", "关于印发…的通知", dt.date(2024, 3, 5)),
    ]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_links_or_a_named_error(data):
    try:
        items = links_from_feed(data, "http://example.org/feed")
    except FeedError:
        return
    assert all(i.url.startswith("http://") for i in items)
    assert all(isinstance(i, AnnouncedItem) for i in items)
    assert links_from_page(data, "http://example.org/") is not None
