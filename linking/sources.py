"""Source documents for extraction from what ``ingest.parse`` returns.

``ParsedDocument.text`` is display text (001's metadata block dropped, lines joined), so its
lines do not map to the compilation; extraction reads the compilation's own lines from
``start_line`` to ``end_line`` instead, so that every relation points at its real line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from ingest.model import ParsedCompilation, ParsedDocument
from linking.model import SourceDoc


def source_doc(
    key: str,
    lines: Sequence[str],
    start_line: int,
    end_line: int,
    *,
    title: str,
    doc_number_canonical: str | None,
    issuers: Sequence[str] = (),
    written_date: date | None = None,
    published_date: date | None = None,
    effective_date: date | None = None,
    own_titles: Sequence[str] = (),
) -> SourceDoc:
    """The one way extraction inputs are built, from the parser (below) or from stored rows.

    ``lines`` are the compilation's lines; the document is lines ``start_line``..``end_line``
    (1-based, inclusive), so that every relation points at its real line.
    """
    return SourceDoc(
        key=key,
        text="\n".join(lines[start_line - 1 : end_line]),
        start_line=start_line,
        doc_number_canonical=doc_number_canonical,
        title=title,
        issuers=tuple(issuers),
        written_date=written_date,
        published_date=published_date,
        effective_date=effective_date,
        own_titles=tuple(own_titles),
    )


def source_from_parsed(doc: ParsedDocument, lines: Sequence[str], *, key: str) -> SourceDoc:
    """The extraction input for one parsed document; ``lines`` are the compilation's lines."""
    return source_doc(
        key,
        lines,
        doc.start_line,
        doc.end_line,
        title=doc.title,
        doc_number_canonical=doc.doc_number_canonical,
        issuers=doc.issuers,
        written_date=doc.written_date,
        published_date=doc.published_date,
        effective_date=doc.effective_date,
        own_titles=[a.title for a in doc.attachments],
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
