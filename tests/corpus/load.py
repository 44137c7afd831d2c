"""Read the real-world corpus: each case's text (markup stripped) and its hand-written expectations."""

from __future__ import annotations

import html
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
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)  # YAML of static-site sources (VuePress)
_CONTAINER = re.compile(r"^:::.*$", re.M)  # ::: tip 修订信息 … :::
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def plain_text(raw: str, suffix: str) -> str:
    """The text a reader sees: Markdown markup (front matter, headings, comments, containers, links,
    bold marks, HTML entities such as &emsp;) dropped or resolved, nothing else."""
    if suffix != ".md":
        return raw
    text = _FRONT_MATTER.sub("", raw)
    text = _COMMENT.sub("", text)
    text = _CONTAINER.sub("", text)
    text = _HEADING.sub("", text)
    text = _LINK.sub(r"\1", text)
    return html.unescape(text.replace("**", ""))


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
