"""JSON rendering of a document diff: the contract the web API and stored results share."""

from __future__ import annotations

import json
from typing import Any

from diffing.model import ArticleChange, DocumentDiff


def diff_to_dict(diff: DocumentDiff) -> dict[str, Any]:
    """The diff as plain data: old/new ref and title, summary counts, one entry per change record."""
    return {
        "old": {"ref": diff.old_ref, "title": diff.old_title},
        "new": {"ref": diff.new_ref, "title": diff.new_title},
        "summary": diff.summary.as_dict(),
        "articles": [_article(article) for article in diff.articles],
    }


def render_json(diff: DocumentDiff, *, indent: int | None = None) -> str:
    """``diff_to_dict`` as JSON text, Chinese kept readable (no \\u escapes)."""
    return json.dumps(diff_to_dict(diff), ensure_ascii=False, indent=indent)


def _article(article: ArticleChange) -> dict[str, Any]:
    return {
        "change": article.change,
        "old_label": article.old_label,
        "new_label": article.new_label,
        "old_number": article.old_number,
        "new_number": article.new_number,
        "similarity": article.similarity,
        "ops": [[op, text] for op, text in article.ops],
    }
