"""PDF text layers: a multi-page rendering of sample 001's 管理办法, and broken or hostile PDFs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.decode import decode
from ingest.errors import DecodeError
from ingest.pdf import pdf_to_text
from tests.support.builders import (
    ARTICLE_32,
    PDF_HEADER,
    body_paragraphs,
    build_corrupt_pdf,
    build_image_only_pdf,
    build_pdf,
    build_raw_pdf,
    build_truncated_pdf,
)

FOOTER = re.compile(r"^医药先锋系列之 第 \d+ 页$")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dest = tmp_path_factory.mktemp("pdf")
    good = build_pdf(dest / "管理办法.pdf", body_paragraphs())
    return {
        "good": good,
        "encrypted": build_pdf(dest / "encrypted.pdf", body_paragraphs()[:6], encrypt="pw"),
        "truncated": build_truncated_pdf(good, dest / "truncated.pdf"),
        "corrupt": build_corrupt_pdf(dest / "corrupt.pdf"),
        "scanned": build_image_only_pdf(dest / "scanned.pdf"),
    }


@pytest.fixture(scope="module")
def good_text(pdfs: dict[str, Path]) -> str:
    decoded = decode(pdfs["good"].read_bytes(), filename="管理办法.pdf")
    assert (decoded.media, decoded.encoding, decoded.html_metadata) == ("pdf", "pdf", {})
    return decoded.text


def _without_running_lines(text: str) -> str:
    """What the normaliser will do: drop headers and footers, join the wrapped lines."""
    return "".join(line for line in text.split("\n") if line != PDF_HEADER and not FOOTER.match(line))


def test_pdf_keeps_line_structure_with_headers_footers_and_page_numbers(good_text: str) -> None:
    lines = good_text.split("\n")
    assert lines[0] == PDF_HEADER
    pages = lines.count(PDF_HEADER)
    assert pages >= 3
    assert [line for line in lines if FOOTER.match(line)] == [
        f"医药先锋系列之 第 {n} 页" for n in range(1, pages + 1)
    ]
    assert "第一章 总 则" in lines
    assert "国卫医急发〔2024〕11号" in lines


def test_article_32_survives_wrapping_and_page_breaks(good_text: str) -> None:
    assert ARTICLE_32 not in good_text.split("\n")  # it was wrapped over two lines
    assert ARTICLE_32 in _without_running_lines(good_text)


def test_every_paragraph_of_the_source_is_in_the_text_layer(good_text: str) -> None:
    joined = _without_running_lines(good_text).replace(" ", "")
    missing = [p for p in body_paragraphs() if p.replace(" ", "") not in joined]
    assert missing == []
    assert "卫生应急管理人員" in joined  # a traditional character in the source (001 line 723) is kept


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("encrypted", "PDF is encrypted (password protected): save an unprotected copy"),
        ("truncated", "PDF is truncated (no %%EOF at the end): download it again"),
        ("corrupt", "PDF is corrupt and cannot be read (PDFSyntaxError): download it again"),
        ("scanned", "PDF has no text layer (scanned?): run OCR on it first"),
    ],
)
def test_bad_pdfs_raise_one_line_errors(pdfs: dict[str, Path], key: str, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(pdfs[key].read_bytes())
    assert str(caught.value) == message


def test_page_cap(pdfs: dict[str, Path]) -> None:
    with pytest.raises(DecodeError, match=r"^PDF has \d+ pages, over the cap of 2$"):
        pdf_to_text(pdfs["good"].read_bytes(), max_pages=2)


def test_declared_page_count_is_checked_before_any_page_is_read(tmp_path: Path) -> None:
    path = build_raw_pdf(tmp_path / "many.pdf", b"", declared_pages=100_000)
    with pytest.raises(DecodeError, match="^PDF has 100000 pages, over the cap of 3000$"):
        decode(path.read_bytes())


def test_character_cap(pdfs: dict[str, Path]) -> None:
    with pytest.raises(DecodeError, match="^PDF text is over 500 characters by page 1: not a document$"):
        pdf_to_text(pdfs["good"].read_bytes(), max_chars=500)


def test_page_stream_inflating_past_the_cap_is_a_bomb(tmp_path: Path) -> None:
    path = build_raw_pdf(tmp_path / "bomb.pdf", b" " * (65 * 2**20))
    assert path.stat().st_size < 200_000
    with pytest.raises(DecodeError, match=r"^PDF page 1 inflates to over 64 MB: a PDF bomb\?$"):
        decode(path.read_bytes())


def test_stream_cap_applies_to_reportlab_ascii85_flate_streams(pdfs: dict[str, Path]) -> None:
    with pytest.raises(DecodeError, match=r"^PDF page 1 inflates to over 1000 bytes"):
        pdf_to_text(pdfs["good"].read_bytes(), max_page_stream_bytes=1000)


def test_hand_written_pdf_with_a_base14_font_reads(tmp_path: Path) -> None:
    path = build_raw_pdf(tmp_path / "hello.pdf", b"BT /F1 12 Tf 72 700 Td (Hello PDF) Tj ET")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns about the missing font
    assert pdf_to_text(path.read_bytes()) == "Hello PDF"


def test_an_html_error_page_named_pdf_is_read_as_html() -> None:
    page = "<html><body><div id='zoom'><p>您访问的页面不存在或已被删除，请返回首页。</p></div></body></html>"
    decoded = decode(page.encode("utf-8"), filename="通知.pdf", content_type="application/pdf")
    assert decoded.media == "html"
    assert decoded.text == "您访问的页面不存在或已被删除，请返回首页。"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_pdfs_give_text_or_decode_error_never_another_exception(
    pdfs: dict[str, Path], data: st.DataObject
) -> None:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    raw = bytearray(pdfs["good"].read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    del raw[cut : cut + data.draw(st.integers(0, 2000))]
    try:
        text = decode(bytes(raw)).text
    except DecodeError as error:
        assert "\n" not in str(error)
    else:
        assert text.strip()
