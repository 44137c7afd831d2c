"""Fixtures shared by the web tests: a seeded database, settings, an in-process client, an SMTP sink."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regtrack.settings import Settings
from storage.db import make_engine, upgrade
from tests.browser.seed import Seeded, make_settings, seed
from tests.support.smtp import SmtpSink, serve_smtp

ADMIN_TOKEN = "test-admin-token-5f1c"
SECRET_KEY = "test-secret-key-for-web-tests"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    """A SQLite file with every sample ingested (once per test session and worker)."""
    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "regtrack.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    ids = seed(engine, make_settings(url, folder))
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path, ids


@pytest.fixture
def seeded(seeded_template: tuple[Path, Seeded]) -> Seeded:
    return seeded_template[1]


@pytest.fixture
def seeded_url(seeded_template: tuple[Path, Seeded], tmp_path: Path) -> str:
    """A private copy of the seeded database (tests may write to it)."""
    path = tmp_path / "regtrack.db"
    shutil.copy(seeded_template[0], path)
    return f"sqlite:///{path}"


@pytest.fixture
def web_settings(seeded_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        seeded_url,
        tmp_path / "var",
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        base_url="http://testserver",
        smtp_url=None,
    )


@pytest.fixture
def client(web_settings: Settings) -> Iterator[TestClient]:
    from web.app import create_app

    app = create_app(web_settings)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def csrf_of(client: TestClient, path: str = "/subscribe") -> str:
    """Load a page with a form, so the client holds the CSRF cookie; returns the token."""
    response = client.get(path)
    token = client.cookies.get("regtrack_csrf")
    assert token, f"{path} did not set the CSRF cookie ({response.status_code})"
    return token


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server on 127.0.0.1 that keeps every message it receives."""
    with serve_smtp() as sink:
        yield sink


def body_text(message: Message) -> str:
    """The text/plain part of a message, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("message has no text/plain part")
