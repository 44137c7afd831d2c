"""Read the real-world corpus: each case's text (markup stripped) and its hand-written expectations."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.corpus.split import split_of

# REGTRACK_CORPUS_DIR: score another copy (a colleague's cases under review) with the same code.
CORPUS = Path(os.environ.get("REGTRACK_CORPUS_DIR") or Path(__file__).resolve().parent)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^#{1,6}[ \t]*", re.M)


def plain_text(raw: str, suffix: str) -> str:
    """The text a reader sees: Markdown headings, comments and bold marks dropped, nothing else."""
    if suffix != ".md":
        return raw
    text = _COMMENT.sub("", raw)
    text = _HEADING.sub("", text)
    return text.replace("**", "")


@dataclass(frozen=True)
class Case:
    id: str
    split: str
    forms: tuple[str, ...]
    text: str
    expected: dict


@cache
def cases() -> tuple[Case, ...]:
    out = []
    for path in sorted((CORPUS / "cases").glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        (text_path,) = (CORPUS / "texts").glob(f"{expected['id']}.*")
        text = plain_text(text_path.read_text(encoding="utf-8"), text_path.suffix)
        out.append(Case(expected["id"], split_of(expected["id"]), tuple(expected["forms"]), text, expected))
    return tuple(out)
