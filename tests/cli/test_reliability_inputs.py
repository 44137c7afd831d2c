"""Bad input through `regtrack ingest`, end to end: one `error:` line, exit 1, and the database
exactly as it was (every row of every table compared), on SQLite and PostgreSQL.

The decoders' own tests (test_decode*.py, test_fetch.py) prove each message; these prove the
promise at the edge a user meets: nothing is half-stored and nothing leaks a traceback.
"""

from __future__ import annotations

import codecs
import gzip
import json
import random
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import sample_path
from tests.support.builders import (
    body_paragraphs,
    build_corrupt_pdf,
    build_docx,
    build_image_only_pdf,
    build_pdf,
    build_raw_pdf,
    build_truncated_pdf,
    build_zip,
    sample_text,
)
from tests.support.reliability import assert_one_error_line, fingerprint
from tests.support.sites import Site, serve_site

Builder = Callable[[Path], Path]


def _write(name: str, data: bytes) -> Builder:
    def build(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return build


def _pdf(kind: str) -> Builder:
    def build(tmp: Path) -> Path:
        paragraphs = body_paragraphs()[:8]
        if kind == "encrypted":
            return build_pdf(tmp / "encrypted.pdf", paragraphs, encrypt="secret")
        if kind == "truncated":
            return build_truncated_pdf(build_pdf(tmp / "whole.pdf", paragraphs), tmp / "truncated.pdf")
        if kind == "corrupt":
            return build_corrupt_pdf(tmp / "corrupt.pdf")
        if kind == "scanned":
            return build_image_only_pdf(tmp / "scanned.pdf")
        return build_raw_pdf(tmp / "bomb.pdf", b" " * (65 * 2**20))  # 65 MB of page in ~64 KB

    return build


def _docx_bomb(tmp: Path) -> Path:
    """A real .docx plus 520 MB of zeros that deflate to well under a megabyte."""
    path = build_docx(tmp / "real.docx", body_paragraphs()[:5])
    bomb = tmp / "bomb.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, source.read(name))
        with out.open("word/media/filler.bin", "w", force_zip64=True) as filler:
            chunk = bytes(4 << 20)
            for _ in range(130):  # 520 MB, over the 512 MB cap
                filler.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    return bomb


def _sparse(size: int) -> Builder:
    def build(tmp: Path) -> Path:
        path = tmp / "huge.txt"
        with path.open("wb") as handle:  # sparse: 200 MB that take no disk
            handle.truncate(size)
        return path

    return build


_TEXT = sample_text()
_RNG = random.Random(7)
_NOISE = bytes(_RNG.randrange(0x80, 0x100) for _ in range(5000))

BAD_FILES: list[tuple[str, Builder, str]] = [
    ("empty", _write("empty.txt", b""), "empty file"),
    ("blank", _write("blank.txt", b" \r\n\t\n  "), "empty file"),
    ("binary", _write("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), "binary data (PNG image)"),
    ("control-bytes", _write("dump.txt", bytes(range(32)) * 64), "binary data"),
    ("unknown-encoding", _write("noise.txt", _NOISE), "cannot tell the text encoding"),
    ("utf-32-without-bom", _write("utf32.txt", _TEXT.encode("utf-32-le")), "binary data"),
    ("legacy-word", _write("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)), "legacy Word .doc"),
    ("gzip-archive", _write("c.txt.gz", gzip.compress(_TEXT.encode())), "unpack it first"),
    ("zip-archive", lambda tmp: build_zip(tmp / "c.zip", {"c.txt": _TEXT.encode() * 50}), "unpack it first"),
    ("named-pdf-but-not", _write("c.pdf", _TEXT.encode()), "labelled PDF but does not start like one"),
    ("pdf-truncated", _pdf("truncated"), "PDF is truncated"),
    ("pdf-corrupt", _pdf("corrupt"), "PDF is corrupt"),
    ("pdf-encrypted", _pdf("encrypted"), "PDF is encrypted (password protected)"),
    ("pdf-scanned", _pdf("scanned"), "PDF has no text layer"),
    ("pdf-bomb", _pdf("bomb"), "a PDF bomb?"),
    ("docx-zip-bomb", _docx_bomb, "a zip bomb?"),
    (
        "html-only-scripts",
        _write(
            "page.html",
            b"<html><head><script>alert(1)</script></head><body>"
            b"<script>document.write('<p>x</p>')</script><style>p{}</style></body></html>",
        ),
        "empty file (no text after decoding)",
    ),  # fmt: skip
    ("200-MB-file", _sparse(200 * 2**20), "is 200 MB, over the 100 MB cap (REGTRACK_MAX_INPUT_MB)"),
]


@pytest.fixture
def seeded(cli, db_url: str) -> Iterator[str]:
    """A database holding sample 003, so that 'unchanged' is not trivially 'empty'."""
    done = cli("--db", db_url, "ingest", str(sample_path("003")))
    assert done.exit_code == 0, done.stderr
    yield db_url


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each bad file built once for both backends."""
    made = {}
    for case, build, _fragment in BAD_FILES:
        made[case] = build(tmp_path_factory.mktemp(case))
    return made


@pytest.mark.parametrize(
    ("case", "fragment"), [(c, f) for c, _, f in BAD_FILES], ids=[c for c, _, _ in BAD_FILES]
)
def test_bad_file_is_one_error_line_and_the_database_is_as_it_was(
    cli, seeded: str, bad_files: dict[str, Path], case: str, fragment: str
) -> None:
    path = bad_files[case]
    before = fingerprint(seeded)
    result = cli("--db", seeded, "ingest", str(path))
    assert_one_error_line(result.exit_code, result.stderr, fragment)
    assert fingerprint(seeded) == before


def test_the_size_cap_is_a_setting(cli, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "two-copies-of-001.txt"
    big.write_bytes(sample_path("001").read_bytes() * 2)  # 1.3 MB of real text
    before = fingerprint(seeded)
    monkeypatch.setenv("REGTRACK_MAX_INPUT_MB", "1")
    result = cli("--db", seeded, "ingest", str(big))
    assert_one_error_line(
        result.exit_code, result.stderr, "is 1 MB, over the 1 MB cap (REGTRACK_MAX_INPUT_MB)"
    )
    assert fingerprint(seeded) == before


def test_paths_outside_the_allowed_folders_are_refused(
    cli, seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = tmp_path / "inbox"
    inside.mkdir()
    (inside / "ok.txt").write_bytes(sample_path("004").read_bytes())
    (inside / "link.txt").symlink_to(sample_path("002").resolve())
    monkeypatch.setenv("REGTRACK_ALLOWED_ROOTS", str(inside))
    before = fingerprint(seeded)
    for ref, fragment in (
        (str(sample_path("002")), "outside the allowed folders"),
        (str(inside / ".." / ".." / sample_path("002").name), "no such file"),
        (str(inside / "link.txt"), "outside the allowed folders"),  # a symlink is judged by its target
        ("/etc/passwd", "outside the allowed folders"),
        ("file:///etc/passwd", "unsupported URL scheme"),
        ("/nonexistent/compilation.txt", "no such file"),
    ):
        result = cli("--db", seeded, "ingest", ref)
        assert_one_error_line(result.exit_code, result.stderr, fragment)
        assert fingerprint(seeded) == before, ref
    assert cli("--db", seeded, "ingest", str(inside / "ok.txt")).exit_code == 0  # inside is fine


@pytest.fixture
def local_server() -> Iterator[Site]:
    with serve_site() as site:
        site.put_sample("/c.txt", "003")
        yield site


def test_urls_of_private_and_loopback_addresses_are_refused_without_a_request(
    cli, seeded: str, local_server: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, port = fingerprint(seeded), local_server.port
    for url, fragment in (
        (f"http://127.0.0.1:{port}/c.txt", "loopback address"),
        (f"http://localhost:{port}/c.txt", "loopback address"),
        (f"http://2130706433:{port}/c.txt", "loopback address"),  # 127.0.0.1 written as one number
        (f"http://[::ffff:127.0.0.1]:{port}/c.txt", "loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address"),  # cloud metadata
        ("http://10.1.2.3/c.txt", "private address"),
        ("http://[fd00::1]/c.txt", "private address"),
        ("http://0.0.0.0/c.txt", "unspecified address"),
    ):
        result = cli("--db", seeded, "ingest", url)
        assert_one_error_line(result.exit_code, result.stderr, fragment)
    assert local_server.paths() == []  # refused before connecting, not after
    assert fingerprint(seeded) == before
    monkeypatch.setenv("REGTRACK_ALLOW_PRIVATE_URLS", "1")  # explicitly allowed: then it is fetched
    assert cli("--db", seeded, "ingest", f"http://127.0.0.1:{port}/c.txt").exit_code == 0
    assert local_server.paths() == ["/c.txt"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title>
<link>%s</link></item></channel></rss>"""


def test_a_feed_with_entity_expansion_is_refused_and_nothing_it_names_is_ingested(
    cli, seeded: str, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(BILLION_LAUGHS % sample_path("004").resolve().as_uri().encode())
    assert cli("--db", seeded, "sources", "add", str(feed), "--kind", "feed").exit_code == 0
    before = {line for line in fingerprint(seeded) if not line.startswith('{"table": "sources"')}
    result = cli("--db", seeded, "sources", "poll", "--json")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "refused" in result.stdout and "DTD" in result.stdout
    after = fingerprint(seeded)
    assert {line for line in after if not line.startswith('{"table": "sources"')} == before
    (source,) = [line for line in after if line.startswith('{"table": "sources"')]
    assert "refused" in source  # the reason is kept on the source for the operator


def test_an_html_page_with_scripts_is_stored_without_them(cli, seeded: str, tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in _TEXT.split("\n") if line.strip())
    page = tmp_path / "notice.html"
    page.write_text(
        "<html><head><script>window.stolen = document.cookie</script></head><body>"
        "<script>document.write('第一条 恶意脚本')</script><div id='zoom'>"
        f"{paragraphs}<img src=x onerror=\"alert('xss')\"><iframe src='javascript:alert(1)'></iframe>"
        "</div><noscript>请启用脚本</noscript></body></html>",
        encoding="utf-8",
    )
    result = cli("--db", seeded, "ingest", str(page), "--json")
    assert result.exit_code == 0, result.stderr
    stored = "\n".join(fingerprint(seeded))
    text_rows = [
        line
        for line in stored.split("\n")
        if line.startswith(('{"table": "document_versions"', '{"table": "articles"'))
    ]
    assert any("第三十二条" in row for row in text_rows)
    assert not any(
        bad in row for row in text_rows for bad in ("stolen", "恶意脚本", "alert", "onerror", "<script")
    )


def test_malformed_doc_numbers_and_dates_in_arguments_are_one_line(cli, seeded: str) -> None:
    before = fingerprint(seeded)
    for args, fragment in (
        (["show", "国卫医急发〔2024〕号"], "no document matches"),
        (["show", "〔〕"], "no document matches"),
        (["documents", "--as-of", "2024-02-30"], "--as-of takes a date like 2024-05-01"),
        (["chain", "1", "--as-of", "二〇二四年"], "--as-of takes a date"),
        (["relations", "add", "1", "1", "--kind", "repeals", "--effective-date", "2024-13-01"], "2024-13-01"),
    ):
        result = cli("--db", seeded, *args)
        assert_one_error_line(result.exit_code, result.stderr, fragment)
    assert fingerprint(seeded) == before


def test_malformed_doc_numbers_and_dates_inside_a_document_are_left_empty_never_guessed(
    cli, db_url: str, tmp_path: Path
) -> None:
    text = (
        _TEXT.replace("发文字号： 国卫医急发〔2024〕11号", "发文字号： 国卫医急发〔2024〕号")
        .replace("国卫医急发〔2024〕11号\n", "国卫医急发〔二〇二四〕十一号\n")
        .replace("发布日期： 2024年3月22日", "发布日期： 2024年2月30日")
    )
    assert text.count("〔2024〕11号") == 0
    path = tmp_path / "malformed.txt"
    path.write_text(text, encoding="utf-8")
    ingested = cli("--db", db_url, "ingest", str(path), "--json")
    assert ingested.exit_code == 0, ingested.stderr
    warnings = json.loads(ingested.stdout)["compilations"][0]["warnings"]
    assert any("发布日期 “2024年2月30日” is not a valid date; left empty" in w for w in warnings), warnings
    assert any("文号 “国卫医急发〔2024〕号” is not in a known form; kept as written" in w for w in warnings)
    shown = cli("--db", db_url, "show", "关于印发国家卫生应急队伍管理办法的通知", "--json")
    assert shown.exit_code == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["published_date"] is None  # 2月30日 does not exist: no date rather than a wrong one
    assert doc["written_date"] == "2024-03-19"  # from the signature block under the body
    assert len(doc["articles"]) == 32


def test_unknown_encodings_are_refused_and_known_ones_read(cli, seeded: str, tmp_path: Path) -> None:
    """The boundary between 'unexpected encoding' and 'another encoding we read' (GB18030, UTF-16)."""
    for name, data in (
        ("gb18030.txt", _TEXT.encode("gb18030")),
        ("utf16.txt", codecs.BOM_UTF16_LE + _TEXT.encode("utf-16-le")),
    ):
        (tmp_path / name).write_bytes(data)
        result = cli("--db", seeded, "ingest", str(tmp_path / name), "--json")
        assert result.exit_code == 0, (name, result.stderr)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("REGTRACK_PAGE_CACHE_MB", "abc", "REGTRACK_PAGE_CACHE_MB takes a whole number, not 'abc'"),
        ("REGTRACK_FETCH_TIMEOUT_S", "soon", "REGTRACK_FETCH_TIMEOUT_S takes a number, not 'soon'"),
    ],
)
def test_a_numeric_setting_that_is_no_number_is_one_line(
    cli, db_url: str, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = cli("--db", db_url, "documents")
    assert_one_error_line(result.exit_code, result.stderr, message)
