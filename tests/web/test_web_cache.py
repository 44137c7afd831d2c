"""The page cache: a kept page is served without touching the data, and any committed write —
from another engine, as a scheduled ingest in another process would make it — is seen at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from regtrack.services import ingest
from storage.dataversion import VersionReader
from storage.db import make_engine, transaction
from storage.models import Document, Subscriber
from tests.browser.seed import make_settings, sample
from web.app import create_app
from web.security import CSRF_COOKIE

SENTENCE, AMENDED = "到2025年，医疗卫生服务", "到2026年，医疗卫生服务"  # sample 003


@pytest.fixture
def site(db_url: str, engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, list[str], int]]:
    """A client over sample 003, the SQL its app runs, and the 003 document's id."""
    settings = make_settings(db_url, tmp_path / "var", secret_key="k")
    ingest.ingest_bytes(engine, sample("003").read_bytes(), "003.txt", settings)
    with transaction(engine) as session:
        document_id = session.scalars(select(Document.id).where(Document.placeholder.is_(False))).first()
    app = create_app(settings)
    statements: list[str] = []
    event.listen(app.state.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with TestClient(app) as client:
        yield client, statements, int(document_id)
    app.state.engine.dispose()


def test_a_kept_page_is_not_rendered_again_and_a_write_elsewhere_shows_at_once(
    site: tuple[TestClient, list[str], int], db_url: str, tmp_path: Path
) -> None:
    client, statements, document_id = site
    first = client.get(f"/documents/{document_id}")
    assert first.status_code == 200 and SENTENCE in first.text
    rendered = len(statements)
    assert rendered > 3  # rendering reads the document, its versions, relations...

    statements.clear()
    again = client.get(f"/documents/{document_id}")
    assert again.text == first.text and again.headers["etag"] == first.headers["etag"]
    assert statements == []  # no rendering (the version is read on a raw DBAPI connection)
    assert "default-src 'self'" in again.headers["content-security-policy"]

    # Another process (here: another engine) ingests a second version of the document.
    other = make_engine(db_url)
    try:
        amended = sample("003").read_text(encoding="utf-8").replace(SENTENCE, AMENDED, 1)
        settings = make_settings(db_url, tmp_path / "var2", secret_key="k")
        ingest.ingest_bytes(other, amended.encode(), "003-amended.txt", settings)
    finally:
        other.dispose()
    after = client.get(f"/documents/{document_id}")
    assert AMENDED in after.text and after.headers["etag"] != first.headers["etag"]


def test_junk_query_parameters_neither_render_nor_evict(site: tuple[TestClient, list[str], int]) -> None:
    """Parameters no route reads change nothing on a page: they share its kept copy, so a crawler
    (or an attacker) appending ?x=1, ?x=2… cannot force renders or push real pages out."""
    client, statements, document_id = site
    first = client.get(f"/documents/{document_id}")
    statements.clear()
    for n in range(50):
        junk = client.get(f"/documents/{document_id}?utm_source=x&n={n}")
        assert junk.status_code == 200 and junk.headers["etag"] == first.headers["etag"]
    assert statements == []
    # A parameter the page reads is a page of its own.
    dated = client.get(f"/documents/{document_id}?as_of=2020-01-01&junk=1")
    assert dated.status_code == 200 and statements != []
    statements.clear()
    assert client.get(f"/documents/{document_id}?as_of=2020-01-01").text == dated.text
    assert statements == []


def test_revalidation_and_what_is_never_kept(site: tuple[TestClient, list[str], int]) -> None:
    client, _, document_id = site
    page = client.get(f"/documents/{document_id}/chain")
    assert CSRF_COOKIE not in page.headers.get("set-cookie", "")  # a page without a form
    unchanged = client.get(f"/documents/{document_id}/chain", headers={"If-None-Match": page.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    stale = client.get(f"/documents/{document_id}/chain", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.text == page.text

    form = client.get("/subscribe")  # a form: its CSRF cookie belongs to one browser
    assert CSRF_COOKIE in form.headers["set-cookie"] and "etag" not in form.headers
    missing = client.get("/documents/999999")
    assert missing.status_code == 404 and "etag" not in missing.headers


def test_writes_bump_the_data_version_and_reads_or_rollbacks_do_not(engine: Engine) -> None:
    version = VersionReader(engine)  # as the page cache reads it
    try:
        before = version.read()
        with transaction(engine) as session:
            session.scalars(select(Document)).all()
        assert version.read() == before  # a read-only unit of work

        with transaction(engine, write=True) as session:
            session.add(Subscriber(email="a@example.org"))
        assert version.read() == before + 1

        with pytest.raises(RuntimeError), transaction(engine, write=True) as session:
            session.add(Subscriber(email="b@example.org"))
            session.flush()
            raise RuntimeError("abandoned")
        assert version.read() == before + 1
        with transaction(engine) as session:
            assert session.scalars(select(Subscriber.email)).all() == ["a@example.org"]
    finally:
        version.close()


@pytest.mark.postgres
def test_pages_survive_the_loss_of_the_version_connection(pg_engine: Engine, tmp_path: Path) -> None:
    """PostgreSQL restarted, or an admin killed the cache's connection: the next request reconnects."""
    from tests.conftest import _truncate_pg

    _truncate_pg(pg_engine)
    url = pg_engine.url.render_as_string(hide_password=False)
    app = create_app(make_settings(url, tmp_path / "var", secret_key="k"))
    try:
        with TestClient(app) as client:
            assert client.get("/documents").status_code == 200  # the version connection is open now
            with pg_engine.connect() as conn:
                killed = conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND query LIKE '%%data_version%%'"
                ).all()
            assert killed, "the page cache's connection was not found"
            again = client.get("/documents")
            assert again.status_code == 200 and "份文件" in again.text
            statements: list[str] = []
            event.listen(app.state.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            assert client.get("/documents").text == again.text
            assert statements == []  # served from the cache: the version is read again
    finally:
        app.state.engine.dispose()
