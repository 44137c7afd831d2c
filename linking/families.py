"""Editions of one instrument, oldest to newest: the family edges no sentence states.

操作手册（2023版）→（2024版） (001 line 636), WS/T 347—2011 → WS/T 347—2024 (004 line 7),
国家卫生应急队伍管理办法（试行）→ 国家卫生应急队伍管理办法 (001 line 876), 办法 → 办法（2024年修订）.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from linking.issuers import issuers_compatible
from linking.model import KnownDoc
from linking.titles import edition_of, edition_year

# Canonical standard numbers from ingest.docnumber: "WS/T 347-2024", "GB 15982-2012".
_STANDARD = re.compile(r"^(?P<series>[A-Z][A-Z0-9/]* [0-9.]+)-(?P<year>[0-9]{4})$")
_MIN_BASE = 6  # shorter keys (实施方案, 管理办法) name no single instrument
# A decision amending or repealing others is spent when adopted: h29's 2013 and 2016 《国务院关于修改
# 部分行政法规的决定》 are two acts of one title, not two editions.
_ONE_OFF = re.compile(r"(?:修改|废止|修正)[^的]*的决定$|修正案$")


@dataclass(frozen=True)
class _Version:
    doc: KnownDoc
    order: tuple[int, int]  # (version year, 0 for 试行 / 1 for the formal text)
    label: str | None
    is_trial: bool


def version_families(docs: Sequence[KnownDoc]) -> list[tuple[int, int, str]]:
    """(predecessor id, successor id, reason) for consecutive editions of one instrument.

    Reasons: "standard_revision", "trial_to_formal", "edition", "revision" (same name, later year).
    """
    groups: dict[str, list[_Version]] = {}
    for doc in docs:
        family, version = _family_of(doc)
        if family is not None and version is not None:
            groups.setdefault(family, []).append(version)
    edges: list[tuple[int, int, str]] = []
    for versions in groups.values():
        edges += _link(
            sorted(versions, key=lambda v: (v.order, v.doc.id)), standard=versions[0].label == "standard"
        )
    return edges


def _family_of(doc: KnownDoc) -> tuple[str | None, _Version | None]:
    standard = _STANDARD.match(doc.doc_number_canonical or "")
    if standard:
        return "std:" + standard["series"], _Version(doc, (int(standard["year"]), 1), "standard", False)
    base, label, is_trial = edition_of(doc.title)
    if len(base) < _MIN_BASE or _ONE_OFF.search(base):
        return None, None
    version_year = edition_year(label) or doc.year
    if version_year is None and not is_trial:
        return None, None  # a formal text of unknown date cannot be placed
    return "title:" + base, _Version(doc, (version_year or 0, 0 if is_trial else 1), label, is_trial)


def _link(versions: list[_Version], *, standard: bool) -> list[tuple[int, int, str]]:
    edges: list[tuple[int, int, str]] = []
    has_predecessor: set[int] = set()
    for i, older in enumerate(versions):
        for newer in versions[i + 1 :]:
            if newer.order <= older.order or newer.doc.id in has_predecessor:
                continue
            if not issuers_compatible(older.doc.issuers, newer.doc.issuers):
                continue
            edges.append((older.doc.id, newer.doc.id, _reason(older, newer, standard=standard)))
            has_predecessor.add(newer.doc.id)
            break
    return edges


def _reason(older: _Version, newer: _Version, *, standard: bool) -> str:
    if standard:
        return "standard_revision"
    if older.is_trial and not newer.is_trial:
        return "trial_to_formal"
    if older.label != newer.label:
        return "edition"
    return "revision"
