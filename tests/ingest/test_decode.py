"""Plain-text decoding: encodings of the real sample text, and every bad input's message."""

from __future__ import annotations

import codecs
import random
import zlib
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.charset import decode_plain, plausibility
from ingest.decode import DecodedText, decode, sniff_media
from ingest.errors import DecodeError
from ingest.limits import check_size
from tests.support.builders import ARTICLE_32, build_zip, sample_text, write_encoded

TEXT = sample_text()


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dest = tmp_path_factory.mktemp("encoded")
    return {
        "gb18030": write_encoded(dest, "gb18030.txt", TEXT, "gb18030"),
        "utf-16-le": write_encoded(dest, "le.txt", TEXT, "utf-16-le", bom=codecs.BOM_UTF16_LE),
        "utf-16-be": write_encoded(dest, "be.txt", TEXT, "utf-16-be", bom=codecs.BOM_UTF16_BE),
        "utf-8-sig": write_encoded(dest, "bom.txt", TEXT, "utf-8", bom=codecs.BOM_UTF8),
        "utf-16-le-nobom": write_encoded(dest, "le-nobom.txt", TEXT, "utf-16-le"),
        "utf-16-be-nobom": write_encoded(dest, "be-nobom.txt", TEXT, "utf-16-be"),
    }


@pytest.mark.parametrize(
    ("key", "encoding"),
    [
        ("gb18030", "gb18030"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16-le-nobom", "utf-16-le"),
        ("utf-16-be-nobom", "utf-16-be"),
    ],
)
def test_sample_text_round_trips_in_each_encoding(encoded: dict[str, Path], key: str, encoding: str) -> None:
    decoded = decode(encoded[key].read_bytes(), filename=encoded[key].name)
    assert decoded == DecodedText(text=TEXT, encoding=encoding, media="text", html_metadata={})
    assert ARTICLE_32 in decoded.text.split("\n")


def test_utf8_is_reported_as_utf8() -> None:
    assert decode(TEXT.encode("utf-8")).encoding == "utf-8"


def test_traditional_text_in_big5_decodes_as_big5_not_as_garbled_gbk() -> None:
    traditional = opencc.OpenCC("s2t").convert(TEXT)
    decoded = decode(traditional.encode("big5", errors="replace"))
    assert decoded.encoding == "big5hkscs"
    assert "第三十二條 本辦法自印發之日起施行" in decoded.text


def test_gb2312_labelled_text_with_gbk_only_characters_decodes_with_gb18030() -> None:
    # 喆 and 镕 are GBK characters outside GB2312: a gb2312 decoder would fail on them.
    text = "关于表彰王喆、朱镕等同志的通报\n" + TEXT[:2000]
    with pytest.raises(UnicodeEncodeError):
        text.encode("gb2312")
    decoded = decode(text.encode("gbk"))
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


def test_newlines_become_lf_and_nothing_else_changes() -> None:
    raw = "第一条　总则\r\n（一）  全角空格与半角,混排\r第二条\x0c第三条\u2028第四条"
    decoded = decode(raw.encode("utf-8"))
    assert decoded.text == "第一条　总则\n（一）  全角空格与半角,混排\n第二条\n第三条\n第四条"


def test_a_few_gbk_characters_that_form_valid_utf8_are_not_read_as_utf8() -> None:
    # 通知 in GBK is CD A8 D6 AA, which is also valid UTF-8 (U+0368 U+05AA).
    assert decode("通知".encode("gbk")) == DecodedText("通知", "gb18030", "text", {})


def test_one_damaged_byte_in_a_long_gb18030_file_is_tolerated() -> None:
    data = TEXT[:3000].encode("gb18030") + b"\xff" + TEXT[3000:].encode("gb18030")
    decoded = decode(data)
    assert decoded.encoding == "gb18030"
    assert decoded.text.count("\ufffd") == 1
    assert ARTICLE_32 in decoded.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t ", "empty file"),
        (codecs.BOM_UTF16_LE + "  \n".encode("utf-16-le"), "empty file (no text after decoding)"),
        (zlib.compress(TEXT.encode("utf-8")), "binary data, not a text document"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary data (PNG image), not a text document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy Word .doc / Office binary file"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "binary data (gzip archive)"),
        (("\ufffd" * 40 + "第一条").encode("utf-8"), "text has 40 unreadable characters (\ufffd) as utf-8"),
        (b"abc\x01\x02\x03\x04\x05\x06\x07def", "binary data, not a text document (control"),
    ],
)
def test_bad_input_raises_a_one_line_decode_error(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(data)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_random_high_bytes_are_not_guessed() -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(5000))
    with pytest.raises(DecodeError, match="cannot tell the text encoding"):
        decode(noise)


