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
# YAML of static-site sources (VuePress): the page's title, shown as its heading, is kept as a line
_FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.S)
_YAML_TITLE = re.compile(r"^title:\s*(?P<title>.+)$", re.M)
_CONTAINER = re.compile(r"^(?::::.*|@tab\b.*|\[\[toc\]\])$", re.M)  # ::: tip 修订信息 …, tabs, [[toc]]
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BREAK = re.compile(r"<br\s*/?>", re.I)  # a line break written as HTML inside a Markdown paragraph


def plain_text(raw: str, suffix: str) -> str:
    """The text a reader sees: Markdown markup (front matter, headings, comments, containers, links,
    bold marks, <br> line breaks, HTML entities such as &emsp;) dropped or resolved, nothing else."""
    if suffix != ".md":
        return raw
    text = _FRONT_MATTER.sub(_front_matter_title, raw)
    text = _COMMENT.sub("", text)
    text = _CONTAINER.sub("", text)
    text = _HEADING.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _BREAK.sub("\n", text)
    return html.unescape(text.replace("**", ""))


def _front_matter_title(match: re.Match[str]) -> str:
    title = _YAML_TITLE.search(match["yaml"])
    return f"{title['title'].strip()}\n" if title else ""


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
