"""Subscription filters: checking what a user typed, and matching change events against it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from notifications.errors import InvalidEmail, InvalidFilter
from notifications.model import EVENT_KINDS, EventData, Filters

# A relation kind (DOMAIN.md) stands for the events it causes; event kinds are accepted as they are.
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "new": ("new_document",),
    "repeals": ("repealed",),
    "replaces": ("replaced",),
    "amends": ("amended", "article_changed", "consolidated"),
    "partially_repeals": ("partially_repealed",),
    "expires": ("expired",),
    "cites": ("cites_repealed",),
}
FILTER_FIELDS = ("issuers", "categories", "keywords", "kinds", "documents", "chains")

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def check_email(raw: str) -> str:
    """The address in canonical form (trimmed, lower case), or InvalidEmail."""
    email = (raw or "").strip().lower()
    if len(email) > 254 or not _EMAIL.match(email) or ".." in email:
        shown = raw if len(raw or "") <= 80 else f"{raw[:60]}… ({len(raw)} characters)"
        raise InvalidEmail(f"{shown!r} is not an email address (expected name@example.org)")
    return email


def fold(text: str | None) -> str:
    """Comparison form: full-width to half-width, case folded, whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").casefold())


MAX_VALUES = 20  # per filter: issuers, categories, keywords, …
MAX_VALUE_CHARS = 100  # an issuer's full name or a keyword, never a paragraph


def _texts(raw: Any, name: str) -> tuple[str, ...]:
    values = [raw] if isinstance(raw, str) else list(raw or ())
    if len(values) > MAX_VALUES:
        raise InvalidFilter(f"{name}: at most {MAX_VALUES} values, not {len(values)}")
    cleaned = []
    for value in values:
        if not isinstance(value, str) or not fold(value):
            raise InvalidFilter(f"{name} must be non-empty text, not {str(value)[:40]!r}")
        if len(value.strip()) > MAX_VALUE_CHARS:
            raise InvalidFilter(
                f"{name}: a value of {len(value.strip())} characters; at most {MAX_VALUE_CHARS}"
            )
        cleaned.append(value.strip())
    return tuple(dict.fromkeys(cleaned))


def _kinds(raw: Any) -> tuple[str, ...]:
    kinds: list[str] = []
    for value in _texts(raw, "kinds"):
        if value in EVENT_KINDS:
            kinds.append(value)
        elif value in KIND_ALIASES:
            kinds.extend(KIND_ALIASES[value])
        else:
            known = ", ".join((*KIND_ALIASES, *EVENT_KINDS))
            raise InvalidFilter(f"unknown kind {value!r}; use one of {known}")
    return tuple(dict.fromkeys(kinds))


def _ids(raw: Any, name: str) -> tuple[int, ...]:
    ids = []
    for value in raw or ():
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InvalidFilter(f"{name} must be document ids, not {value!r}")
        ids.append(value)
    return tuple(dict.fromkeys(ids))


def filters_from_dict(raw: Mapping[str, Any] | None) -> Filters:
    """Filters from stored JSON or API input; unknown fields and bad values are refused."""
    raw = raw or {}
    unknown = set(raw) - set(FILTER_FIELDS)
    if unknown:
        raise InvalidFilter(f"unknown filter field(s) {sorted(unknown)}; use {', '.join(FILTER_FIELDS)}")
    return Filters(
        issuers=_texts(raw.get("issuers"), "issuers"),
        categories=_texts(raw.get("categories"), "categories"),
        keywords=_texts(raw.get("keywords"), "keywords"),
        kinds=_kinds(raw.get("kinds")),
        documents=_ids(raw.get("documents"), "documents"),
        chains=_ids(raw.get("chains"), "chains"),
    )


def filters_to_dict(filters: Filters) -> dict[str, list[Any]]:
    """The stored JSON form: only the fields that are set."""
    return {name: list(getattr(filters, name)) for name in FILTER_FIELDS if getattr(filters, name)}


def describe(filters: Filters) -> str:
    """One line for tables and emails: 发文机关=…; 关键词=…"""
    parts = [
        ("issuer", filters.issuers),
        ("category", filters.categories),
        ("keyword", filters.keywords),
        ("kind", filters.kinds),
        ("document", filters.documents),
        ("chain", filters.chains),
    ]
    text = "; ".join(f"{name}={'|'.join(map(str, values))}" for name, values in parts if values)
    return text or "everything"


@dataclass(frozen=True)
class EventKeys:
    """An event's folded fields, computed once per run and shared by every subscription."""

    event_id: int
    kind: str
    document_ids: frozenset[int]
    issuers: tuple[str, ...]
    categories: tuple[str, ...]
    texts: tuple[str, ...]


