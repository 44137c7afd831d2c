"""Pair the units of two versions of a document: exact, then similar, then split and merged ones.

Works on comparison keys of the unit bodies (marker stripped), so a renumbered 条 pairs with its
old self. Exact keys pair through a hash; only units left over are scored against each other, and
when too many are left over, only within the gap between their surrounding pairs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

SIMILAR = 0.5  # unrelated articles of one document score below this, bar boilerplate twins
IN_PLACE = 0.35  # enough when the pair is the only one left between two matched neighbours
RESTRUCTURE_MIN = 0.6  # a split's pieces together must resemble the old unit at least this much
RESTRUCTURE_GAIN = 0.6  # share of an added piece's characters that must come from the whole
FULL_SEARCH_LIMIT = 250_000  # leftover old x new pairs scored all against all; beyond, per gap
DUPLICATE_LIMIT = 10_000  # units sharing one key paired by place; beyond, in document order
WINDOW = 100  # in a gap still too large, new units this close to the expected place are scored
SEED_CUTOFF = 0.25  # a split piece of a fifth of the old unit still scores about this
SEED_WINDOW = 25  # pieces of a split or merge sit near their whole; in a huge gap, look this far
SEEDS = 5  # best-scoring free pieces tried as the start of a split or merge


@dataclass(frozen=True)
class UnitMatch:
    """Old units paired with new units by index: 1:1, 1:n (split), n:1 (merged), 1:0 or 0:1."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    similarity: float  # 0..1 between the joined keys of both sides
    in_order: bool = True  # False when the pair breaks the common order of the two documents


def similarity(a: str, b: str) -> float:
    """Similarity of two comparison keys, 0..1 (normalised Indel distance)."""
    if a == b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def align(
    old_keys: Sequence[str],
    new_keys: Sequence[str],
    old_labels: Sequence[str] = (),
    new_labels: Sequence[str] = (),
) -> tuple[UnitMatch, ...]:
    """Pair units given the comparison keys of their bodies; labels only break ties."""
    state = _State(old_keys, new_keys, old_labels or [""] * len(old_keys), new_labels or [""] * len(new_keys))
    _pair_exact(state)
    _pair_similar(state)
    _pair_in_place(state)
    _pair_restructured(state, state.old, state.new)
    _pair_restructured(state, state.new, state.old)
    return state.matches()


class _Side:
    """One document's units as the aligner sees them: keys, labels and the group each belongs to."""

    def __init__(self, keys: Sequence[str], labels: Sequence[str]) -> None:
        self.keys = keys
        self.labels = labels
        self.group: list[int | None] = [None] * len(keys)

    def free(self) -> list[int]:
        return [i for i, g in enumerate(self.group) if g is None]


@dataclass
class _Group:
    """Units paired so far (mutable while aligning): one old and one new, or a split or a merge."""

    old: list[int]
    new: list[int]
    score: float


class _State:
    def __init__(self, old_keys, new_keys, old_labels, new_labels) -> None:
        self.old = _Side(old_keys, old_labels)
        self.new = _Side(new_keys, new_labels)
        self.groups: list[_Group] = []

    def pair(self, old: list[int], new: list[int], score: float) -> None:
        self.groups.append(_Group(old, new, score))
        for i in old:
            self.old.group[i] = len(self.groups) - 1
        for j in new:
            self.new.group[j] = len(self.groups) - 1

    def members(self, group: _Group, side: _Side) -> list[int]:
        """The units of ``group`` on ``side``."""
        return group.old if side is self.old else group.new

    def other(self, side: _Side) -> _Side:
        return self.new if side is self.old else self.old

    def anchors(self) -> list[tuple[int, int]]:
        """(old, new) index pairs of groups that keep the common order, increasing on both sides."""
        firsts = sorted((min(g.new), min(g.old)) for g in self.groups if g.old and g.new)
        keep = longest_increasing([o for _, o in firsts])
        return [(firsts[k][1], firsts[k][0]) for k in keep]

    def matches(self) -> tuple[UnitMatch, ...]:
        in_order = set(self.anchors())
        out = [
            UnitMatch(tuple(g.old), tuple(g.new), g.score, (min(g.old), min(g.new)) in in_order)
            for g in self.groups
        ]
        out += [UnitMatch((i,), (), 0.0) for i in self.old.free()]
        out += [UnitMatch((), (j,), 0.0) for j in self.new.free()]
        return tuple(out)


