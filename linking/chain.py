"""Version chains (what a document supersedes and what superseded it) and the impact of a repeal.

Chain edges: ``replaces`` and ``amends`` relations, ``repeals`` where the source is a later edition
of the same instrument (the 2024 国家卫生应急队伍管理办法 repealing its 试行 text, 001 line 876), and
family edges from ``linking.families``. Walks are breadth-first with a visited set: a cycle in
bad data ends the walk instead of looping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from linking.model import EDITION, LedgerEntry

_CHAIN_KINDS = ("replaces", "amends")
_KIND_RANK = {"replaces": 0, "repeals": 1, "amends": 2, EDITION: 3}  # which edge names a pair
STILL_IN_FORCE = ("in_force", "amended", "partially_repealed")
SUPERSEDED = ("repealed", "replaced")


@dataclass(frozen=True)
class ChainStep:
    """A document in a chain, with the edge that joins it: its kind and effective date."""

    doc_id: int
    kind: str  # "replaces" | "repeals" | "amends" | EDITION
    effective_date: date | None


@dataclass(frozen=True)
class Impact:
    """A document still in force that cites one no longer in force."""

    source_id: int
    target_id: int
    target_status: str


def chain(
    doc_id: int, ledger: Sequence[LedgerEntry], *, families: Iterable[tuple[int, int, str]] = ()
) -> tuple[list[ChainStep], list[ChainStep]]:
    """(predecessors, successors) of ``doc_id``, each ordered oldest → newest, ``doc_id`` excluded."""
    edges = _edges(ledger, list(families))
    older: dict[int, list[tuple[int, ChainStep]]] = {}
    newer: dict[int, list[tuple[int, ChainStep]]] = {}
    for (succ, pred), (kind, when) in edges.items():
        older.setdefault(succ, []).append((pred, ChainStep(pred, kind, when)))
        newer.setdefault(pred, []).append((succ, ChainStep(succ, kind, when)))
    predecessors = _walk(doc_id, older)
    successors = _walk(doc_id, newer)
    predecessors.sort(key=lambda item: (-item[0], _date_key(item[1])))
    successors.sort(key=lambda item: (item[0], _date_key(item[1])))
    return [step for _, step in predecessors], [step for _, step in successors]


def _date_key(step: ChainStep) -> tuple[date, int]:
    return (step.effective_date or date.min, step.doc_id)


def _edges(
    ledger: Sequence[LedgerEntry], families: list[tuple[int, int, str]]
) -> dict[tuple[int, int], tuple[str, date | None]]:
    """(successor, predecessor) → (kind, effective date), one edge per pair."""
    component = _components(families)
    candidates: list[tuple[int, int, str, date | None]] = [
        (succ, pred, EDITION, None) for pred, succ, _ in families
    ]
    for entry in ledger:
        if entry.source_id == entry.target_id:
            continue
        same_instrument = component.get(entry.source_id, entry.source_id) == component.get(entry.target_id)
        if entry.kind in _CHAIN_KINDS or (entry.kind == "repeals" and same_instrument):
            candidates.append((entry.source_id, entry.target_id, entry.kind, entry.effective_date))
    edges: dict[tuple[int, int], tuple[str, date | None]] = {}
    for succ, pred, kind, when in candidates:
        current = edges.get((succ, pred))
        if current is None or _KIND_RANK[kind] < _KIND_RANK[current[0]]:
            edges[(succ, pred)] = (kind, when)
    return edges


def _components(families: list[tuple[int, int, str]]) -> dict[int, int]:
    """Each document of a family mapped to one representative (union-find)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pred, succ, _ in families:
        parent[find(pred)] = find(succ)
    return {x: find(x) for x in list(parent)}


def _walk(start: int, links: Mapping[int, list[tuple[int, ChainStep]]]) -> list[tuple[int, ChainStep]]:
    seen = {start}
    found: list[tuple[int, ChainStep]] = []
    frontier = [start]
    depth = 0
    while frontier:
        depth += 1
        following: list[int] = []
        for node in frontier:
            for other, step in links.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    found.append((depth, step))
                    following.append(other)
        frontier = following
    return found


def impact(ledger_cites: Iterable[LedgerEntry], statuses: Mapping[int, str]) -> list[Impact]:
    """Citations from a document still in force to one repealed or replaced, in ledger order."""
    found: list[Impact] = []
    for entry in ledger_cites:
        if entry.kind != "cites":
            continue
        target_status = statuses.get(entry.target_id)
        if statuses.get(entry.source_id) in STILL_IN_FORCE and target_status in SUPERSEDED:
            found.append(Impact(entry.source_id, entry.target_id, target_status))
    return found
