"""Word .docx attachments: paragraphs and table rows in document order; broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.decode import decode
from ingest.docx import docx_to_text
from ingest.errors import DecodeError
from tests.support.builders import ARTICLE_32, body_paragraphs, build_docx, build_zip

PARAGRAPHS = body_paragraphs()


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_docx(tmp_path_factory.mktemp("docx") / "管理办法.docx", PARAGRAPHS)


def test_docx_paragraphs_then_table_rows_then_closing_line_in_order(docx_path: Path) -> None:
    decoded = decode(docx_path.read_bytes(), filename=docx_path.name)
    assert (decoded.media, decoded.encoding) == ("docx", "docx")
    assert decoded.text.split("\n") == [
        *PARAGRAPHS,
        "附件1 国家卫生应急队伍人员构成要求",
        "类别\t人数\t说明",
        "应急管理\t30人以上\t设队长1名",
        "后备人员\t30人以上",
        "合计不少于60人",
        "（信息公开形式：主动公开）",
    ]
    assert ARTICLE_32 in decoded.text.split("\n")


def test_docx_is_sniffed_without_a_name(docx_path: Path) -> None:
    assert decode(docx_path.read_bytes()).media == "docx"


def test_docx_with_a_broken_document_part(tmp_path: Path, docx_path: Path) -> None:
    import zipfile

    members = {}
    with zipfile.ZipFile(docx_path) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    members["word/document.xml"] = members["word/document.xml"][:500]
    broken = build_zip(tmp_path / "broken.docx", members)
    with pytest.raises(DecodeError, match=r"^Word file is corrupt and cannot be read \(XMLSyntaxError\)$"):
        decode(broken.read_bytes())


def test_zip_with_only_a_document_part_is_not_a_word_package(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "bare.docx", {"word/document.xml": b"<w:document/>"})
    with pytest.raises(DecodeError, match=r"^Word file is corrupt and cannot be read \(\w+\)$"):
        decode(path.read_bytes())


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    with pytest.raises(DecodeError, match="^Word file has no text$"):
        decode(path.read_bytes())


def test_declared_unzipped_size_over_the_cap_is_a_zip_bomb(tmp_path: Path, docx_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, source.read(name))
        with out.open("word/media/filler.bin", "w", force_zip64=True) as filler:
            chunk = bytes(1 << 20)
            for _ in range(3):
                filler.write(chunk)
    assert path.stat().st_size < 100_000
    with pytest.raises(DecodeError, match=r"^Word file unzips to 3 MB, over the 2 MB cap: a zip bomb\?$"):
        docx_to_text(path.read_bytes(), max_unzipped_bytes=2 * 2**20)
