"""Which known document a citation names: by 文号, else by title key, else by a close title.

A title match must agree on edition and 试行: 《国家卫生应急队伍管理办法(试行)》 (001 line 876)
is not the 2024 办法 that repeals it, however alike the names. Two different 文号 are two documents.
No match returns ``Resolution(None, None, 0.0)``: the caller then creates a placeholder known only
by the citation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from linking.issuers import issuer_in_title, issuers_compatible
from linking.model import Citation, KnownDoc
from linking.titles import edition_of, edition_year

FUZZY_THRESHOLD = 90.0  # fuzz.ratio on title keys; 88 already joins 一级/二级 manuals
_BLOCK_SIZE = 50  # candidates scored by rapidfuzz after bigram blocking
_MIN_SHARED = 0.5  # share of the citation's title bigrams a candidate must hold
# 一级/二级/三级 manuals, 2023/2024 plans: a numeral that differs names another instrument.
_NUMERALS = set("0123456789〇零一二三四五六七八九十百千两")
_NUMBER_YEAR = re.compile(r"〔(?P<doc>[0-9]{4})〕|-(?P<std>[0-9]{4})$")


@dataclass(frozen=True)
class Resolution:
    """The resolved document id (None: unknown) and how it was found."""

    doc_id: int | None
    method: str | None  # "doc_number" | "title_exact" | "title_fuzzy" | None
    score: float


_UNRESOLVED = Resolution(None, None, 0.0)


@dataclass(frozen=True)
class _Entry:
    doc: KnownDoc
    base: str
    label: str | None
    is_trial: bool

    @property
    def issuers(self) -> tuple[str, ...]:
        """Its issuers, else the one its title names: a placeholder knows its city only from there."""
        if self.doc.issuers:
            return self.doc.issuers
        named = issuer_in_title(self.doc.title)
        return (named,) if named else ()


@dataclass(frozen=True)
class CatalogueIndex:
    """A catalogue prepared for many look-ups: by 文号, by title key, by title bigram."""

    entries: tuple[_Entry, ...]
    by_number: dict[str, tuple[int, ...]]  # 文号 → positions in ``entries``
    by_key: dict[str, tuple[int, ...]]
    by_bigram: dict[str, tuple[int, ...]]


def index_catalogue(catalogue: Sequence[KnownDoc]) -> CatalogueIndex:
    """Index ``catalogue`` once; pass the result to ``resolve`` in place of the sequence."""
    entries = tuple(_Entry(doc, *edition_of(doc.title)) for doc in catalogue)
    by_number: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    by_bigram: dict[str, list[int]] = {}
    for pos, entry in enumerate(entries):
        if entry.doc.doc_number_canonical:
            by_number.setdefault(entry.doc.doc_number_canonical, []).append(pos)
        if entry.base:
            by_key.setdefault(entry.base, []).append(pos)
        for gram in _bigrams(entry.base):
            by_bigram.setdefault(gram, []).append(pos)

    def freeze(d: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
        return {k: tuple(v) for k, v in d.items()}

    return CatalogueIndex(entries, freeze(by_number), freeze(by_key), freeze(by_bigram))


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)}


def resolve(
    citation: Citation,
    catalogue: Sequence[KnownDoc] | CatalogueIndex,
    *,
    source_year: int | None = None,
    source_id: int | None = None,
) -> Resolution:
    """The document ``citation`` names, by canonical 文号 first, then title key, then close title."""
    index = catalogue if isinstance(catalogue, CatalogueIndex) else index_catalogue(catalogue)
    number = citation.doc_number_canonical
    if number:
        found = [
            index.entries[p].doc
            for p in index.by_number.get(number, ())
            if index.entries[p].doc.id != source_id
        ]
        if found:
            return Resolution(found[0].id, "doc_number", 1.0)
    if not citation.title:
        return _UNRESOLVED
    probe = _Probe.of(citation, source_year, source_id)
    if not probe.base:
        return _UNRESOLVED
    exact = [index.entries[p] for p in index.by_key.get(probe.base, ()) if probe.accepts(index.entries[p])]
    if exact:
        return Resolution(_latest(exact, probe).doc.id, "title_exact", 1.0)
    return _fuzzy(index, probe)


@dataclass(frozen=True)
class _Probe:
    """What a title citation requires of a candidate."""

    base: str
    label: str | None
    is_trial: bool
    number: str | None
    year: int | None  # the year the citation's 文号 or edition names
    source_year: int | None
    source_id: int | None
    issuer: str | None
    dated: date | None  # the date the citation gives: another known date is another document

    @classmethod
    def of(cls, citation: Citation, source_year: int | None, source_id: int | None) -> _Probe:
        base, label, is_trial = edition_of(citation.title or "")
        year = _number_year(citation.doc_number_canonical)
        issuer = issuer_in_title(citation.title or "")
        return cls(
            base, label, is_trial, citation.doc_number_canonical, year, source_year, source_id, issuer,
            citation.date,
        )  # fmt: skip

    def accepts(self, entry: _Entry) -> bool:
        doc = entry.doc
        if doc.id == self.source_id or entry.is_trial != self.is_trial:
            return False
        if self.label is not None and entry.label != self.label:
            return False
        if self.number and doc.doc_number_canonical and doc.doc_number_canonical != self.number:
            return False  # two different 文号 are two documents
        if doc.year is not None and self.year is not None and doc.year != self.year:
            return False
        if self.dated is not None and doc.dates and self.dated not in doc.dates:
            return False  # 国务院关于修改部分行政法规的决定 of 2016 is not that of 2013 (h29)
        if doc.placeholder and self.dated != (doc.dates[0] if doc.dates else None):
            return False  # known only by a citation: a dated and an undated one may be two instruments
        if doc.year is not None and self.source_year is not None and doc.year > self.source_year:
            return False  # a citation names an older document, never a later one
        return self.issuer is None or issuers_compatible((self.issuer,), entry.issuers)


def _number_year(number: str | None) -> int | None:
    match = _NUMBER_YEAR.search(number or "")
    if not match:
        return None
    return int(match["doc"] or match["std"])


def _latest(entries: list[_Entry], probe: _Probe) -> _Entry:
    """Among equal titles, the one without an edition label, else the newest edition/year."""

    def rank(entry: _Entry) -> tuple[bool, int, int]:
        year = edition_year(entry.label) or entry.doc.year or 0
        return (entry.label == probe.label, year, entry.doc.year or 0)

    return max(entries, key=rank)


def _fuzzy(index: CatalogueIndex, probe: _Probe) -> Resolution:
    grams = _bigrams(probe.base)
    if not grams:
        return _UNRESOLVED
    shared = Counter(p for gram in grams for p in index.by_bigram.get(gram, ()))
    block = [p for p, n in shared.most_common(_BLOCK_SIZE) if n >= _MIN_SHARED * len(grams)]
    best: tuple[float, _Entry] | None = None
    for pos in block:
        entry = index.entries[pos]
        if entry.doc.placeholder or not probe.accepts(entry):
            continue
        score = fuzz.ratio(probe.base, entry.base)
        if score < FUZZY_THRESHOLD or _distinct(probe.base, entry.base):
            continue
        if best is None or score > best[0]:
            best = (score, entry)
    if best is None:
        return _UNRESOLVED
    return Resolution(best[1].doc.id, "title_fuzzy", best[0] / 100.0)


def _distinct(a: str, b: str) -> bool:
    """Whether two close keys still name different instruments: another region, another numeral,
    or a word put in another's place (民事诉讼法 / 刑事诉讼法); a word left out or added is a loose
    quotation of the same title."""
    if a[:2] != b[:2]:
        return True
    changed: set[str] = set()
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "replace":
            return True
        if op.tag != "equal":
            changed.update(a[op.src_start : op.src_end], b[op.dest_start : op.dest_end])
    return bool(changed & _NUMERALS)
