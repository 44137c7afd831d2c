"""What one run reads once and every subscriber shares: events, match keys, diffs, chains.

The service fills it from storage; matching and digest building then cost no queries. It
grows with the period's events and distinct filters, not with the number of subscribers.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from notifications.digest import DiffView, Digest, build_digest, diff_view
from notifications.filters import (
    CompiledFilter,
    EventIndex,
    EventKeys,
    chain_closure,
    compile_filter,
    event_keys,
    filters_from_dict,
)
from notifications.links import Links
from notifications.message import SharedBody
from notifications.model import EventData
from notifications.render import Fragments, frame_start, render_digest_body

MAX_FILTERS = 20_000  # compiled filters kept; beyond that the cache starts over
MAX_BODIES = 256  # encoded digest bodies kept (least recently used first out), ~100 KB each


class Catalog:
    def __init__(self, edges: Iterable[tuple[int, int]] = ()) -> None:
        self._events: dict[int, EventData] = {}
        self._keys: dict[int, EventKeys] = {}
        self._diffs: dict[int, DiffView] = {}
        self._edges = list(edges)
        self._chains: dict[int, frozenset[int]] = {}
        self._filters: dict[str, CompiledFilter] = {}
        self._indexes: dict[str, EventIndex] = {}  # a period's events, indexed for matching
        self._matched: dict[tuple[CompiledFilter, str], tuple[int, ...]] = {}
        self._bodies: OrderedDict[tuple[str, tuple[int, ...]], SharedBody] = OrderedDict()
        self._fragments: Fragments | None = None
        self._lock = threading.Lock()  # sending workers share the body cache

    # events ---------------------------------------------------------------------------
    def add_events(self, events: Iterable[EventData]) -> list[EventData]:
        added = list(events)
        for event in added:
            self._events.setdefault(event.id, event)
        return added

    def missing_events(self, ids: Iterable[int]) -> set[int]:
        return {i for i in ids if i not in self._events}

    def events(self, ids: Iterable[int]) -> list[EventData]:
        """Known events among ``ids`` (an event deleted since planning is simply left out)."""
        return [self._events[i] for i in sorted(set(ids)) if i in self._events]

    def remember_period(self, period_key: str, events: Iterable[EventData]) -> None:
        """Keep a period's events and their match keys, for every subscriber of the run."""
        self._indexes[period_key] = EventIndex(self.keys(self.add_events(events)))

    def matched(self, filters: Iterable[CompiledFilter], period_key: str) -> list[int]:
        """Ids of the period's events any of the filters match; each filter is matched once per
        period, however many subscribers share it."""
        found: set[int] = set()
        for f in filters:
            key = (f, period_key)
            ids = self._matched.get(key)
            if ids is None:
                if len(self._matched) >= MAX_FILTERS:
                    self._matched.clear()
                index = self._indexes.get(period_key) or EventIndex(())
                ids = self._matched[key] = tuple(index.matching(f))
            found.update(ids)
        return sorted(found)

    def keys(self, events: Iterable[EventData]) -> list[EventKeys]:
        keys = []
        for event in events:
            if event.id not in self._keys:
                self._keys[event.id] = event_keys(event)
            keys.append(self._keys[event.id])
        return keys

    # diffs ----------------------------------------------------------------------------
    def missing_diffs(self, events: Iterable[EventData]) -> set[int]:
        wanted = {e.version_diff_id for e in events if e.version_diff_id is not None}
        return wanted - set(self._diffs)

    def add_diffs(self, raw: Mapping[int, Mapping[str, Any]]) -> None:
        for diff_id, diff in raw.items():
            self._diffs[diff_id] = diff_view(diff_id, diff)

    # filters --------------------------------------------------------------------------
    def compiled(self, raw_filters: Mapping[str, Any] | None) -> CompiledFilter:
        """A stored subscription filter in comparison form, its chains resolved."""
        key = json.dumps(raw_filters or {}, sort_keys=True, ensure_ascii=False)
        found = self._filters.get(key)
        if found is None:
            filters = filters_from_dict(raw_filters)
            new_seeds = [s for s in filters.chains if s not in self._chains]
            if new_seeds:
                self._chains.update(chain_closure(new_seeds, self._edges))
            if len(self._filters) >= MAX_FILTERS:
                self._filters.clear()
            found = self._filters[key] = compile_filter(filters, self._chains)
        return found

    def digest(self, label: str, events: Iterable[EventData]) -> Digest:
        return build_digest(label, events, self._diffs)

    def shared(self, label: str, events: list[EventData], links: Links) -> SharedBody:
        """The digest for these events up to its footer, rendered and encoded once for every
        subscriber who matches the same events (see ``notifications.message.SharedBody``)."""
        key = (label, tuple(e.id for e in events))
        with self._lock:
            found = self._bodies.get(key)
            if found is not None:
                self._bodies.move_to_end(key)
                return found
            if self._fragments is None or self._fragments.links != links:
                self._fragments = Fragments(links)
            fragments = self._fragments
        # Rendered outside the lock: other workers go on meanwhile.
        start = frame_start(render_digest_body(self.digest(label, events), links, fragments))
        found = SharedBody.of(start.subject, start.text, start.html)
        with self._lock:
            self._bodies[key] = found
            if len(self._bodies) > MAX_BODIES:
                self._bodies.popitem(last=False)
        return found
