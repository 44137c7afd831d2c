"""Atom feeds of change events (feedgen), served by the web app per issuer, category and query."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from notifications.links import Links
from notifications.model import EVENT_LABELS, EventData
from notifications.periods import aware

# XML 1.0 cannot carry C0 controls (PDF extraction leaves form feeds and the like in titles).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _link(event: EventData, links: Links) -> str:
    if event.version_diff_id is not None:
        return links.diff(event.version_diff_id)
    if event.kind in ("repealed", "replaced", "partially_repealed", "expired"):
        return links.chain(event.document.id)
    return links.document(event.document.id)


def _summary(event: EventData) -> str:
    doc, related = event.document, event.related
    parts = [event.summary] if event.summary else []
    if doc.doc_number:
        parts.append(doc.doc_number)
    if related is not None:
        parts.append(f"相关：{related.title}" + (f"（{related.doc_number}）" if related.doc_number else ""))
    if event.article_label:
        parts.append(event.article_label)
    if event.effective_date:
        parts.append(f"生效日期：{event.effective_date.isoformat()}")
    return "；".join(parts) or doc.title


def _base_url(feed_url: str) -> str:
    return feed_url.split("/feeds/", 1)[0].rstrip("/")


def atom_feed(events: Sequence[EventData], title: str, feed_url: str, links: Links | None = None) -> bytes:
    """An Atom document, newest event first; text is escaped by feedgen, controls removed."""
    links = links or Links(_base_url(feed_url))
    from feedgen.feed import FeedGenerator  # lxml and feedgen load only when a feed is served

    fg = FeedGenerator()
    fg.id(feed_url)
    fg.title(_clean(title))
    fg.link(href=feed_url, rel="self", type="application/atom+xml")
    fg.link(href=links.base_url + "/", rel="alternate")
    fg.language("zh-CN")
    fg.generator("regtrack")
    stamps = [aware(e.created_at) for e in events if e.created_at]
    fg.updated(max(stamps) if stamps else datetime.now(UTC))
    for event in sorted(events, key=lambda e: e.id):  # feedgen prepends: the newest ends up first
        entry = fg.add_entry()
        entry.id(f"{links.document(event.document.id)}#event-{event.id}")
        entry.title(_clean(f"{EVENT_LABELS.get(event.kind, event.kind)}：{event.document.title}"))
        entry.link(href=_link(event, links))
        entry.updated(aware(event.created_at) if event.created_at else datetime.now(UTC))
        entry.summary(_clean(_summary(event)))
        if event.document.issuer:
            entry.author(name=_clean(event.document.issuer))
        if event.document.category:
            entry.category(term=_clean(event.document.category))
    return fg.atom_str(pretty=True)
