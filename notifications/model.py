"""Plain, frozen values the notifications core reads: documents, change events, filters, periods.

Storage maps its rows onto these; matching, grouping and rendering never see a Session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

FREQUENCIES = ("immediate", "daily", "weekly", "monthly")

# Event kinds written by linking, diffing and consolidation (storage.models.ChangeEvent.kind);
# ``consolidated``: a decision's instructions applied to a stored text gave a new, derived version.
EVENT_KINDS = (
    "new_document",
    "repealed",
    "replaced",
    "amended",
    "partially_repealed",
    "expired",
    "article_changed",
    "cites_repealed",
    "consolidated",
)
# Their Chinese labels, the one table that mail, chat, Atom and the web's subscription pages use;
# the wording follows the status labels of linking.model (部分失效, 修改).
EVENT_LABELS = {
    "new_document": "新发布",
    "repealed": "废止",
    "replaced": "被替代",
    "amended": "修改",
    "partially_repealed": "部分失效",
    "expired": "过期",
    "article_changed": "条文修改",
    "cites_repealed": "引用已废止文件",
    "consolidated": "生成修正文本",
}
# The digest's groups of events (Digest.counts) with their headings, in the order mail shows them.
GROUP_LABELS = {
    "new": "新发布",
    "superseded": "废止与替代",
    "amended": "修改",
    "cites_repealed": "引用了已废止文件",
}


@dataclass(frozen=True)
class DocInfo:
    """What a digest shows about a document, and what filters look at."""

    id: int
    title: str
    doc_number: str | None = None
    issuer: str | None = None
    category: str | None = None
    keywords: tuple[str, ...] = ()
    effective_date: date | None = None


@dataclass(frozen=True)
class EventData:
    """One change event with its documents resolved.

    ``document`` is what the event is about (the repealed, amended, new or citing document);
    ``related`` is the other side (the successor, or the repealed document that is cited).
    For a relation event, ``old``/``new`` come from the relation: target is old, source is new.
    """

    id: int
    kind: str
    document: DocInfo
    related: DocInfo | None = None
    relation_kind: str | None = None
    relation_old_id: int | None = None
    relation_scope: str | None = None
    effective_date: date | None = None
    version_diff_id: int | None = None
    article_label: str | None = None
    summary: str = ""
    created_at: datetime | None = None

    @property
    def documents(self) -> tuple[DocInfo, ...]:
        return (self.document,) if self.related is None else (self.document, self.related)


@dataclass(frozen=True)
class Filters:
    """One subscription's filters. Within a field any value matches; across fields all must match.

    ``documents`` are specific document ids; ``chains`` are document ids whose whole supersession
    chain (every document linked to them by repeals/replaces/amends, transitively) is followed.
    """

    issuers: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    documents: tuple[int, ...] = ()
    chains: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.issuers, self.categories, self.keywords, self.kinds, self.documents, self.chains)
        )


@dataclass(frozen=True)
class Period:
    """A digest period: ``key`` is stored in the outbox; [start, end) in Asia/Shanghai time."""

    frequency: str
    key: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class MarkedText:
    """Text as spans: ``(mark, text)`` with mark "" (same), "del" or "ins"; "…" spans are elided."""

    spans: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def plain(self) -> str:
        return "".join(text for _mark, text in self.spans)
