"""JSON text of a document diff (the contract itself is ``diffing.serialize``)."""

from __future__ import annotations

import json

from diffing.model import DocumentDiff
from diffing.serialize import to_dict


def render_json(diff: DocumentDiff, *, indent: int | None = None, extended: bool = False) -> str:
    """``diffing.serialize.to_dict`` as JSON text, Chinese kept readable (no \\u escapes)."""
    return json.dumps(to_dict(diff, extended=extended), ensure_ascii=False, indent=indent)
