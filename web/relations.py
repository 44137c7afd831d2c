"""How a document page shows its relations: effects first, citations grouped by sentence.

A 第一条 that cites four laws is one sentence; showing it four times buries the one
sentence that repeals something (001 line 711 versus line 876).
"""

from __future__ import annotations

from typing import Any

from linking.model import EDITION, LISTING_ORDER

# Effects in the order a reader cares about them; citations come last, folded.
# Why two documents are editions of one instrument (the quote of an EDITION edge is a reason code).
VERSION_REASONS = {
    "trial_to_formal": "由试行版转为正式版",
    "standard_revision": "标准的新版本",
    "edition": "同一文件的新版次",
    "revision": "同名文件的后续年份版本",
}


def _order(row: dict[str, Any]) -> tuple[int, str, int]:
    kind = row["kind"]
    rank = LISTING_ORDER.index(kind) if kind in LISTING_ORDER else len(LISTING_ORDER)
    return rank, row.get("effective_date") or "", row["id"]


def _with_reason(row: dict[str, Any]) -> dict[str, Any]:
    if row["kind"] != EDITION:
        return row
    code = (row.get("evidence") or {}).get("quote") or ""
    return {**row, "reason": VERSION_REASONS.get(code, "同一文件的不同版本"), "evidence": None}


def group_by_sentence(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Citations that share a sentence: one entry per sentence, with the documents it cites."""
    groups: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for row in rows:
        evidence = row.get("evidence") or {}
        key = (evidence.get("quote"), evidence.get("compilation_id"), evidence.get("line"))
        group = groups.setdefault(key, {"evidence": evidence, "relations": []})
        group["relations"].append(row)
    return list(groups.values())


def document_relations(rows: list[dict[str, Any]], document_id: int) -> dict[str, Any]:
    """Relations of one document split by direction, effects sorted, citations grouped."""
    outgoing = sorted((r for r in rows if r["source"]["id"] == document_id), key=_order)
    incoming = sorted((r for r in rows if r["target"]["id"] == document_id), key=_order)
    return {
        "out_effects": [_with_reason(r) for r in outgoing if r["kind"] != "cites"],
        "out_cites": group_by_sentence([r for r in outgoing if r["kind"] == "cites"]),
        "out_cite_count": sum(r["kind"] == "cites" for r in outgoing),
        "in_effects": [_with_reason(r) for r in incoming if r["kind"] != "cites"],
        "in_cites": [r for r in incoming if r["kind"] == "cites"],
    }