def _pair_exact(state: _State) -> None:
    """Equal keys pair; a key held by several units pairs same labels first, then nearest places."""
    olds_by_key: dict[str, list[int]] = {}
    news_by_key: dict[str, list[int]] = {}
    for i, key in enumerate(state.old.keys):
        olds_by_key.setdefault(key, []).append(i)
    for j, key in enumerate(state.new.keys):
        news_by_key.setdefault(key, []).append(j)
    n_old, n_new = len(state.old.keys), len(state.new.keys)
    for key, olds in olds_by_key.items():
        news = news_by_key.get(key)
        if not news:
            continue
        if len(olds) == len(news) == 1:
            state.pair(olds, news, 1.0)
            continue
        if len(olds) * len(news) > DUPLICATE_LIMIT:  # e.g. many empty units: keep document order
            for i, j in zip(olds, news, strict=False):
                state.pair([i], [j], 1.0)
            continue
        ranked = sorted(
            (
                state.old.labels[i] != state.new.labels[j] or not state.old.labels[i],
                abs(i / n_old - j / n_new),
                i,
                j,
            )
            for i in olds
            for j in news
        )
        for _, _, i, j in ranked:
            if state.old.group[i] is None and state.new.group[j] is None:
                state.pair([i], [j], 1.0)


def _pair_similar(state: _State) -> None:
    """Score leftovers against each other and pair the best first (greedy maximum similarity)."""
    old_free, new_free = state.old.free(), state.new.free()
    if not old_free or not new_free:
        return
    if len(old_free) * len(new_free) <= FULL_SEARCH_LIMIT:
        blocks = [(old_free, new_free)]
    else:
        blocks = _gaps(state, old_free, new_free)
    # (rank, -drift, similarity, i, j): a shared label only breaks ties, it is no part of the similarity
    scored: list[tuple[float, float, float, int, int]] = []
    n_old, n_new = len(state.old.keys), len(state.new.keys)
    for olds, news in blocks:
        for i, news_near in _candidates(olds, news):
            hits = process.extract(
                state.old.keys[i],
                [state.new.keys[j] for j in news_near],
                scorer=fuzz.ratio,
                score_cutoff=SIMILAR * 100,
                limit=None,
            )
            for _, score, k in hits:
                j = news_near[k]
                bonus = 1.0 if state.old.labels[i] == state.new.labels[j] and state.old.labels[i] else 0.0
                drift = abs(i / n_old - j / n_new)
                scored.append((score + bonus, -drift, score, i, j))
    scored.sort(reverse=True)
    for _, _, score, i, j in scored:
        if state.old.group[i] is None and state.new.group[j] is None:
            state.pair([i], [j], score / 100.0)


def _candidates(olds: list[int], news: list[int]) -> Iterator[tuple[int, list[int]]]:
    """Each old unit with the new units worth scoring: all of them, or a window around its place."""
    if len(olds) * len(news) <= FULL_SEARCH_LIMIT:
        for i in olds:
            yield i, news
        return
    for position, i in enumerate(olds):
        expected = position * len(news) // len(olds)
        yield i, news[max(0, expected - WINDOW) : expected + WINDOW]


def _pair_in_place(state: _State) -> None:
    """A lone old and a lone new unit between the same two pairs are one unit rewritten."""
    for olds, news in _gaps(state, state.old.free(), state.new.free()):
        if len(olds) == 1 and len(news) == 1:
            score = similarity(state.old.keys[olds[0]], state.new.keys[news[0]])
            if score >= IN_PLACE:
                state.pair(olds, news, score)


def _gaps(state: _State, old_free: list[int], new_free: list[int]) -> list[tuple[list[int], list[int]]]:
    """Group free units by the gap between consecutive order-keeping pairs they fall into."""
    anchors = state.anchors()
    old_cuts = [o for o, _ in anchors]
    new_cuts = [n for _, n in anchors]
    gaps: dict[int, tuple[list[int], list[int]]] = {}
    for i in old_free:
        gaps.setdefault(bisect.bisect(old_cuts, i), ([], []))[0].append(i)
    for j in new_free:
        gaps.setdefault(bisect.bisect(new_cuts, j), ([], []))[1].append(j)
    return [gap for gap in gaps.values() if gap[0] and gap[1]]


