"""Compare two versions of a document unit by unit: the differ's entry point."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

from diffing.align import UnitMatch, align, similarity
from diffing.chardiff import char_ops, cosmetic_flags, cut_ops, new_side, old_side
from diffing.model import DELETE, INSERT, ArticleChange, DiffSummary, DocumentDiff, Op
from ingest.model import Article
from ingest.normalize import comparison_key


def compare(
    old_units: Sequence[Article],
    new_units: Sequence[Article],
    *,
    old_ref: str = "",
    old_title: str = "",
    new_ref: str = "",
    new_title: str = "",
) -> DocumentDiff:
    """Diff two unit lists into change records, in the new document's order.

    Pairs are found on comparison keys of the unit bodies (see ``diffing.align``). A record's
    ``change`` says what happened to the text: whether it changed is decided on the body keys, so
    width, bracket, dash, blank and line-break differences are not amendments, and neither is a
    new number; where the unit went is said apart (``moved``: out of the common order,
    ``renumbered``: another label). A unit whose text is the same but whose place is not is
    ``moved``. The character ops are made on the original texts.
    """
    old_units, new_units = tuple(old_units), tuple(new_units)
    old_keys = [unit_keys(unit) for unit in old_units]
    new_keys = [unit_keys(unit) for unit in new_units]
    matches = align(
        [body for _, body in old_keys],
        [body for _, body in new_keys],
        [unit.label for unit in old_units],
        [unit.label for unit in new_units],
    )
    sides = _Sides(old_units, new_units, old_keys, new_keys)
    articles = tuple(change for match in _in_new_order(matches) for change in sides.records(match))
    counts = Counter(article.change for article in articles)
    return DocumentDiff(
        old_ref=old_ref,
        old_title=old_title,
        new_ref=new_ref,
        new_title=new_title,
        summary=DiffSummary(**counts),
        articles=articles,
    )


def unit_keys(unit: Article) -> tuple[str, str]:
    """Comparison keys of the whole unit and of its body (the text after the 第X条 / 一、 marker)."""
    full = comparison_key(unit.text)
    marker = comparison_key(unit.heading) if unit.heading else ""
    body = full[len(marker) :] if marker and full.startswith(marker) else full
    return full, body


class _Sides:
    """Both unit lists with their (whole, body) keys, turning matches into change records."""

    def __init__(self, old_units, new_units, old_keys, new_keys) -> None:
        self.old_units, self.new_units = old_units, new_units
        self.old_body, self.new_body = [body for _, body in old_keys], [body for _, body in new_keys]
        # a split or merge is judged on whole units: a piece's new 第N条 marker is new text
        self.old_full, self.new_full = [full for full, _ in old_keys], [full for full, _ in new_keys]

    def records(self, match: UnitMatch) -> list[ArticleChange]:
        if not match.new:
            return [_lone(self.old_units[match.old[0]], "removed")]
        if not match.old:
            return [_lone(self.new_units[match.new[0]], "added")]
        if len(match.new) > 1:
            return self._split(match)
        if len(match.old) > 1:
            return self._merged(match)
        return [self._pair(match)]

    def _pair(self, match: UnitMatch) -> ArticleChange:
        (i,), (j,) = match.old, match.new
        old, new = self.old_units[i], self.new_units[j]
        renumbered = old.label != new.label and "paragraph" not in (old.kind, new.kind)
        change = _text_change(self.old_body[i] == self.new_body[j], moved=not match.in_order or renumbered)
        ops = char_ops(old.text, new.text)
        return _change(
            change, old, new, match.similarity, ops, moved=not match.in_order, renumbered=renumbered
        )

    def _split(self, match: UnitMatch) -> list[ArticleChange]:
        old = self.old_units[match.old[0]]
        pieces = [self.new_units[j] for j in match.new]
        joined = "".join(self.new_full[j] for j in match.new)
        score = similarity(self.old_full[match.old[0]], joined)
        change = _text_change(score == 1.0, moved=not match.in_order)
        ops = char_ops(old.text, "".join(piece.text for piece in pieces))
        cuts = list(accumulate(len(piece.text) for piece in pieces))[:-1]
        return [
            _change(change, old, piece, score, piece_ops, old_text=old_side(piece_ops), restructure="split")
            for piece, piece_ops in zip(pieces, cut_ops(ops, cuts, side="new"), strict=True)
        ]

    def _merged(self, match: UnitMatch) -> list[ArticleChange]:
        new = self.new_units[match.new[0]]
        pieces = [self.old_units[i] for i in match.old]
        joined = "".join(self.old_full[i] for i in match.old)
        score = similarity(joined, self.new_full[match.new[0]])
        change = _text_change(score == 1.0, moved=not match.in_order)
        ops = char_ops("".join(piece.text for piece in pieces), new.text)
        cuts = list(accumulate(len(piece.text) for piece in pieces))[:-1]
        return [
            _change(change, piece, new, score, piece_ops, new_text=new_side(piece_ops), restructure="merged")
            for piece, piece_ops in zip(pieces, cut_ops(ops, cuts, side="old"), strict=True)
        ]


def _text_change(same_text: bool, *, moved: bool) -> str:
    """What happened to the text: a changed text is ``modified`` wherever it went."""
    if not same_text:
        return "modified"
    return "moved" if moved else "unchanged"


def _change(
    change: str,
    old: Article,
    new: Article,
    similarity: float,
    ops: tuple[Op, ...],
    *,
    old_text: str | None = None,
    new_text: str | None = None,
    restructure: str = "",
    moved: bool = False,
    renumbered: bool = False,
) -> ArticleChange:
    return ArticleChange(
        change=change,
        old_label=old.label,
        new_label=new.label,
        old_number=old.number,
        new_number=new.number,
        similarity=1.0 if change == "unchanged" else round(similarity, 4),
        ops=tuple(ops),
        cosmetic=cosmetic_flags(ops),
        old_text=old.text if old_text is None else old_text,
        new_text=new.text if new_text is None else new_text,
        old_heading=old.heading,
        new_heading=new.heading,
        restructure=restructure,
        moved=moved,
        renumbered=renumbered,
    )


def _lone(unit: Article, change: str) -> ArticleChange:
    """A unit present on one side only."""
    added = change == "added"
    return ArticleChange(
        change=change,
        old_label=None if added else unit.label,
        new_label=unit.label if added else None,
        old_number=None if added else unit.number,
        new_number=unit.number if added else None,
        similarity=0.0,
        ops=((INSERT if added else DELETE, unit.text),) if unit.text else (),
        old_text="" if added else unit.text,
        new_text=unit.text if added else "",
        old_heading="" if added else unit.heading,
        new_heading=unit.heading if added else "",
    )


def _in_new_order(matches: Sequence[UnitMatch]) -> list[UnitMatch]:
    """Matches in the new document's order; a removed unit follows its old in-order predecessor."""
    present = sorted((m for m in matches if m.new), key=lambda m: (min(m.new), min(m.old, default=-1)))
    anchors = sorted(min(m.old) for m in present if m.old and m.in_order)
    after: dict[int, list[UnitMatch]] = {}
    for removed in sorted((m for m in matches if not m.new), key=lambda m: m.old[0]):
        k = bisect.bisect_left(anchors, removed.old[0])
        after.setdefault(anchors[k - 1] if k else -1, []).append(removed)
    ordered = list(after.get(-1, []))
    for match in present:
        ordered.append(match)
        if match.old and match.in_order:
            ordered.extend(after.get(min(match.old), []))
    return ordered
