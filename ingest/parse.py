"""The one entry point the rest of regtrack calls: text in, ``ParsedCompilation`` out."""

from __future__ import annotations

from ingest.metadata import document_from_span, field_problems
from ingest.model import ParsedCompilation, ParsedDocument
from ingest.notices import Notice
from ingest.segment import PAGE_BREAK, segment_compilation
from ingest.structure import structure_problems

# Stored on every compilation and version it produced. Bump it when a change to ingest changes what
# it finds: an ingest of bytes parsed by another version then parses them again instead of
# answering "unchanged" (regtrack.services.ingest).
PARSER_VERSION = "4"  # 2: 题注, look-alike ideographs, chapters mid-text, compilation names; 3: page
# furniture among words, structure notices; 4: 题注 with 自…起施行 and joint orders


def parse_text(text: str, *, encoding: str = "utf-8") -> ParsedCompilation:
    """Split ``text`` into documents with their metadata and structure.

    ``encoding`` is what decoding detected, recorded on the result. Raises
    ``ingest.errors.SegmentError`` when the text holds no recognisable document.
    """
    segmentation = segment_compilation(text)
    lines = [line.replace(PAGE_BREAK, "") for line in segmentation.lines]
    documents = tuple(document_from_span(lines, span) for span in segmentation.spans)
    return ParsedCompilation(
        kind=segmentation.kind,
        title=segmentation.title,
        documents=documents,
        encoding=encoding,
        warnings=(
            *segmentation.warnings,
            *(w for span in segmentation.spans for w in field_problems(span)),
            *(w for document in documents for w in _structure_problems(document)),
        ),
    )


def _structure_problems(document: ParsedDocument) -> list[Notice]:
    problems = structure_problems(document.title, document.articles)
    for attachment in document.attachments:
        problems += _structure_problems(attachment)
    return problems
