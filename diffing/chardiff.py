"""Character-level diffs of original texts (Chinese has no spaces to split words on)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from diff_match_patch import diff_match_patch

from diffing.model import DELETE, EQUAL, INSERT, Op
from ingest.normalize import comparison_key

_DIFF_TIMEOUT_SECONDS = 1.0


def char_ops(old: str, new: str) -> tuple[Op, ...]:
    """Diff ``old`` into ``new``; semantic cleanup turns scattered one-character hits into phrases."""
    if old == new:
        return ((EQUAL, old),) if old else ()
    engine = diff_match_patch()
    engine.Diff_Timeout = _DIFF_TIMEOUT_SECONDS
    diffs = engine.diff_main(old, new, False)
    engine.diff_cleanupSemantic(diffs)
    return tuple((op, text) for op, text in diffs if text)


def cosmetic_flags(ops: Sequence[Op]) -> tuple[bool, ...]:
    """For each op, whether it belongs to a style-only edit: a run of deletions and insertions
    between two equal ops whose deleted and inserted texts share a comparison key (，/, or a line
    break). Renderers show such runs as plain text rather than as amendments."""
    flags = [False] * len(ops)
    start = 0
    while start < len(ops):
        if ops[start][0] == EQUAL:
            start += 1
            continue
        end = start
        while end < len(ops) and ops[end][0] != EQUAL:
            end += 1
        deleted = "".join(text for op, text in ops[start:end] if op == DELETE)
        inserted = "".join(text for op, text in ops[start:end] if op == INSERT)
        if comparison_key(deleted) == comparison_key(inserted):
            flags[start:end] = [True] * (end - start)
        start = end
    return tuple(flags) if any(flags) else ()  # one spelling of "no style-only edit" (ArticleChange.spans)


def old_side(ops: Iterable[Op]) -> str:
    """The old text the ops were made from."""
    return "".join(text for op, text in ops if op != INSERT)


def new_side(ops: Iterable[Op]) -> str:
    """The new text the ops lead to."""
    return "".join(text for op, text in ops if op != DELETE)


def cut_ops(ops: Sequence[Op], cuts: Sequence[int], *, side: str) -> list[tuple[Op, ...]]:
    """Cut ``ops`` into ``len(cuts) + 1`` pieces at character offsets of the ``side`` text.

    ``side`` is "new" (pieces of a split) or "old" (pieces of a merge). An op that takes no
    character from that side and sits on a boundary stays with the earlier piece.
    """
    consumed_by = EQUAL, (INSERT if side == "new" else DELETE)
    pieces: list[list[Op]] = [[] for _ in range(len(cuts) + 1)]
    piece, position = 0, 0
    for op, text in ops:
        if op not in consumed_by:
            pieces[piece].append((op, text))
            continue
        while text:
            while piece < len(cuts) and position >= cuts[piece]:
                piece += 1
            room = cuts[piece] - position if piece < len(cuts) else len(text)
            head, text = text[:room], text[room:]
            pieces[piece].append((op, head))
            position += len(head)
    return [tuple(_merge_runs(p)) for p in pieces]


def _merge_runs(ops: Iterable[Op]) -> list[Op]:
    merged: list[Op] = []
    for op, text in ops:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged
