"""Split a compilation into document spans: which lines belong to which document.

Four shapes are recognised: a monthly 汇编 whose documents open with a metadata block
(``segment_monthly``), a 公报 issue with a bilingual table of contents (``segment_gazette``), a
run of circulars each headed by a title and a 文号 line (``segment_circulars``), and a single
document. Spans carry line numbers only (1-based, inclusive); ``ingest.metadata`` and
``ingest.structure`` read the facts out of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ingest.errors import SegmentError
from ingest.normalize import clean_lines, page_artifacts
from ingest.notices import Notice


@dataclass(frozen=True)
class DocumentSpan:
    """Where one document sits in the compilation, and what the segmenter read on the way."""

    start_line: int  # first line: the metadata block's first field, else the title's first line
    end_line: int  # last non-blank line, inclusive
    body_line: int  # first line after the metadata block (= start_line when there is none)
    title: str  # the heading as printed (title lines joined), "" when none was found
    title_line: int | None = None
    doc_number: str | None = None  # the 文号 line under the title, as written
    metadata: tuple[tuple[str, str], ...] = ()  # ("发文机关", value) … as written, in file order
    attachments: tuple[DocumentSpan, ...] = ()
    attachment_label: str | None = None  # "附件1", or "附件" when unnumbered


@dataclass(frozen=True)
class Segmentation:
    """The result of segmenting a whole text: its kind, its own title, the spans, and warnings."""

    kind: str  # "monthly" | "gazette" | "circulars" | "single"
    title: str | None
    spans: tuple[DocumentSpan, ...]
    warnings: tuple[Notice, ...] = field(default=())
    lines: tuple[str, ...] = field(default=(), repr=False)  # the working lines the spans index


# Page numbers, running headers and the blank lines around them read as one invisible line: a
# title or signature broken by a page (000 line 2031-2035) stays together.
PAGE_BREAK = "\f"


def working_lines(text: str) -> list[str]:
    """``clean_lines(text)`` with page artefacts (and blank lines beside them) set to PAGE_BREAK."""
    lines = clean_lines(text)
    artifacts = page_artifacts(lines)
    for i in sorted(artifacts):
        lines[i] = PAGE_BREAK
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j].strip() and j not in artifacts:
                lines[j] = PAGE_BREAK
                j += step
    return lines


def segment(text: str) -> list[DocumentSpan]:
    """The documents in ``text``, in file order. Raises SegmentError when there is none."""
    return list(segment_compilation(text).spans)


def segment_compilation(text: str) -> Segmentation:
    """Detect the compilation kind and split it; raises SegmentError when no document is found."""
    from ingest import segment_circulars, segment_gazette, segment_monthly

    lines = working_lines(text)
    for splitter in (segment_monthly.split, segment_gazette.split, segment_circulars.split):
        found = splitter(lines)
        if found is not None:
            _require_a_body(lines)
            return replace(found, lines=tuple(lines))
    raise SegmentError("no document found: the text has no title, 文号 line or metadata block to split on")


# Running text has sentences; a cover, a masthead and a table of contents have none.
_SENTENCE_MARKS = "。；！？"


def _require_a_body(lines: list[str]) -> None:
    """Raise SegmentError when no line outside a table of contents holds a sentence: a file with
    only a cover and contents (the documents left out of a download) would otherwise become a
    document titled with the cover's words, citing everything its contents list names."""
    from ingest.segment_toc import is_contents_entry

    entries = 0
    for line in lines:
        if is_contents_entry(line):
            entries += 1
        elif any(mark in line for mark in _SENTENCE_MARKS):
            return
    held = f"a table of contents of {entries} entries" if entries else "headings"
    raise SegmentError(f"no document body: the text holds only a cover and {held}, no sentence of a document")
