"""JSON rendering of a document diff: the contract the web API and stored results share."""

from __future__ import annotations

import json
from typing import Any

from diffing.model import ArticleChange, DocumentDiff


def diff_to_dict(diff: DocumentDiff, *, extended: bool = False) -> dict[str, Any]:
    """The diff as plain data: old/new ref and title, summary counts, one entry per change record.

    Exactly the public contract by default. ``extended`` adds, per article, what renderers use
    beyond it (``old_heading``, ``new_heading``, ``restructure``, ``cosmetic``), for storing a
    diff that must render later exactly as when it was computed.
    """
    return {
        "old": {"ref": diff.old_ref, "title": diff.old_title},
        "new": {"ref": diff.new_ref, "title": diff.new_title},
        "summary": diff.summary.as_dict(),
        "articles": [_article(article, extended) for article in diff.articles],
    }


def render_json(diff: DocumentDiff, *, indent: int | None = None, extended: bool = False) -> str:
    """``diff_to_dict`` as JSON text, Chinese kept readable (no \\u escapes)."""
    return json.dumps(diff_to_dict(diff, extended=extended), ensure_ascii=False, indent=indent)


def _article(article: ArticleChange, extended: bool) -> dict[str, Any]:
    data = _contract(article)
    if extended:
        data |= {
            "old_heading": article.old_heading,
            "new_heading": article.new_heading,
            "restructure": article.restructure,
            "cosmetic": [cosmetic for _, _, cosmetic in article.spans],
        }
    return data


def _contract(article: ArticleChange) -> dict[str, Any]:
    return {
        "change": article.change,
        "old_label": article.old_label,
        "new_label": article.new_label,
        "old_number": article.old_number,
        "new_number": article.new_number,
        "similarity": article.similarity,
        "ops": [[op, text] for op, text in article.ops],
    }
