"""Benchmark the differ: compare() against whole-text difflib and diff-match-patch.

Documents of 100 and 1,000 articles are synthesised from the articles of four sample documents
(halves of two articles per synthetic article, so no two are alike), then amended with known
edits: rewords, style-only changes (half-width punctuation, new PDF line breaks), deletions,
insertions and moves, followed by renumbering. Because the edits are known, each method's output
is scored: phantom changes (a pair whose wording did not change reported as changed), missed
edits, and misaligned articles (an article not paired with its old self).

Run alone with ``uv run python -m benchmarks.bench_diff``; ``make bench`` collects ``run()``.
"""

from __future__ import annotations

import bisect
import difflib
import random
from dataclasses import dataclass, replace
from itertools import accumulate

from diff_match_patch import diff_match_patch

from benchmarks.common import print_table, timed
from diffing.compare import compare
from diffing.model import DocumentDiff
from ingest.model import Article
from ingest.normalize import comparison_key
from tests.support.diff_corpus import ARTICLED, cn_numeral, rebreak_lines, renumber, to_halfwidth_punctuation

SIZES = (100, 1000)
REPEATS = {100: 15, 1000: 7}
TARGET_SECONDS = {100: 0.1, 1000: 1.0}
ARTICLES_PER_CHAPTER = 12
RATES = {"reword": 0.03, "restyle": 0.10, "delete": 0.01, "insert": 0.01, "move": 0.01}
PHRASES = ("（经省级主管部门批准）", "，并报国务院卫生健康行政部门备案", "原则上", "及时")


@dataclass(frozen=True)
class Case:
    """An old document, its amended version, and the truth about each new article."""

    old: list[Article]
    new: list[Article]
    pairs: dict[int, int]  # old index -> new index for every article that survived
    reworded: frozenset[int]  # old indices whose wording really changed
    restyled: frozenset[int]  # old indices changed in style only


