"""Tables of contents: read their entries and cross-check them against the documents found.

A compilation's contents list is an independent witness of how many documents it holds; every
disagreement with the segmenter becomes a warning on the ``ParsedCompilation``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ingest.docnumber import DOC_NUMBER_RE, canonical_doc_number
from ingest.normalize import comparison_key
from ingest.notices import Notice
from ingest.segment import DocumentSpan

# 001 line 20 "- 01 关于开展儿童参加基本医疗保险专项行动的通知" (page first);
# 002 line 37 "关于…的通知（国卫医急发〔2023〕10号）\t1" (page last, 文号 in brackets).
_PAGE_FIRST_RE = re.compile(r"^\s*-?\s*(?P<page>[0-9]{1,4})\s+(?P<title>\S.*?)\s*$")
_PAGE_LAST_RE = re.compile(r"^\s*(?P<title>\S.*?)\s*(?:\.{2,}|…+|\t|\s{2,})\s*(?P<page>[0-9]{1,4})\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MATCH_THRESHOLD = 85


@dataclass(frozen=True)
class TocEntry:
    line: int  # 1-based
    title: str
    doc_number: str | None  # canonical, when the entry cites one


def _entry_title(line: str) -> str | None:
    """The title of a contents line (a Chinese title with its page number before or after it)."""
    match = _PAGE_FIRST_RE.match(line) or _PAGE_LAST_RE.match(line)
    return match["title"] if match and _CJK.search(match["title"]) else None


def is_contents_entry(line: str) -> bool:
    return _entry_title(line) is not None


def toc_entries(lines: list[str], start: int, end: int) -> list[TocEntry]:
    """Contents entries with Chinese titles between ``start`` and ``end`` (0-based, end exclusive)."""
    entries = []
    for i in range(start, end):
        found = _entry_title(lines[i])
        if found is None:
            continue
        title = found.strip()
        number = DOC_NUMBER_RE.search(title)
        canonical = canonical_doc_number(number.group()) if number else None
        if number:
            title = title[: number.start()].rstrip("（(［[ ")
        entries.append(TocEntry(i + 1, title, canonical))
    return entries


def _titles(span: DocumentSpan) -> list[str]:
    titles = [value for name, value in span.metadata if name == "标题" and value]
    return [*titles, span.title] if span.title else titles


def _score(entry: TocEntry, entry_key: str, span: DocumentSpan, span_keys: list[str]) -> float:
    if entry.doc_number and span.doc_number:
        try:
            if canonical_doc_number(span.doc_number) == entry.doc_number:
                return 100.0
        except ValueError:
            pass
    return max((fuzz.ratio(entry_key, key) for key in span_keys), default=0.0)


def check_toc(entries: list[TocEntry], spans: list[DocumentSpan]) -> list[Notice]:
    """One warning per contents entry without a document, per document missing from the contents,
    and per entry whose title differs from the document's."""
    if not entries:
        return []
    span_keys = [[comparison_key(t) for t in _titles(span)] for span in spans]
    warnings: list[Notice] = []
    unmatched = list(range(len(spans)))
    for entry in entries:
        key = comparison_key(entry.title)
        best, k = max(((_score(entry, key, spans[k], span_keys[k]), k) for k in unmatched), default=(0.0, -1))
        if best < _MATCH_THRESHOLD:
            warnings.append(Notice("contents_entry_unmatched", {"title": entry.title}, entry.line))
            continue
        unmatched.remove(k)
        if key not in span_keys[k]:
            found = {"document_line": spans[k].start_line, "document_title": _titles(spans[k])[0]}
            warnings.append(Notice("contents_title_differs", {"title": entry.title, **found}, entry.line))
    warnings += [
        Notice("document_not_in_contents", {"title": (_titles(spans[k]) or [""])[0]}, spans[k].start_line)
        for k in unmatched
    ]
    if len(entries) != len(spans):
        warnings.append(Notice("contents_count_differs", {"entries": len(entries), "documents": len(spans)}))
    return warnings
