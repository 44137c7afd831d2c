"""The text of a Word .docx: body paragraphs and table rows, in document order.

Attachments of circulars (附件) often come as .docx. Each paragraph is one line; a table row
is one line with its cells separated by tabs (merged cells once). Headers and footers are
left out, as the normaliser would drop them anyway.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml.etree import XMLSyntaxError

from ingest.errors import DecodeError
from ingest.limits import human_size

# Declared sizes bound what zipfile inflates; python-docx parses without resolving entities.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024


def docx_to_text(data: bytes, *, max_unzipped_bytes: int = MAX_UNZIPPED_BYTES) -> str:
    """Paragraphs and table cells of a .docx in order, one paragraph per line."""
    _check_unzipped_size(data, max_unzipped_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_lines(document))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as error:
        raise DecodeError(f"Word file is corrupt and cannot be read ({type(error).__name__})") from error
    text = "\n".join(lines)
    if not text.strip():
        raise DecodeError("Word file has no text")
    return text


def _check_unzipped_size(data: bytes, cap: int) -> None:
    try:
        size = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DecodeError(f"Word file is corrupt and cannot be read ({error})") from error
    if size > cap:
        raise DecodeError(
            f"Word file unzips to {human_size(size)}, over the {human_size(cap)} cap: a zip bomb?"
        )


def _lines(document: Document):
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text


def _table_lines(table: Table):
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is returned once per grid column it spans
                continue
            previous = cell._tc
            cells.append(cell.text.replace("\n", " ").strip())
        yield "\t".join(cells).rstrip("\t")
