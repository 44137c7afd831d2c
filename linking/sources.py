"""Source documents for extraction from what ``ingest.parse`` returns.

``ParsedDocument.text`` is display text (001's metadata block dropped, lines joined), so its
lines do not map to the compilation; extraction reads the compilation's own lines from
``start_line`` to ``end_line`` instead, so that every relation points at its real line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ingest.model import ParsedCompilation, ParsedDocument
from linking.model import SourceDoc


def source_from_parsed(doc: ParsedDocument, lines: Sequence[str], *, key: str) -> SourceDoc:
    """The extraction input for one parsed document; ``lines`` are the compilation's lines."""
    text = "\n".join(lines[doc.start_line - 1 : doc.end_line])
    return SourceDoc(
        key=key,
        text=text,
        start_line=doc.start_line,
        doc_number_canonical=doc.doc_number_canonical,
        title=doc.title,
        issuers=doc.issuers,
        written_date=doc.written_date,
        published_date=doc.published_date,
        effective_date=doc.effective_date,
        own_titles=tuple(a.title for a in doc.attachments),
    )


def sources_from_compilation(
    compilation: ParsedCompilation, lines: Sequence[str], *, prefix: str = ""
) -> Iterator[SourceDoc]:
    """Every document and attachment of a compilation, depth first; keys are ``prefix`` + index path."""

    def walk(docs: Sequence[ParsedDocument], path: str) -> Iterator[SourceDoc]:
        for index, doc in enumerate(docs):
            key = f"{path}{index}"
            yield source_from_parsed(doc, lines, key=key)
            yield from walk(doc.attachments, f"{key}.")

    yield from walk(compilation.documents, prefix)
