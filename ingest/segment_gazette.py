"""公报 issues (002): a masthead and a bilingual table of contents, then circulars each headed
by a title and a 文号 line, as in a run of circulars."""

from __future__ import annotations

import re

from ingest import segment_circulars as circ
from ingest.segment import Segmentation
from ingest.segment_toc import check_toc, toc_entries

_MASTHEAD_LINES = 12  # the 公报 name sits at the very top (002 line 3)
_TOC_RE = re.compile(r"^\s*(?:目\s*录|CONTENTS|Contents)\s*$")
_GAZETTE_RE = re.compile(r"公\s*报")


def _masthead(lines: list[str]) -> str | None:
    seen = 0
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if _GAZETTE_RE.search(text) and not text.endswith(("。", "）", ")")):
            return text
        seen += 1
        if seen >= _MASTHEAD_LINES:
            break
    return None


def split(lines: list[str]) -> Segmentation | None:
    """A 公报 when its name heads the text and a contents list follows, else None."""
    title = _masthead(lines)
    toc = next((i for i, line in enumerate(lines) if _TOC_RE.match(line)), None)
    if title is None or toc is None:
        return None
    headers = circ.find_headers(lines, toc + 1, len(lines))
    if not headers:
        return None
    spans = circ.spans_from_headers(lines, headers, len(lines))
    warnings = check_toc(toc_entries(lines, toc + 1, headers[0].start), spans)
    return Segmentation("gazette", title, tuple(spans), tuple(warnings))
