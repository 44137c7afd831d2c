"""The text layer of a PDF, page by page, with guards against encrypted, broken and bomb files.

Lines are kept as the PDF lays them out (one text line per line, pages joined with ``\\n``);
repeated headers, footers and page numbers stay in and are removed by the normaliser.
"""

from __future__ import annotations

import io
import logging
import re
import zlib

import pdfplumber
from pdfminer.ascii85 import ascii85decode
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_FLATE_DECODE,
    PDFException,
    PDFStream,
    resolve1,
)
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ingest.errors import DecodeError
from ingest.limits import human_size

# pdfminer logs what it thinks of a font ("Could not get FontBBox from font descriptor") a hundred
# times per file; with no handler Python prints that at the user. It belongs in the log, if any.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

MAX_PAGES = 3000  # the largest sample compilation is about 150 pages
MAX_CHARS = 20_000_000  # extracted characters over the whole file
MAX_PAGE_STREAM_BYTES = 64 * 1024 * 1024  # decompressed content of one page
_MIN_TEXT_CHARS = 1  # visible characters below which the file has no text layer
# pdfminer writes "(cid:123)" for a glyph whose font has no Unicode mapping.
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")

# What pdfminer raises on malformed input besides its own exception types; pdfplumber wraps
# most errors in PdfminerException but not those raised while it walks the page tree
# (a damaged catalog gives None where a dict is expected: AttributeError, TypeError).
_BROKEN_PDF = (
    PdfminerException,
    MalformedPDFException,
    PSException,
    PDFException,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    zlib.error,
)


def pdf_to_text(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    max_chars: int = MAX_CHARS,
    max_page_stream_bytes: int = MAX_PAGE_STREAM_BYTES,
) -> str:
    """Extract the text layer; raise DecodeError for a file that has none or cannot be read."""
    if b"%%EOF" not in data[-2048:]:
        raise DecodeError("PDF is truncated (no %%EOF at the end): download it again")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_page_count(pdf, max_pages)
            pages = _extract_pages(pdf, max_chars, max_page_stream_bytes)
    except _BROKEN_PDF as error:
        raise _broken(error) from error
    text = "\n".join(pages)
    return _require_text_layer(text)


def _check_page_count(pdf: pdfplumber.PDF, max_pages: int) -> None:
    tree = resolve1(pdf.doc.catalog.get("Pages"))
    declared = resolve1(tree.get("Count", 0)) if isinstance(tree, dict) else 0
    if isinstance(declared, int) and declared > max_pages:
        raise DecodeError(f"PDF has {declared} pages, over the cap of {max_pages}")


def _extract_pages(pdf: pdfplumber.PDF, max_chars: int, max_stream: int) -> list[str]:
    pages: list[str] = []
    total = 0
    for number, page in enumerate(pdf.pages, start=1):
        _check_content_size(page, number, max_stream)
        text = page.extract_text() or ""
        page.close()  # drops the page's cached layout: memory stays flat on long files
        total += len(text)
        if total > max_chars:
            raise DecodeError(f"PDF text is over {max_chars:,} characters by page {number}: not a document")
        pages.append(text)
    return pages


def _check_content_size(page: pdfplumber.page.Page, number: int, max_stream: int) -> None:
    """Inflate each Flate content stream with a bound before pdfminer inflates it unbounded."""
    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream) or stream.rawdata is None or stream.decipher:
            continue
        raw = stream.rawdata
        for name, _params in stream.get_filters():
            if name in LITERALS_ASCII85_DECODE:  # text armour, shrinks: reportlab writes it before Flate
                raw = ascii85decode(raw)
            elif name in LITERALS_FLATE_DECODE:
                break
            else:
                raw = b""
                break
        else:
            continue
        try:
            inflated = zlib.decompressobj().decompress(raw, max_stream + 1)
        except zlib.error:
            continue  # pdfminer has its own recovery for damaged streams
        if len(inflated) > max_stream:
            raise DecodeError(f"PDF page {number} inflates to over {human_size(max_stream)}: a PDF bomb?")


def _broken(error: Exception) -> DecodeError:
    cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return DecodeError("PDF is encrypted (password protected): save an unprotected copy")
    return DecodeError(f"PDF is corrupt and cannot be read ({type(cause).__name__}): download it again")


def _require_text_layer(text: str) -> str:
    visible = sum(1 for ch in text if not ch.isspace())
    if visible < _MIN_TEXT_CHARS:
        raise DecodeError("PDF has no text layer (scanned?): run OCR on it first")
    unmapped = _UNMAPPED_GLYPH.findall(text)
    if sum(len(glyph) for glyph in unmapped) > visible / 2:
        raise DecodeError(
            "PDF fonts have no Unicode mapping, the text layer is unreadable: run OCR on it first"
        )
    return text
