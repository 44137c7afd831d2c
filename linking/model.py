"""Plain, frozen values that the linking stage reads and returns.

Nothing here touches a database: storage maps documents onto ``SourceDoc``/``KnownDoc`` and
writes ``ExtractedRelation``s back as ledger rows (``LedgerEntry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The one table of linking's vocabulary: every module, the CLI, the web and storage import these.
# Relation kinds, exactly as in DOMAIN.md, each read from the source's side.
RELATION_KINDS = ("repeals", "replaces", "amends", "partially_repeals", "expires", "cites")
# The edge between two editions of one instrument (操作手册（2023版）→（2024版）), found by
# ``linking.families``, never stated in a sentence. Stored as "version" since the first schema.
EDITION = "version"
# Kinds that decide a target's status on a date (``linking.status``), and those a chain follows.
STATUS_KINDS = ("repeals", "replaces", "partially_repeals", "amends", "expires")
CHAIN_KINDS = ("replaces", "repeals", "amends", EDITION)
# Pairs whose texts are compared article by article: the new text takes the old one's place.
COMPARABLE_KINDS = ("amends", "replaces", EDITION)
# Kinds a subscriber following a chain is told about, and the order the web lists relations in.
SUPERSESSION_KINDS = ("repeals", "replaces", "amends", "partially_repeals", EDITION)
LISTING_ORDER = ("repeals", "replaces", "partially_repeals", "amends", "expires", EDITION, "cites")
RELATION_LABELS = {
    "repeals": "废止",
    "replaces": "替代",
    "amends": "修改",
    "partially_repeals": "部分废止",
    "expires": "有效期届满",
    "cites": "引用",
    EDITION: "旧版本",
}
# The same kinds read from the target's side.
RELATION_LABELS_PASSIVE = {
    "repeals": "被废止",
    "replaces": "被替代",
    "amends": "被修改",
    "partially_repeals": "被部分废止",
    "expires": "到期",
    "cites": "被引用",
    EDITION: "新版本",
}
STATUSES = (
    "in_force",
    "not_yet_effective",
    "amended",
    "partially_repealed",
    "repealed",
    "replaced",
    "expired",
)
# Status (时效性) as legal databases label it (DOMAIN.md).
STATUS_LABELS = {
    "in_force": "现行有效",
    "not_yet_effective": "尚未生效",
    "amended": "已修改",
    "partially_repealed": "部分失效",
    "repealed": "已废止",
    "replaced": "已被替代",
    "expired": "已过期",
}


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
    """How a sentence names another document: its 文号 or standard number, its 《title》, or both.

    ``date`` is set when the text dates the document it names: decisions that share one title
    (国务院关于修改部分行政法规的决定 of 2013, 2016, 2019…) are different instruments, told apart by it.
    """

    doc_number_raw: str | None
    doc_number_canonical: str | None
    title: str | None
    date: date | None = None


@dataclass(frozen=True)
class ExtractedRelation:
    """One relation a sentence of the source states.

    ``citation`` is the target; None when the source itself is acted on (``expires``: its own life;
    an amendment its header records, with the amending decision as ``subject``). ``scope`` is
    "whole" or the part concerned ("附件2", "第五条"); for an ``amends`` read from a decision's
    instructions, every place they touch in order of first mention, joined by 、, each written
    第N条[第K款][第J项] in Chinese numerals with no brackets around the 项 number
    ("第十二条、第五条第二款、第九条第一款第四项"): numbers of the old text, except units added
    with their new number (增加一款，作为第五款); "whole" when only whole-text words change
    (linking.amendments.relations.scope_of). ``effective_date`` is the date the relation
    takes effect: the source's 施行 date, or for ``expires`` the last day the source is in force.
    ``subject`` is set when the acting document is not the source itself but one it announces:
    004 line 7 ``WS/T 347—2024 …（代替WS/T 347—2011）`` inside a 通告, or one its header names.
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
    dates: tuple[date, ...] = ()  # its known written, published and effective dates
    placeholder: bool = False  # known only by citation: a close title never resolves to one


@dataclass(frozen=True)
class LedgerEntry:
    """A resolved relation: ``source_id`` acts on ``target_id`` from ``effective_date`` (None: unknown)."""

    source_id: int
    target_id: int
    kind: str
    scope: str = "whole"
    effective_date: date | None = None
