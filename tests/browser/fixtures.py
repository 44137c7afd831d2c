"""Fixtures shared by the web tests: a seeded database, settings, an in-process client, an SMTP sink."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regtrack.settings import Settings
from storage.db import make_engine, upgrade
from tests.browser.seed import Seeded, make_settings, seed

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def csrf_of(client: TestClient, path: str = "/subscribe") -> str:
    """Load a page with a form, so the client holds the CSRF cookie; returns the token."""
    response = client.get(path)
    token = client.cookies.get("regtrack_csrf")
    assert token, f"{path} did not set the CSRF cookie ({response.status_code})"
    return token


@dataclass
class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it receives."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def wait_for(self, predicate: Callable[[Message], bool], deadline_s: float = 20.0) -> Message:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if predicate(message):
                    return message
            time.sleep(0.05)
        raise AssertionError(f"no matching message within {deadline_s}s; got {len(self.messages)} messages")


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            sink.messages.append(message_from_bytes(envelope.original_content or envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def body_text(message: Message) -> str:
    """The text/plain part of a message, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("message has no text/plain part")
