"""Old and new article text with the changes marked, from the differ's character ops.

The ops follow diffing's contract (``diffing.serialize``): DELETE, EQUAL or INSERT with a text; the equal
and delete texts give the old article, the equal and insert texts the new one. Long unchanged
stretches are shortened around the changes so that an email shows what moved, not whole pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from diffing.model import DELETE, EQUAL, INSERT
from notifications.model import MarkedText

CONTEXT = 40  # characters of unchanged text kept on each side of a change
ELLIPSIS = "…"


def _shorten(text: str, first: bool, last: bool) -> list[tuple[str, str]]:
    """An unchanged stretch, cut down to CONTEXT characters next to each neighbouring change."""
    if len(text) <= 3 * CONTEXT:
        return [("", text)]
    head = "" if first else text[:CONTEXT]
    tail = "" if last else text[-CONTEXT:]
    spans = [("", head)] if head else []
    spans.append(("gap", ELLIPSIS))
    if tail:
        spans.append(("", tail))
    return spans


def _side(ops: Sequence[tuple[int, str]], keep: int, mark: str) -> MarkedText:
    kept = [(op, text) for op, text in ops if op in (EQUAL, keep) and text]
    has_change = any(op == keep for op, _ in kept)
    spans: list[tuple[str, str]] = []
    for i, (op, text) in enumerate(kept):
        if op != EQUAL:
            spans.append((mark, text))
        elif has_change:
            spans.extend(_shorten(text, first=i == 0, last=i == len(kept) - 1))
        else:
            spans.append(("", text))
    return MarkedText(tuple(spans))


def old_marked(ops: Sequence[tuple[int, str]]) -> MarkedText:
    """The old text, deletions marked "del"."""
    return _side(ops, DELETE, "del")


def new_marked(ops: Sequence[tuple[int, str]]) -> MarkedText:
    """The new text, insertions marked "ins"."""
    return _side(ops, INSERT, "ins")