def _pair_restructured(state: _State, whole: _Side, parts: _Side) -> None:
    """Find a ``whole`` unit that became several consecutive ``parts`` units (split or merge)."""
    for g, group in enumerate(state.groups):
        if len(group.old) == len(group.new) == 1 and group.score < 1.0:
            _grow(state, g, whole, parts)
    for i in whole.free():
        _seed(state, i, whole, parts)


def _grow(state: _State, g: int, whole: _Side, parts: _Side) -> None:
    """Add free neighbours of a pair's part while the joined parts resemble the whole better."""
    group = state.groups[g]
    target = whole.keys[state.members(group, whole)[0]]
    run, score = _extend(target, list(state.members(group, parts)), group.score, parts)
    if len(run) > 1 and score >= RESTRUCTURE_MIN:
        if parts is state.new:
            group.new = run
        else:
            group.old = run
        group.score = score
        for k in run:
            parts.group[k] = g


def _seed(state: _State, i: int, whole: _Side, parts: _Side) -> None:
    """An unpaired whole: grow runs from the free parts of its gap most like it, keep the best."""
    low, high = _gap_bounds(state, whole, i)
    if high - low > 2 * SEED_WINDOW:  # a huge gap: only parts near the whole's relative place
        expected = i * len(parts.keys) // max(1, len(whole.keys))
        low, high = max(low, expected - SEED_WINDOW), min(high, expected + SEED_WINDOW)
    free = [k for k in range(low + 1, high) if parts.group[k] is None]
    hits = process.extract(
        whole.keys[i],
        [parts.keys[k] for k in free],
        scorer=fuzz.ratio,
        score_cutoff=SEED_CUTOFF * 100,
        limit=SEEDS,
    )
    best: tuple[list[int], float] = ([], 0.0)
    for _, score, index in hits:
        run, run_score = _extend(whole.keys[i], [free[index]], score / 100.0, parts)
        if len(run) > 1 and run_score > best[1]:
            best = (run, run_score)
    if best[1] >= RESTRUCTURE_MIN:
        old, new = ([i], best[0]) if whole is state.old else (best[0], [i])
        state.pair(old, new, best[1])


def _extend(target: str, run: list[int], score: float, parts: _Side) -> tuple[list[int], float]:
    """Add free neighbours to ``run`` while most characters of each come from ``target``."""
    joined = "".join(parts.keys[x] for x in run)
    common = LCSseq.similarity(target, joined)
    while True:
        for k in (run[0] - 1, run[-1] + 1):
            if not (0 <= k < len(parts.keys) and parts.group[k] is None and parts.keys[k]):
                continue
            trial = sorted(run + [k])
            trial_joined = "".join(parts.keys[x] for x in trial)
            trial_common = LCSseq.similarity(target, trial_joined)
            if trial_common - common >= RESTRUCTURE_GAIN * len(parts.keys[k]):
                run, joined, common = trial, trial_joined, trial_common
                score = similarity(target, joined)
                break
        else:
            return run, score


def _gap_bounds(state: _State, whole: _Side, i: int) -> tuple[int, int]:
    """Open interval of part indices between the partners of the nearest paired neighbours of ``i``."""
    parts = state.other(whole)
    before = next((whole.group[x] for x in range(i - 1, -1, -1) if whole.group[x] is not None), None)
    after = next((whole.group[x] for x in range(i + 1, len(whole.keys)) if whole.group[x] is not None), None)
    low = max(state.members(state.groups[before], parts), default=-1) if before is not None else -1
    high = len(parts.keys)
    if after is not None:
        high = min(state.members(state.groups[after], parts), default=high)
    return low, max(low + 1, high)


def longest_increasing(values: Sequence[int]) -> list[int]:
    """Indices of one longest strictly increasing subsequence of ``values`` (patience sorting)."""
    tail_values: list[int] = []  # tail_values[k]: smallest last value of an increasing run of length k+1
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(values)
    for index, value in enumerate(values):
        k = bisect.bisect_left(tail_values, value)
        if k > 0:
            previous[index] = tail_index[k - 1]
        if k == len(tail_values):
            tail_values.append(value)
            tail_index.append(index)
        else:
            tail_values[k], tail_index[k] = value, index
    out: list[int] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        out.append(index)
        index = previous[index]
    return out[::-1]
