"""Bytes in, text out: tell what a file is (text, PDF, HTML, Word) and turn it into one str.

The text keeps its lines as the source has them, with every newline written ``\\n``; cleaning
(headers, widths, brackets) is the normaliser's job. Bad input raises ``DecodeError`` with a
one-line message a user can act on.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from ingest.charset import declared_charset, decode_markup, decode_plain
from ingest.docx import docx_to_text
from ingest.errors import DecodeError
from ingest.html import html_to_text
from ingest.limits import MAX_INPUT_BYTES, MAX_INPUT_MB, check_size
from ingest.pdf import pdf_to_text

MEDIA = ("text", "pdf", "html", "docx")
__all__ = ["MAX_INPUT_BYTES", "MAX_INPUT_MB", "MEDIA", "DecodedText", "decode", "sniff_media"]


@dataclass(frozen=True)
class DecodedText:
    """The text of one input file and what it was decoded from."""

    text: str
    encoding: str  # "utf-8", "gb18030", "utf-16-le", … for text and HTML; "pdf", "docx"
    media: str  # one of MEDIA
    html_metadata: dict[str, str] = field(default_factory=dict)  # 信息公开 table of an HTML page


def decode(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> DecodedText:
    """Decode one input file; the kind comes from its magic bytes, then its name or type."""
    check_size(len(data), max_bytes)
    if not data.strip():
        raise DecodeError("empty file")
    media = sniff_media(data, filename=filename, content_type=content_type)
    metadata: dict[str, str] = {}
    if media == "pdf":
        text, encoding = pdf_to_text(data), "pdf"
    elif media == "docx":
        text, encoding = docx_to_text(data), "docx"
    elif media == "html":
        markup, encoding = decode_markup(data, declared_charset(data, content_type))
        page = html_to_text(markup)
        text, metadata = page.text, page.metadata
    else:
        text, encoding = decode_plain(data)
    text = unify_ideographs(normalize_newlines(text))
    if not text.strip():
        raise DecodeError("empty file (no text after decoding)")
    return DecodedText(text=text, encoding=encoding, media=media, html_metadata=metadata)


# Every line break Python's str.splitlines() knows, so that split("\n") and splitlines() agree
# on line numbers downstream (pdftotext output carries \f between pages).
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def normalize_newlines(text: str) -> str:
    return _LINE_BREAKS.sub("\n", text)


# PDF text of common CJK fonts decodes to Kangxi radicals and compatibility ideographs (第⼗条, ⼈, ⽣:
# the 医疗机构管理条例 printed with such a font gave 6 of its 55 articles). NFKC maps each to the
# unified ideograph; it is applied to these blocks alone, so full-width punctuation stays as written.
_LOOKALIKE_IDEOGRAPHS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def unify_ideographs(text: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs as the ideographs they stand for (⼗ → 十)."""
    if not _LOOKALIKE_IDEOGRAPHS.search(text):
        return text
    return _LOOKALIKE_IDEOGRAPHS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


_BINARY_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Word .doc / Office binary file: save it as .docx or PDF"),
    (b"\x89PNG\r\n\x1a\n", "binary data (PNG image), not a text document"),
    (b"\xff\xd8\xff", "binary data (JPEG image), not a text document"),
    (b"GIF8", "binary data (GIF image), not a text document"),
    (b"\x1f\x8b", "binary data (gzip archive), not a text document: unpack it first"),
    (b"Rar!", "binary data (RAR archive), not a text document: unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "binary data (7z archive), not a text document: unpack it first"),
)

_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".txt": "text",
}
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


def sniff_media(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> str:
    """ "pdf", "docx", "html" or "text": magic bytes first, then the name, then the type."""
    # The PDF header may follow junk bytes; readers look in the first 1024.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        _require_docx(data)
        return "docx"
    for magic, message in _BINARY_MAGIC:
        if data.startswith(magic):
            raise DecodeError(message)
    if _looks_like_html(data[:2048]):
        return "html"
    hinted = _hinted_media(filename, content_type)
    if hinted in ("pdf", "docx"):
        raise DecodeError(
            f"file is labelled {hinted.upper()} but does not start like one: corrupt, or an error page?"
        )
    return hinted or "text"


def _hinted_media(filename: str | None, content_type: str | None) -> str | None:
    if filename:
        media = _EXTENSIONS.get(os.path.splitext(filename)[1].lower())
        if media:
            return media
    if content_type:
        return _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    return None


_HTML_START = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.S
)


def _looks_like_html(head: bytes) -> bool:
    # NULs removed so that a UTF-16 page is recognised too; BOMs and whitespace skipped.
    probe = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    return bool(_HTML_START.match(probe))


def _require_docx(data: bytes) -> None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DecodeError(f"corrupt zip/.docx file ({error})") from error
    if "word/document.xml" not in names:
        raise DecodeError("zip archive that is not a Word .docx (no word/document.xml): unpack it first")
