"""Plain, frozen values that the linking stage reads and returns.

Nothing here touches a database: storage maps documents onto ``SourceDoc``/``KnownDoc`` and
writes ``ExtractedRelation``s back as ledger rows (``LedgerEntry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Relation kinds, exactly as in DOMAIN.md; "version" is the family edge between two editions of
# one instrument (操作手册（2023版）→（2024版）), found by ``linking.families``, not in any sentence.
RELATION_KINDS = ("repeals", "replaces", "amends", "partially_repeals", "expires", "cites")
SUPERSEDING_KINDS = ("repeals", "replaces")
STATUSES = (
    "in_force",
    "not_yet_effective",
    "amended",
    "partially_repealed",
    "repealed",
    "replaced",
    "expired",
)


@dataclass(frozen=True)
class SourceDoc:
    """The document extraction reads; line ``i`` of ``text`` (0-based) is compilation line ``start_line + i``."""

    key: str
    text: str
    start_line: int
    doc_number_canonical: str | None
    title: str
    issuers: tuple[str, ...] = ()
    written_date: date | None = None  # 成文日期
    published_date: date | None = None  # 发布日期
    effective_date: date | None = None  # 施行日期
    # Titles that are the source's own and never cited by it: its attachments (附件), the instrument
    # its cover notice issues. Attachments listed in the text ("附件：1.…") are found without help.
    own_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """How a sentence names another document: its 文号 or standard number, its 《title》, or both."""

    doc_number_raw: str | None
    doc_number_canonical: str | None
    title: str | None


@dataclass(frozen=True)
class ExtractedRelation:
    """One relation a sentence of the source states.

    ``citation`` is the target (None for ``expires``: the source's own life). ``scope`` is
    "whole" or the part concerned ("附件2", "第五条"). ``effective_date`` is the date the relation
    takes effect: the source's 施行 date, or for ``expires`` the last day the source is in force.
    ``subject`` is set when the acting document is not the source itself but one it announces:
    004 line 7 ``WS/T 347—2024 …（代替WS/T 347—2011）`` inside a 通告.
    """

    kind: str
    citation: Citation | None
    scope: str
    effective_date: date | None
    quote: str
    line: int
    confidence: float
    subject: Citation | None = None


@dataclass(frozen=True)
class KnownDoc:
    """A document a citation may resolve to (stored or placeholder); ``year`` of writing, if known."""

    id: int
    doc_number_canonical: str | None
    title: str
    issuers: tuple[str, ...] = ()
    year: int | None = None


@dataclass(frozen=True)
class LedgerEntry:
    """A resolved relation: ``source_id`` acts on ``target_id`` from ``effective_date`` (None: unknown)."""

    source_id: int
    target_id: int
    kind: str
    scope: str = "whole"
    effective_date: date | None = None