def test_text_that_reads_equally_well_in_two_codepages_is_refused() -> None:
    with pytest.raises(DecodeError, match="both read plausibly"):
        decode("Café au lait, naïve résumé. ".encode("latin-1") * 20)


def test_size_cap_is_checked_before_anything_else() -> None:
    with pytest.raises(DecodeError) as caught:
        decode(b"\x00" * 2048, max_bytes=1024)
    assert str(caught.value) == "file is 2 KB, over the 1 KB cap (REGTRACK_MAX_INPUT_MB)"


def test_size_cap_message_in_megabytes() -> None:
    with pytest.raises(DecodeError) as caught:
        check_size(210 * 2**20, 100 * 2**20)
    assert str(caught.value) == "file is 210 MB, over the 100 MB cap (REGTRACK_MAX_INPUT_MB)"


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "media"),
    [
        (b"%PDF-1.7\n...", None, None, "pdf"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html></html>", "x.txt", None, "html"),
        (b"\n  <!-- saved page -->\n<HTML><body>x</body></HTML>", None, "text/plain", "html"),
        ("<html>".encode("utf-16-le"), None, None, "html"),
        (b"<p>fragment</p>", "page.htm", None, "html"),
        (b"<p>fragment</p>", None, "text/html; charset=gbk", "html"),
        ("第一条".encode(), "notes.txt", "application/pdf", "text"),
        ("第一条".encode(), None, None, "text"),
    ],
)
def test_sniffing_prefers_magic_bytes_then_name_then_type(
    data: bytes, filename: str | None, content_type: str | None, media: str
) -> None:
    assert sniff_media(data, filename=filename, content_type=content_type) == media


@pytest.mark.parametrize(
    ("filename", "content_type", "message"),
    [
        ("report.pdf", None, "file is labelled PDF but does not start like one"),
        (None, "application/pdf", "file is labelled PDF but does not start like one"),
        ("附件.docx", None, "file is labelled DOCX but does not start like one"),
    ],
)
def test_a_label_without_matching_magic_is_refused(
    filename: str | None, content_type: str | None, message: str
) -> None:
    with pytest.raises(DecodeError, match=message):
        decode("第一条 总则".encode(), filename=filename, content_type=content_type)


def test_zip_that_is_not_a_docx_is_refused(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "bundle.zip", {"附件1.txt": TEXT.encode()})
    with pytest.raises(DecodeError, match=r"zip archive that is not a Word \.docx"):
        decode(path.read_bytes())


# Common hanzi and punctuation of the sample, plus ASCII: what real documents are made of.
_ALPHABET = sorted(set(TEXT) - {"\r"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(alphabet=st.sampled_from(_ALPHABET), min_size=1, max_size=120),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"]),
)
def test_decoding_never_returns_a_wrong_text(text: str, encoding: str) -> None:
    """Either the exact text comes back, or DecodeError: never a silently wrong guess."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decoded = decode(data)
    except DecodeError:
        # Refusing is right for legacy encodings and for a few characters without a BOM.
        few = sum(1 for ch in text if not ch.isascii() and not ch.isspace()) < 6
        assert encoding in ("gb18030", "big5") or not text.strip() or (encoding == "utf-8" and few)
        return
    assert decoded.text == text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=60, deadline=None)
@given(start=st.integers(0, len(TEXT) - 400), length=st.integers(40, 400))
def test_gb18030_excerpts_of_forty_chars_or_more_are_always_decoded(start: int, length: int) -> None:
    excerpt = TEXT[start : start + length]
    if sum(1 for ch in excerpt if not ch.isascii()) < 20:
        return
    assert decode_plain(excerpt.encode("gb18030")) == (excerpt, "gb18030")


def test_plausibility_separates_right_and_wrong_decodings() -> None:
    gbk = TEXT.encode("gb18030")
    assert plausibility(TEXT) > 0.99
    assert plausibility(gbk.decode("big5hkscs", errors="replace")) < 0.6
    assert plausibility(gbk[: len(gbk) // 2 * 2].decode("utf-16-le", errors="replace")) < 0.1
