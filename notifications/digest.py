"""A digest: one subscriber's matched events for a period, grouped the way readers scan them.

Groups: new documents; repealed/replaced (old → new with the effective date); amended (the
changed articles only, old and new text marked); documents that now cite a repealed one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from diffing.model import CHANGE_NAMES, ArticleChange
from diffing.serialize import from_dict
from notifications.marks import new_marked, old_marked
from notifications.model import EVENT_LABELS, DocInfo, EventData, MarkedText, Period

SUPERSEDING = ("repealed", "replaced", "partially_repealed", "expired")
# A derived version (consolidated) is news of the amended kind: its summary is 已根据《…决定》生成修正文本.
AMENDING = ("amended", "article_changed", "consolidated")
_STATED = ("amended", "consolidated")  # events whose summary is a sentence, not an article label
MAX_ARTICLES = 5  # per amended document in one email; the web page has the rest
MAX_ITEMS = 20  # per group in one email, so a digest stays under Gmail's 102 KB clipping
MAX_DETAILED = 5  # amended documents shown with their article text; the rest as links
GROUPS = ("new", "superseded", "amended", "cites_repealed")
# What a digest item is labelled with: a superseding event, or an article's change.
KIND_LABELS = {**{kind: EVENT_LABELS[kind] for kind in SUPERSEDING}, **CHANGE_NAMES}


@dataclass(frozen=True)
class ArticleView:
    change: str  # added | removed | modified | moved
    old_label: str | None
    new_label: str | None
    old: MarkedText
    new: MarkedText
    heading: str = ""  # how readers name the unit: 第三条, 一、 (label when unknown)

    @property
    def label(self) -> str:
        return self.heading or self.new_label or self.old_label or ""


def _heading(article: ArticleChange) -> str:
    """第N条 for an article label path (``ch2/a15``), else the heading the differ stored, if any."""
    if article.new_heading or article.old_heading:
        return article.new_heading or article.old_heading
    label = article.new_label or article.old_label or ""
    number = article.new_number if article.new_number is not None else article.old_number
    last = label.rsplit("/", 1)[-1]
    if number is not None and re.fullmatch(r"a\d+", last):
        return f"第{number}条"
    return ""


@dataclass(frozen=True)
class DiffView:
    """The changed articles of one stored version diff (``version_diffs.diff``)."""

    id: int
    old_ref: str
    new_ref: str
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True)
class SupersededItem:
    kind: str
    old: DocInfo
    new: DocInfo | None
    effective_date: date | None
    scope: str | None


@dataclass(frozen=True)
class AmendedItem:
    document: DocInfo
    diff_id: int | None
    articles: tuple[ArticleView, ...]
    omitted: int  # changed articles not shown in the email
    summary: str


@dataclass(frozen=True)
class CitesItem:
    document: DocInfo
    repealed: DocInfo | None
    effective_date: date | None


@dataclass(frozen=True)
class Digest:
    period_label: str
    new_documents: tuple[DocInfo, ...]
    superseded: tuple[SupersededItem, ...]
    amended: tuple[AmendedItem, ...]
    cites_repealed: tuple[CitesItem, ...]
    omitted: tuple[int, int, int, int] = (0, 0, 0, 0)  # per group (GROUPS order), after trim()

    @property
    def counts(self) -> dict[str, int]:
        shown = (len(self.new_documents), len(self.superseded), len(self.amended), len(self.cites_repealed))
        return {group: n + more for group, n, more in zip(GROUPS, shown, self.omitted, strict=True)}

    def more(self, group: str) -> int:
        """Items of ``group`` left out of the email by trim()."""
        return self.omitted[GROUPS.index(group)]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def diff_view(diff_id: int, stored: Mapping[str, Any]) -> DiffView:
    """The changed articles of a stored diff, each with old/new text marked."""
    diff = from_dict(stored)
    articles = tuple(
        ArticleView(
            change=article.change,
            old_label=article.old_label,
            new_label=article.new_label,
            old=old_marked(article.ops),
            new=new_marked(article.ops),
            heading=_heading(article),
        )
        for article in diff.articles
        if article.changed
    )
    return DiffView(id=diff_id, old_ref=diff.old_ref, new_ref=diff.new_ref, articles=articles)


def _superseded(event: EventData) -> SupersededItem:
    old, new = event.document, event.related
    if event.relation_old_id is not None and new is not None and new.id == event.relation_old_id:
        old, new = new, old
    return SupersededItem(event.kind, old, new, event.effective_date, event.relation_scope)


def _amended(events: list[EventData], diffs: Mapping[int, DiffView]) -> AmendedItem:
    first = events[0]
    view = diffs.get(first.version_diff_id) if first.version_diff_id is not None else None
    articles: tuple[ArticleView, ...] = view.articles if view else ()
    if view and not any(e.kind in _STATED for e in events):
        labels = {e.article_label for e in events}
        articles = tuple(a for a in articles if a.new_label in labels or a.old_label in labels)
    # An amendment's summary is the sentence that states it; article events only name a label.
    summary = "；".join(dict.fromkeys(e.summary for e in events if e.summary and e.kind in _STATED))
    return AmendedItem(
        first.document,
        first.version_diff_id,
        articles[:MAX_ARTICLES],
        max(0, len(articles) - MAX_ARTICLES),
        summary,
    )


def build_digest(period_label: str, events: Iterable[EventData], diffs: Mapping[int, DiffView]) -> Digest:
    """Group events (in id order) into a digest; duplicates of one fact are shown once."""
    new: dict[int, DocInfo] = {}
    superseded: dict[tuple[Any, ...], SupersededItem] = {}
    amended: dict[tuple[int, int | None], list[EventData]] = {}
    cites: dict[tuple[int, int | None], CitesItem] = {}
    for event in sorted(events, key=lambda e: e.id):
        if event.kind == "new_document":
            new.setdefault(event.document.id, event.document)
        elif event.kind in SUPERSEDING:
            item = _superseded(event)
            key = (item.kind, item.old.id, item.new.id if item.new else None, item.scope)
            superseded.setdefault(key, item)
        elif event.kind in AMENDING:
            amended.setdefault((event.document.id, event.version_diff_id), []).append(event)
        elif event.kind == "cites_repealed":
            key2 = (event.document.id, event.related.id if event.related else None)
            cites.setdefault(key2, CitesItem(event.document, event.related, event.effective_date))
    return Digest(
        period_label=period_label,
        new_documents=tuple(new.values()),
        superseded=tuple(superseded.values()),
        amended=tuple(_amended(group, diffs) for group in amended.values()),
        cites_repealed=tuple(cites.values()),
    )


def _brief(item: AmendedItem) -> AmendedItem:
    return AmendedItem(item.document, item.diff_id, (), len(item.articles) + item.omitted, item.summary)


def trim(digest: Digest, max_items: int = MAX_ITEMS, max_detailed: int = MAX_DETAILED) -> Digest:
    """The digest as one email shows it: at most ``max_items`` per group (the rest counted), and
    article text for the first ``max_detailed`` amended documents only."""
    groups = (digest.new_documents, digest.superseded, digest.amended, digest.cites_repealed)
    amended = tuple(
        item if i < max_detailed else _brief(item) for i, item in enumerate(digest.amended[:max_items])
    )
    return Digest(
        digest.period_label,
        digest.new_documents[:max_items],
        digest.superseded[:max_items],
        amended,
        digest.cites_repealed[:max_items],
        tuple(max(0, len(g) - max_items) + o for g, o in zip(groups, digest.omitted, strict=True)),  # type: ignore[arg-type]
    )


def period_label(period: Period | None) -> str:
    """How the subject and heading name the period, in Chinese."""
    if period is None:
        return "即时提醒"
    first = period.start.date()
    if period.frequency == "daily":
        return f"{first.year}年{first.month}月{first.day}日"
    if period.frequency == "weekly":
        year, week, _ = first.isocalendar()
        last = (period.end - timedelta(days=1)).date()
        return f"{year}年第{week}周（{first.month}月{first.day}日—{last.month}月{last.day}日）"
    return f"{first.year}年{first.month}月"


def subject(digest: Digest) -> str:
    """Chinese subject with the counts of each non-empty group."""
    names = (
        ("new", "新发布"),
        ("superseded", "废止/替代"),
        ("amended", "修改"),
        ("cites_repealed", "引用已废止"),
    )
    counts = digest.counts
    parts = [f"{label}{counts[key]}件" for key, label in names if counts[key]]
    return f"法规动态 {digest.period_label}：" + ("，".join(parts) or "无变化")