def synthesise(size: int, seed: int = 7) -> list[Article]:
    """``size`` distinct articles in chapters, each the first half of one sample article + the second of another."""
    bodies = [_body(unit) for doc in ARTICLED for unit in doc.units()]
    rng = random.Random(seed)
    units = []
    for index in range(size):
        first, second = bodies[index % len(bodies)], bodies[rng.randrange(len(bodies))]
        body = first[: len(first) // 2] + second[len(second) // 2 :]
        number, chapter = index + 1, index // ARTICLES_PER_CHAPTER + 1
        heading = f"第{cn_numeral(number)}条"
        units.append(
            Article(
                f"ch{chapter}/a{number}",
                "article",
                number,
                heading,
                (f"第{cn_numeral(chapter)}章",),
                f"{heading} {body}",
                index + 1,
            )  # fmt: skip
        )
    return units


def _body(unit: Article) -> str:
    return unit.text[len(unit.heading) :].strip()


def amend(units: list[Article], seed: int = 11) -> Case:
    """Apply known edits at ``RATES`` and renumber; remember what became of every old article."""
    rng = random.Random(seed)
    count = lambda kind: max(1, round(len(units) * RATES[kind]))  # noqa: E731
    chosen = rng.sample(
        range(len(units)), sum(count(kind) for kind in ("reword", "restyle", "delete", "move"))
    )
    reworded = set(chosen[: count("reword")])
    restyled = set(chosen[len(reworded) : len(reworded) + count("restyle")])
    deleted = set(chosen[len(reworded) + len(restyled) : len(reworded) + len(restyled) + count("delete")])
    moved = chosen[len(chosen) - count("move") :]
    edited: list[tuple[Article, int | None]] = []
    for index, unit in enumerate(units):
        if index in deleted:
            continue
        if index in reworded:
            unit = replace(unit, text=_reword(unit.text, rng))
        elif index in restyled:
            unit = replace(unit, text=rebreak_lines(to_halfwidth_punctuation(unit.text), rng.randint(15, 40)))
        edited.append((unit, index))
    for index in moved:
        position = next(k for k, (_, origin) in enumerate(edited) if origin == index)
        item = edited.pop(position)
        edited.insert(rng.randrange(len(edited)), item)
    for _ in range(count("insert")):
        template = units[rng.randrange(len(units))]
        donor = _body(units[rng.randrange(len(units))])
        edited.insert(
            rng.randrange(len(edited)),
            (replace(template, text=f"{template.heading} 新增：{donor[::-1]}"), None),
        )
    new = renumber([unit for unit, _ in edited])
    pairs = {origin: k for k, (_, origin) in enumerate(edited) if origin is not None}
    return Case(units, new, pairs, frozenset(reworded), frozenset(restyled))


def _reword(text: str, rng: random.Random) -> str:
    """Insert a phrase, delete a span, or replace one, somewhere after the marker; always real wording."""
    while True:
        at = rng.randrange(6, max(7, len(text) - 12))
        kind = rng.choice(("insert", "delete", "replace"))
        span = rng.randint(4, 12)
        if kind == "insert":
            out = text[:at] + rng.choice(PHRASES) + text[at:]
        elif kind == "delete":
            out = text[:at] + text[at + span :]
        else:
            out = text[:at] + rng.choice(PHRASES) + text[at + span :]
        if comparison_key(out) != comparison_key(text):
            return out


# ------------------------------------------------------------------------------------ scoring


def score_compare(case: Case, diff: DocumentDiff) -> dict[str, int]:
    old_index = {unit.label: k for k, unit in enumerate(case.old)}
    new_index = {unit.label: k for k, unit in enumerate(case.new)}
    found: dict[int, int] = {}
    phantom = missed = 0
    for article in diff.articles:
        if article.old_label is None or article.new_label is None:
            continue
        i, j = old_index[article.old_label], new_index[article.new_label]
        found[i] = j
        content_change = article.change == "modified" or (
            article.change == "moved" and article.similarity < 1.0
        )
        if case.pairs.get(i) == j:
            phantom += content_change and i not in case.reworded
            missed += not content_change and i in case.reworded
    misaligned = sum(found.get(i) != j for i, j in case.pairs.items())
    return {"phantom": phantom, "missed": missed, "misaligned": misaligned}


def score_blocks(case: Case, blocks: list[tuple[int, int, int]], old_spans, new_spans) -> dict[str, int]:
    """Score a whole-text diff from its equal blocks (old start, new start, length) in span units.

    A pair is aligned when at least half of its new span is equal to text inside its old span,
    and reported as changed when either span is not wholly covered by equal blocks.
    """
    phantom = missed = misaligned = 0
    for i, j in case.pairs.items():
        (old_start, old_end), (new_start, new_end) = old_spans[i], new_spans[j]
        to_own_old = covered_new = 0
        for block_old, block_new, length in _overlapping(blocks, new_start, new_end):
            lo, hi = max(new_start, block_new), min(new_end, block_new + length)
            covered_new += hi - lo
            mapped_lo, mapped_hi = block_old + lo - block_new, block_old + hi - block_new
            to_own_old += max(0, min(old_end, mapped_hi) - max(old_start, mapped_lo))
        covered_old = sum(
            min(old_end, o + n) - max(old_start, o) for o, _, n in blocks if o < old_end and o + n > old_start
        )
        misaligned += to_own_old * 2 < new_end - new_start
        changed = covered_new < new_end - new_start or covered_old < old_end - old_start
        phantom += changed and i not in case.reworded
        missed += not changed and i in case.reworded
    return {"phantom": phantom, "missed": missed, "misaligned": misaligned}


def _overlapping(blocks, start: int, end: int):
    starts = [b for _, b, _ in blocks]
    k = max(0, bisect.bisect_right(starts, start) - 1)
    while k < len(blocks) and blocks[k][1] < end:
        if blocks[k][1] + blocks[k][2] > start:
            yield blocks[k]
        k += 1


def char_spans(units: list[Article]) -> list[tuple[int, int]]:
    """Span of each unit's body in the units joined by newlines; the marker is left out so that
    renumbering alone does not count against a whole-text diff."""
    ends = list(accumulate(len(u.text) + 1 for u in units))
    return [(end - len(u.text) - 1 + len(u.heading), end - 1) for u, end in zip(units, ends, strict=True)]


def line_spans(units: list[Article]) -> list[tuple[int, int]]:
    ends = list(accumulate(u.text.count("\n") + 1 for u in units))
    return [(end - u.text.count("\n") - 1, end) for u, end in zip(units, ends, strict=True)]


def dmp_blocks(old: str, new: str) -> list[tuple[int, int, int]]:
    engine = diff_match_patch()
    diffs = engine.diff_main(old, new)
    engine.diff_cleanupSemantic(diffs)
    blocks, old_at, new_at = [], 0, 0
    for op, text in diffs:
        if op == 0:
            blocks.append((old_at, new_at, len(text)))
        old_at += len(text) if op <= 0 else 0
        new_at += len(text) if op >= 0 else 0
    return blocks


def difflib_blocks(old, new) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, old, new)
    return [(a, b, n) for a, b, n in matcher.get_matching_blocks() if n]


