"""A derived text: an amendment decision applied to the text it amends, then checked against the
official republished text when that arrives.

- ``instructions_for(groups, title)``: the decision's instructions for the document titled so.
- ``derived_text(old_text, old_articles, articles)``: the full text of the amended articles,
  under the old text's title and header, with their 章/节 headings.
- ``differing_articles(derived, official)``: labels of the articles that differ once both are
  in comparison form (``ingest.normalize.comparison_key``), as the corpus triples are scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ingest.model import Article
from ingest.normalize import comparison_key
from linking.amendments.model import (
    Delete,
    Insert,
    InsertText,
    Instruction,
    Renumber,
    Reorder,
    Replace,
    Substitute,
    TargetInstructions,
    Unsupported,
)
from linking.titles import title_key

_STATE_PREFIX = "中华人民共和国"  # 修正案 name a law bare: 刑法 for 中华人民共和国刑法


def _key(title: str) -> str:
    return title_key(title).removeprefix(_STATE_PREFIX)


def instructions_for(groups: Iterable[TargetInstructions], title: str) -> TargetInstructions | None:
    """The group whose target is the document titled ``title`` (《X》 as the decision names it)."""
    wanted = _key(title)
    return next((group for group in groups if _key(group.target) == wanted), None)


def derived_text(old_text: str, old_articles: Sequence[Article], articles: Sequence[Article]) -> str:
    """The old text's lines before its first article (title, 题注), then each amended article
    under the 章/节 headings it opens, one paragraph a line."""
    lines = _preamble(old_text, old_articles)
    path: tuple[str, ...] = ()
    for article in articles:
        if article.path != path:
            lines += [heading for k, heading in enumerate(article.path) if path[k : k + 1] != (heading,)]
            path = article.path
        lines.append(article.text)
    return "\n".join(lines)


def _preamble(old_text: str, old_articles: Sequence[Article]) -> list[str]:
    first = next((a for a in old_articles if a.kind == "article"), None)
    opening = first.text.split("\n", 1)[0].strip()[:16] if first else ""
    cut = old_text.find(opening) if opening else -1
    if first is None or cut < 0:
        return []
    before = [line.strip() for line in old_text[:cut].split("\n") if line.strip()]
    headings = {comparison_key(h) for h in first.path}
    while before and comparison_key(before[-1]) in headings:  # written again above the first article
        before.pop()
    return before


def differing_articles(derived: Sequence[Article], official: Sequence[Article]) -> list[str]:
    """Labels (in the official text's order, then the derived text's extra ones) of the 条 that
    are missing on one side or whose text differs in comparison form."""
    mine = {a.label: comparison_key(a.text) for a in derived if a.kind == "article"}
    theirs = {a.label: comparison_key(a.text) for a in official if a.kind == "article"}
    differing = [label for label, text in theirs.items() if mine.get(label) != text]
    return differing + [label for label in mine if label not in theirs]


_KINDS: dict[type, str] = {
    Replace: "replace",
    Substitute: "substitute",
    Delete: "delete",
    Insert: "insert",
    InsertText: "insert_text",
    Renumber: "renumber",
    Reorder: "reorder",
    Unsupported: "unsupported",
}


def instruction_record(instruction: Instruction) -> dict[str, object]:
    """What provenance keeps of an applied instruction: its kind, its clause as written, its line."""
    return {"kind": _KINDS[type(instruction)], "quote": instruction.quote, "line": instruction.line}
