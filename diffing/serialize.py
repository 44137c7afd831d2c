"""The stored and public form of a diff: the one owner of its JSON contract.

``to_dict`` writes it (the JSON API, ``regtrack diff --json``, ``VersionDiff.diff``); ``from_dict``
reads it back (the web's diff pages, digests). The texts of a record are its ops joined (EQUAL +
DELETE is the old text, EQUAL + INSERT the new one), so records read back render exactly like
freshly computed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from diffing.model import CHANGE_KINDS, DELETE, EQUAL, INSERT, ArticleChange, DiffSummary, DocumentDiff, Op


def to_dict(diff: DocumentDiff, *, extended: bool = False) -> dict[str, Any]:
    """The diff as plain data: old/new ref and title, summary counts, one entry per change record.

    Exactly the public contract by default: per article its ``change`` (what happened to the text),
    ``moved``/``renumbered`` (what happened to its place) and ``restructure`` ("split", "merged" or
    null). ``extended`` adds what renderers use beyond it (``old_heading``, ``new_heading``,
    ``cosmetic``), for storing a
    diff that must render later exactly as when it was computed.
    """
    return {
        "old": {"ref": diff.old_ref, "title": diff.old_title},
        "new": {"ref": diff.new_ref, "title": diff.new_title},
        "summary": diff.summary.as_dict(),
        "articles": [_article_dict(article, extended) for article in diff.articles],
    }


def from_dict(data: Mapping[str, Any]) -> DocumentDiff:
    """The inverse of ``to_dict`` (headings, when not stored, are empty: labels stand in)."""
    summary = data.get("summary") or {}
    return DocumentDiff(
        old_ref=str((data.get("old") or {}).get("ref") or ""),
        old_title=str((data.get("old") or {}).get("title") or ""),
        new_ref=str((data.get("new") or {}).get("ref") or ""),
        new_title=str((data.get("new") or {}).get("title") or ""),
        summary=DiffSummary(**{k: int(v) for k, v in summary.items() if k in CHANGE_KINDS}),
        articles=tuple(_article(a) for a in data.get("articles") or ()),
    )


def ops_from(raw: Iterable[Any] | None) -> tuple[Op, ...]:
    """Ops from stored JSON, ignoring anything that is not ``[op, text]``."""
    ops = []
    for item in raw or ():
        if isinstance(item, list | tuple) and len(item) == 2 and item[0] in (DELETE, EQUAL, INSERT):
            ops.append((int(item[0]), str(item[1])))
    return tuple(ops)


def _article_dict(article: ArticleChange, extended: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "change": article.change,
        "old_label": article.old_label,
        "new_label": article.new_label,
        "old_number": article.old_number,
        "new_number": article.new_number,
        "similarity": article.similarity,
        "moved": article.moved,
        "renumbered": article.renumbered,
        "restructure": article.restructure or None,
        "ops": [[op, text] for op, text in article.ops],
    }
    if extended:
        data |= {
            "old_heading": article.old_heading,
            "new_heading": article.new_heading,
            "cosmetic": [cosmetic for _, _, cosmetic in article.spans],
        }
    return data


def _article(a: Mapping[str, Any]) -> ArticleChange:
    ops = ops_from(a.get("ops"))
    cosmetic = tuple(bool(flag) for flag in a.get("cosmetic") or ())
    return ArticleChange(
        change=str(a.get("change") or "modified"),
        old_label=a.get("old_label"),
        new_label=a.get("new_label"),
        old_number=a.get("old_number"),
        new_number=a.get("new_number"),
        similarity=float(a.get("similarity") or 0.0),
        ops=ops,
        old_text="".join(t for op, t in ops if op in (EQUAL, DELETE)),
        new_text="".join(t for op, t in ops if op in (EQUAL, INSERT)),
        old_heading=a.get("old_heading") or "",
        new_heading=a.get("new_heading") or "",
        restructure=a.get("restructure") or "",
        moved=bool(a.get("moved")),
        renumbered=bool(a.get("renumbered")),
        # () is the differ's one spelling of "no style-only edit"
        cosmetic=cosmetic if any(cosmetic) and len(cosmetic) == len(ops) else (),
    )
