"""One language per surface: every page, digest and feed a reader sees of the ingested samples is
Chinese throughout, parse notices included; no compilation is named by its (hashed) file name.

English that belongs on a Chinese page is left out before scanning: code and preformatted text,
a compilation's own lines printed as they are (a gazette's English masthead), URLs, e-mail addresses and document numbers (GB/T 39725—2020, WS/T 347). What remains may not hold
a run of three ASCII words, which is how an English sentence shows itself.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import re
from html import unescape

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from regtrack.services import digests
from storage.db import make_engine
from tests.browser.fixtures import (  # noqa: F401
    ADMIN_TOKEN,
    client,
    seeded,
    seeded_template,
    seeded_url,
    web_settings,
)
from tests.browser.seed import Seeded

_WORD = r"(?:[A-Za-z][A-Za-z'’-]*|\d+)"
ENGLISH_RUN = re.compile(rf"\b{_WORD}(?:[ ,;:.()]+{_WORD})+\b")
_ALPHA = re.compile(r"[A-Za-z]{2,}")
HASHED_FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
_ALLOWED = (
    re.compile(r"https?://\S+"),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"\b[A-Z]{1,4}(?:/[A-Z])?\s*[\d.]+(?:[—–-]\d{4})?"),  # standards: GB/T 39725—2020
)


def english_runs(html: str) -> list[str]:
    """Runs of ASCII words and numbers, three of the words at least, in the text a reader sees."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "code", "pre", "kbd", "samp", "head"]):
        hidden.decompose()
    for quoted in soup.select(".source-lines"):  # a compilation's own text, printed as it is
        quoted.decompose()
    text = unescape(soup.get_text(" "))
    for pattern in _ALLOWED:
        text = pattern.sub(" ", text)
    return [run for run in ENGLISH_RUN.findall(text) if len(_ALPHA.findall(run)) >= 3]


def shown_names(html: str) -> str:
    """The page's text without the places that show where a compilation came from (its file)."""
    soup = BeautifulSoup(html, "html.parser")
    for origin in soup.select(".origin"):
        origin.decompose()
    return soup.get_text(" ")


def test_the_scanner_finds_an_english_sentence_and_passes_chinese() -> None:
    assert english_runs("<p>contents line 38: title differs</p>") == ["contents line 38: title differs"]
    assert english_runs("<p>目录第 38 行的标题不一致 <code>regtrack ingest file.txt now</code></p>") == []
    assert english_runs("<p>见 https://example.org/a b 与 GB/T 39725—2020</p>") == []


def _reader_pages(client: TestClient, seeded: Seeded) -> list[str]:
    home = client.get("/").text
    compilations = sorted(set(re.findall(r'href="(/compilations/\d+)"', home)))
    assert compilations, "the home page links no compilation"
    documents = [seeded.headline_id, seeded.predecessor_id, seeded.amended_id]
    paths = ["/", "/documents", "/documents?q=卫生", "/subscribe", *compilations]
    paths += [f"/compilations/{compilations[0].rsplit('/', 1)[1]}?line=38"]
    for doc_id in documents:
        paths += [
            f"/documents/{doc_id}",
            f"/documents/{doc_id}/chain",
            f"/documents/{doc_id}?as_of=2011-01-01",
        ]
    paths += [f"/diffs/{seeded.version_diff_id}"]
    return paths


def test_every_page_of_the_samples_speaks_chinese(client: TestClient, seeded: Seeded) -> None:
    found = {}
    for path in _reader_pages(client, seeded):
        response = client.get(path)
        assert response.status_code == 200, path
        if runs := english_runs(response.text):
            found[path] = runs[:5]
        assert not HASHED_FILE_NAME.search(shown_names(response.text)), path
    assert found == {}


def test_the_admin_page_speaks_chinese(client: TestClient) -> None:
    client.get("/admin")
    token = client.cookies.get("regtrack_csrf")
    login = client.post(
        "/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": token}, follow_redirects=True
    )
    assert login.status_code == 200 and "汇编与解析报告" in login.text
    assert english_runs(login.text) == []
    assert not HASHED_FILE_NAME.search(shown_names(login.text))


@pytest.mark.parametrize("part", ["html", "text"])
def test_the_digest_and_the_feed_speak_chinese(web_settings, part: str) -> None:
    engine = make_engine(web_settings.database_url)
    try:
        digests.subscribe(engine, web_settings, "analyst@example.org", None, "monthly")
        preview = digests.preview(engine, web_settings, "analyst@example.org")
        feed = digests.atom(engine, web_settings)
    finally:
        engine.dispose()
    body = (
        preview.rendered.html if part == "html" else preview.rendered.subject + "\n" + preview.rendered.text
    )
    assert "国卫医急发〔2024〕11号" in body
    assert english_runs(body) == []
    feed_text = feed.decode("utf-8")
    assert english_runs(BeautifulSoup(feed_text, "html.parser").get_text(" ")) == []
    assert not HASHED_FILE_NAME.search(body + feed_text)
