"""Which part of the real-world corpus a case belongs to: fixed by its id, never chosen."""

from __future__ import annotations

import hashlib

HELD_OUT_EVERY = 3


def split_of(case_id: str) -> str:
    """``"heldout"`` for about one id in three, else ``"dev"``: rules are never tuned on held-out texts."""
    digest = int(hashlib.sha256(case_id.encode("ascii")).hexdigest(), 16)
    return "heldout" if digest % HELD_OUT_EVERY == 0 else "dev"
