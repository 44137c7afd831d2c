"""Hostile document text, end to end: a compilation whose articles carry HTML, JavaScript,
template and terminal markup is ingested through the real pipeline, amended, and then shown
everywhere regtrack shows text — web pages, the digest email, the Atom feed, the terminal.

Everywhere it must arrive as text: parsed as HTML, no page, mail or feed entry holds a script,
an image, an svg or an on* handler that the document brought, and the payload reads literally.
The per-channel tests (test_web_security.py, test_notify_core.py, test_diff_render.py) check
each renderer on a planted title; this one follows ingested article text through all of them.
"""

from __future__ import annotations

import dataclasses
import email
import json
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from fastapi.testclient import TestClient
from sqlalchemy import select

from regtrack.services import digests, ingest
from regtrack.settings import load_settings
from storage.db import make_engine, transaction
from storage.models import Document, VersionDiff
from tests.conftest import sample_path

SCRIPT = '<script>alert("regtrack")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(2)>'
TEMPLATE = "{{ 7*7 }}{% raw %}"
TERMINAL = "[bold red]假冒[/bold red]"
IN_TITLE = "<svg onload=alert(3)>"
PAYLOADS = (SCRIPT, IMAGE, SVG, TEMPLATE, TERMINAL, IN_TITLE)


def hostile_versions(folder: Path) -> tuple[Path, Path]:
    """Sample 003 with payloads in its title and an item, then a second version that adds more."""
    text = sample_path("003").read_text(encoding="utf-8")
    assert "（一）指导思想。" in text and "坚持预防" in text and "体系的意见》《" in text
    first = text.replace("体系的意见》《", f"体系的意见{IN_TITLE}》《", 1)
    first = first.replace("（一）指导思想。", f"（一）指导思想。{SCRIPT}{TEMPLATE}{TERMINAL}", 1)
    second = first.replace("坚持预防", f"坚持预防{IMAGE}{SVG}", 1)
    v1, v2 = folder / "hostile-v1.txt", folder / "hostile-v2.txt"
    v1.write_text(first, encoding="utf-8")
    v2.write_text(second, encoding="utf-8")
    return v1, v2


def brought_markup(html: str) -> list[str]:
    """Elements or handlers that came from the document's text (the page's own svg or icons do not count)."""
    soup = BeautifulSoup(html, "html.parser")
    found = [
        f"<{tag.name} {name}>"
        for tag in soup.find_all(True)
        for name in tag.attrs
        if name.lower().startswith("on")
    ]
    found += [f"<script>{tag.string}" for tag in soup.find_all("script") if "alert" in (tag.string or "")]
    found += [f"<img src={tag.get('src')}>" for tag in soup.find_all("img") if tag.get("src") == "x"]
    return found


def assert_inert_html(html: str, where: str) -> None:
    """Parsed as a browser would: nothing the document brought is live markup; its text reads literally."""
    assert brought_markup(html) == [], where
    text = BeautifulSoup(html, "html.parser").get_text()
    assert "alert(" in text, f"{where}: the payload is not shown at all"
    if "指导思想" in text:  # the amended item is on this page
        assert "{{ 7*7 }}" in text, f"{where}: a template expression was evaluated"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, object]:
    home = tmp_path_factory.mktemp("hostile")
    database = home / "regtrack.db"
    database.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{database}"
    settings = dataclasses.replace(
        load_settings(),
        database_url=url,
        var_dir=home / "var",
        smtp_url=None,
        secret_key="hostile-secret",
        base_url="http://testserver",
        admin_token=None,
        prefect_api_url=None,
    )
    engine = make_engine(url)
    reader = digests.subscribe(engine, settings, "reader@example.org", {}, "immediate")
    digests.confirm(engine, settings, reader.token)
    v1, v2 = hostile_versions(home)
    for version in (v1, v2):
        ingest.ingest_bytes(engine, version.read_bytes(), str(version), settings)
    digests.send_due(engine, settings, "immediate", datetime.now(UTC) + timedelta(hours=1), retry_delays=())
    with transaction(engine) as session:
        document_id = session.scalars(select(Document.id).where(Document.placeholder.is_(False))).one()
        diff_id = session.scalars(select(VersionDiff.id)).one()
    engine.dispose()
    return {"url": url, "settings": settings, "document": document_id, "diff": diff_id, "home": home}


def test_web_pages_show_hostile_text_as_text(hostile: dict[str, object]) -> None:
    from web.app import create_app

    app = create_app(hostile["settings"])  # type: ignore[arg-type]
    with TestClient(app) as client:
        for path in (
            f"/documents/{hostile['document']}",
            f"/diffs/{hostile['diff']}",
            f"/documents/{hostile['document']}/chain",
            "/documents?q=服务体系",
        ):
            page = client.get(path)
            assert page.status_code == 200, path
            assert_inert_html(page.text, path)
            if path.startswith("/diffs/"):  # the amendment itself, marked as inserted text
                assert IMAGE + SVG in BeautifulSoup(page.text, "html.parser").get_text()
        assert SCRIPT not in client.get(f"/documents/{hostile['document']}").text
    app.state.engine.dispose()


def test_the_digest_email_shows_hostile_text_as_text(hostile: dict[str, object]) -> None:
    outbox = Path(str(hostile["home"])) / "var" / "outbox"
    digests_sent = [p for p in outbox.glob("*.eml") if ".immediate." in p.name]
    assert len(digests_sent) == 1, sorted(p.name for p in outbox.glob("*"))
    message = email.message_from_bytes(digests_sent[0].read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert_inert_html(html, "digest HTML part")
    assert IMAGE + SVG in BeautifulSoup(html, "html.parser").get_text()  # the changed article is in it
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert IMAGE in plain  # plain text is not HTML: shown as written


def test_the_atom_feed_shows_hostile_text_as_text(hostile: dict[str, object]) -> None:
    engine = make_engine(str(hostile["url"]))
    feed = digests.atom(engine, hostile["settings"])  # type: ignore[arg-type]
    engine.dispose()
    root = ElementTree.fromstring(feed)  # well-formed XML, no DTD
    atom = "{http://www.w3.org/2005/Atom}"
    assert not [el for el in root.iter() if el.tag.split("}")[-1] in ("script", "img", "svg")]
    shown = []
    for entry in root.iter(f"{atom}entry"):
        shown.append(entry.findtext(f"{atom}title") or "")
        for part in (entry.find(f"{atom}content"), entry.find(f"{atom}summary")):
            if part is not None and part.text:
                if part.get("type") == "html":  # readers render it: it must be inert HTML
                    assert brought_markup(part.text) == []
                    shown.append(BeautifulSoup(part.text, "html.parser").get_text())
                else:
                    shown.append(part.text)
    assert any(IN_TITLE in text for text in shown), "the feed does not show the hostile title as text"


def test_the_terminal_shows_hostile_text_as_written(cli, hostile: dict[str, object]) -> None:
    shown = cli("--db", str(hostile["url"]), "show", str(hostile["document"]))
    assert shown.exit_code == 0, shown.stderr
    for payload in PAYLOADS:
        assert payload in shown.stdout, payload  # rich markup was not interpreted, nothing dropped
    as_json = json.loads(cli("--db", str(hostile["url"]), "show", str(hostile["document"]), "--json").stdout)
    assert any(SCRIPT in article["text"] for article in as_json["articles"])