def event_keys(event: EventData) -> EventKeys:
    docs = event.documents
    return EventKeys(
        event_id=event.id,
        kind=event.kind,
        document_ids=frozenset(d.id for d in docs),
        issuers=tuple(fold(d.issuer) for d in docs if d.issuer),
        categories=tuple(fold(d.category) for d in docs if d.category),
        texts=tuple(fold(" ".join((d.title, d.doc_number or "", *d.keywords))) for d in docs)
        + ((fold(event.summary),) if event.summary else ()),
    )


@dataclass(frozen=True)
class CompiledFilter:
    """Filters in comparison form; ``document_ids`` already holds the chains' documents."""

    issuers: tuple[str, ...]
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    kinds: frozenset[str]
    document_ids: frozenset[int] | None


def compile_filter(filters: Filters, chains: Mapping[int, frozenset[int]]) -> CompiledFilter:
    """``chains`` maps a chain's seed document id to every document id in its chain."""
    ids: set[int] | None = None
    if filters.documents or filters.chains:
        ids = set(filters.documents)
        for seed in filters.chains:
            ids |= chains.get(seed, frozenset({seed}))
    return CompiledFilter(
        issuers=tuple(fold(v) for v in filters.issuers),
        categories=tuple(fold(v) for v in filters.categories),
        keywords=tuple(fold(v) for v in filters.keywords),
        kinds=frozenset(filters.kinds),
        document_ids=None if ids is None else frozenset(ids),
    )


def _any_in(needles: tuple[str, ...], haystacks: tuple[str, ...]) -> bool:
    return any(needle in hay for needle in needles for hay in haystacks)


def matches(f: CompiledFilter, e: EventKeys) -> bool:
    """True when the event passes every field the filter sets (any of the field's values)."""
    if f.kinds and e.kind not in f.kinds:
        return False
    if f.document_ids is not None and f.document_ids.isdisjoint(e.document_ids):
        return False
    if f.issuers and not _any_in(f.issuers, e.issuers):
        return False
    if f.categories and not _any_in(f.categories, e.categories):
        return False
    return not f.keywords or _any_in(f.keywords, e.texts)


def matching_event_ids(filters: Iterable[CompiledFilter], events: Iterable[EventKeys]) -> list[int]:
    """Ids of the events that any of one subscriber's filters match, in event order."""
    compiled = list(filters)
    return [e.event_id for e in events if any(matches(f, e) for f in compiled)]


class EventIndex:
    """One period's events indexed by what filters ask, so that a filter is matched with a few
    set operations instead of a pass over every event; ``matching`` gives what
    ``matching_event_ids`` gives for one filter. Each value a filter names (an issuer, a
    keyword, a document, a kind) is looked up in the events once per period."""

    def __init__(self, events: Iterable[EventKeys]) -> None:
        self._events = list(events)
        self._all = frozenset(e.event_id for e in self._events)
        self._found: dict[tuple[str, object], frozenset[int]] = {}

    def _with(self, field: str, value: object) -> frozenset[int]:
        key = (field, value)
        found = self._found.get(key)
        if found is None:
            if field == "kind":
                found = frozenset(e.event_id for e in self._events if e.kind == value)
            elif field == "document":
                found = frozenset(e.event_id for e in self._events if value in e.document_ids)
            else:  # issuers, categories, texts: the value is a substring of one of them
                found = frozenset(
                    e.event_id for e in self._events if any(value in hay for hay in getattr(e, field))
                )
            self._found[key] = found
        return found

    def _any(self, field: str, values: Iterable[object]) -> frozenset[int]:
        return frozenset().union(*(self._with(field, v) for v in values))

    def matching(self, f: CompiledFilter) -> list[int]:
        """Ids of the events the filter matches, in event order."""
        found = self._all
        if f.kinds:
            found &= self._any("kind", f.kinds)
        if f.document_ids is not None:
            found &= self._any("document", f.document_ids)
        for field, values in (("issuers", f.issuers), ("categories", f.categories), ("texts", f.keywords)):
            if values:
                found &= self._any(field, values)
        return [e.event_id for e in self._events if e.event_id in found]


def chain_closure(seeds: Iterable[int], edges: Iterable[tuple[int, int]]) -> dict[int, frozenset[int]]:
    """For each seed, every document reachable over supersession edges in either direction."""
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    result: dict[int, frozenset[int]] = {}
    for seed in seeds:
        seen, todo = {seed}, [seed]
        while todo:
            for nxt in neighbours.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        result[seed] = frozenset(seen)
    return result
