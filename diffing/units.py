"""Units for texts without 条 or 一、 structure: paragraphs rebuilt from PDF lines."""

from __future__ import annotations

import re

from ingest.model import Article

# A paragraph ends on a sentence end (。；：！？), possibly followed by a closing quote or bracket.
_PARAGRAPH_END = re.compile(r"[。；：！？.;:!?][”’」』）)]*$")
# A line this much shorter than the page's full lines ends its paragraph (003 line 14: a heading).
_SHORT_LINE_SHARE = 0.7


def paragraph_units(text: str) -> tuple[Article, ...]:
    """Split ``text`` into paragraphs labelled ``p1``, ``p2``…, re-joining lines the PDF broke.

    A line continues into the next one unless it ends a sentence or is clearly shorter than the
    full lines of the page; blank lines between lines (a PDF habit) do not end a paragraph.
    """
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    full_width = _full_line_width([line for _, line in lines])
    paragraphs: list[tuple[int, list[str]]] = []
    open_paragraph = False
    for number, line in lines:
        if open_paragraph:
            paragraphs[-1][1].append(line)
        else:
            paragraphs.append((number, [line]))
        open_paragraph = not _ends_paragraph(line, full_width)
    return tuple(
        Article(
            label=f"p{index}",
            kind="paragraph",
            number=None,
            heading="",
            path=(),
            text=_join_lines(parts),
            line=start,
        )
        for index, (start, parts) in enumerate(paragraphs, start=1)
    )


def _full_line_width(lines: list[str]) -> int:
    """Length of a full line of the page: the 90th percentile of line lengths."""
    if not lines:
        return 0
    lengths = sorted(len(line) for line in lines)
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]


def _ends_paragraph(line: str, full_width: int) -> bool:
    return bool(_PARAGRAPH_END.search(line)) or len(line) < full_width * _SHORT_LINE_SHARE


def _join_lines(parts: list[str]) -> str:
    """Join PDF lines: no space between CJK characters, one between two Latin words."""
    joined = parts[0]
    for part in parts[1:]:
        latin_seam = joined[-1].isascii() and joined[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        joined += (" " if latin_seam else "") + part
    return joined


# How a diff names the text before a document's first 条 or 一、 (its title, 文号, addressee and,
# in a notice, its own words: 001 line 876 repeals the 试行 办法 there).
PREAMBLE_LABEL, PREAMBLE_HEADING = "preamble", "开头部分"


def with_preamble(text: str, units: tuple[Article, ...]) -> tuple[Article, ...]:
    """``units`` led by a unit for the text before the first of them, so a change there shows in a
    diff too. Paragraph units already cover the whole text and come back as they are."""
    if not units or units[0].kind == "paragraph":
        return units
    # The unit's opening words: short enough not to run past a line break a PDF put in them.
    opening = units[0].text.split("\n", 1)[0].strip()[:16]
    cut = text.find(opening) if opening else -1
    before = [line.strip() for line in text[: max(cut, 0)].split("\n") if line.strip()]
    if not before:
        return units
    preamble = Article(
        label=PREAMBLE_LABEL,
        kind="preamble",
        number=None,
        heading=PREAMBLE_HEADING,
        path=(),
        text="\n".join(before),
        line=max(1, units[0].line - text[:cut].count("\n")),
    )
    return (preamble, *units)
