"""Change records: what the differ returns and every renderer reads."""

from __future__ import annotations

from dataclasses import dataclass

# What happened to a unit's text, in the order summaries list them: ``modified`` counts every
# changed text wherever it went, ``moved`` a text that only changed its place or number.
CHANGE_KINDS = ("added", "removed", "modified", "moved", "unchanged")

# How a 新旧对照表 names each kind of change and of restructuring.
CHANGE_NAMES = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动", "unchanged": "未改"}
RESTRUCTURE_NAMES = {"split": "拆分", "merged": "合并"}

DELETE, EQUAL, INSERT = -1, 0, 1

Op = tuple[int, str]  # (DELETE | EQUAL | INSERT, text)


@dataclass(frozen=True)
class ArticleChange:
    """One row of a 新旧对照表: an old unit, a new unit, or a pair of them.

    ``ops`` diff ``old_text`` into ``new_text`` character by character: the EQUAL and DELETE
    texts joined give ``old_text``, the EQUAL and INSERT texts joined give ``new_text``.
    When one old unit was split into several new ones (or several old ones merged into one),
    each piece is its own record, ``restructure`` says "split" or "merged", and ``old_text``
    (or ``new_text``) is the part of the shared unit that went into this piece.
    """

    change: str  # one of CHANGE_KINDS
    old_label: str | None
    new_label: str | None
    old_number: int | None
    new_number: int | None
    similarity: float  # 0..1 on comparison keys; 1.0 unchanged, 0.0 added/removed
    ops: tuple[Op, ...]
    old_text: str
    new_text: str
    old_heading: str
    new_heading: str
    restructure: str = ""  # "" | "split" | "merged"
    moved: bool = False  # out of the two versions' common order
    renumbered: bool = False  # another label (第十六条 → 第十五条): moved or not, edited or not
    cosmetic: tuple[bool, ...] = ()  # per op: part of a style-only edit (，/, or a line break)

    @property
    def changed(self) -> bool:
        return self.change != "unchanged"

    @property
    def spans(self) -> tuple[tuple[int, str, bool], ...]:
        """The ops with their style-only flag, for renderers: (op, text, cosmetic)."""
        flags = self.cosmetic or (False,) * len(self.ops)
        return tuple((op, text, flag) for (op, text), flag in zip(self.ops, flags, strict=True))


@dataclass(frozen=True)
class DiffSummary:
    """How many records of each kind a diff holds."""

    added: int = 0
    removed: int = 0
    modified: int = 0
    moved: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {kind: getattr(self, kind) for kind in CHANGE_KINDS}


@dataclass(frozen=True)
class DocumentDiff:
    """Two versions of one document compared unit by unit.

    ``articles`` follow the new document's order; removed units sit where they were in the old one.
    """

    old_ref: str
    old_title: str
    new_ref: str
    new_title: str
    summary: DiffSummary
    articles: tuple[ArticleChange, ...]

    @property
    def changed_articles(self) -> tuple[ArticleChange, ...]:
        return tuple(article for article in self.articles if article.changed)