# -------------------------------------------------------------------------------------- run


def measure(size: int) -> dict[str, object]:
    case = amend(synthesise(size))
    old_text, new_text = "\n".join(u.text for u in case.old), "\n".join(u.text for u in case.new)
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    methods = {
        "compare": (lambda: compare(case.old, case.new), lambda r: score_compare(case, r)),
        "dmp_whole_text": (
            lambda: dmp_blocks(old_text, new_text),
            lambda r: score_blocks(case, r, char_spans(case.old), char_spans(case.new)),
        ),
        "difflib_lines": (
            lambda: difflib_blocks(old_lines, new_lines),
            lambda r: score_blocks(case, r, line_spans(case.old), line_spans(case.new)),
        ),
    }
    if size <= 100:  # character-level difflib is quadratic: minutes at 1,000 articles
        methods["difflib_chars"] = (
            lambda: difflib_blocks(old_text, new_text),
            lambda r: score_blocks(case, r, char_spans(case.old), char_spans(case.new)),
        )
    out: dict[str, object] = {
        "articles": size,
        "characters": len(old_text),
        "edits": {"reworded": len(case.reworded), "restyled": len(case.restyled), "pairs": len(case.pairs)},
    }
    for name, (run_method, score) in methods.items():
        repeat = REPEATS[size] if name != "difflib_chars" else 3
        timing = timed(run_method, repeat=repeat, warmup=1)
        out[name] = {**timing, **score(run_method())}
    return out


def run() -> dict[str, object]:
    figures: dict[str, object] = {str(size): measure(size) for size in SIZES}
    rows = []
    for size in SIZES:
        result = figures[str(size)]
        ours = result["compare"]
        target = TARGET_SECONDS[size]
        rows.append([
            f"{size} articles: compare() median (min-max)",
            f"{ours['median_s'] * 1000:.1f} ms ({ours['min_s'] * 1000:.1f}–{ours['max_s'] * 1000:.1f})",
            f"< {target * 1000:.0f} ms",
            "✓" if ours["median_s"] < target else "✗",
        ])  # fmt: skip
        for name in ("compare", "dmp_whole_text", "difflib_lines", "difflib_chars"):
            if name not in result:
                continue
            figure = result[name]
            ratio = figure["median_s"] / ours["median_s"]
            rows.append([
                f"{size} articles: {name}: time, ×compare, phantom/missed/misaligned",
                f"{figure['median_s'] * 1000:.1f} ms ×{ratio:.2f}; "
                f"{figure['phantom']}/{figure['missed']}/{figure['misaligned']}",
                "0/0/0" if name == "compare" else "",
                ("✓" if figure["phantom"] == figure["missed"] == figure["misaligned"] == 0 else "✗")
                if name == "compare" else "",
            ])  # fmt: skip
    figures["table"] = rows
    return figures


if __name__ == "__main__":
    results = run()
    print_table("bench_diff", results)
    for size in SIZES:
        print(size, results[str(size)]["edits"], results[str(size)]["characters"], "characters")
