"""Secrets never reach logs, output or stored rows: the database password, the SMTP password,
REGTRACK_SECRET_KEY and REGTRACK_ADMIN_TOKEN, through the failures most likely to print them
(an unreachable database, a mail server that is down, a wrong admin token at the web login).

Everything a person or a log collector could read is gathered: stdout, stderr, every log
record at DEBUG (caplog), HTTP response bodies and headers, and every stored row.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regtrack.services import digests, ingest
from regtrack.settings import load_settings
from storage.db import make_engine
from tests.conftest import sample_path
from tests.support.net import free_port, wait_until
from tests.support.reliability import fingerprint

DB_PASSWORD = "db-pw-7Hq2Lr"
SMTP_PASSWORD = "smtp-pw-Z9x4Mn"
SECRET_KEY = "secret-key-Kd83Pw"
ADMIN_TOKEN = "admin-token-Vb61Qs"
SECRETS = (DB_PASSWORD, SMTP_PASSWORD, SECRET_KEY, ADMIN_TOKEN)


def assert_no_secret(where: str, *texts: str) -> None:
    for text in texts:
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, f"{leaked} in {where}: {text[:300]!r}"


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    monkeypatch.setenv("REGTRACK_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("REGTRACK_ADMIN_TOKEN", ADMIN_TOKEN)
    caplog.set_level(logging.DEBUG)
    return caplog


def test_an_unreachable_database_is_reported_without_its_password(cli, secret_env) -> None:
    results = [
        cli("--db", f"postgresql+psycopg://ops:{DB_PASSWORD}@127.0.0.1:{free_port()}/regtrack", "documents"),
        cli("--db", f"postgresql://ops:{DB_PASSWORD}@127.0.0.1:5432/no_such_database", "documents"),
        cli("--db", f"mysql://ops:{DB_PASSWORD}@127.0.0.1/regtrack", "documents"),
    ]
    for result in results:
        assert result.exit_code == 1 and result.stderr.startswith("error: "), result.stderr
        assert_no_secret("CLI output", result.stdout, result.stderr)
    assert_no_secret("logs", secret_env.text)


def test_a_database_url_that_cannot_be_parsed_is_reported_without_its_password(cli, secret_env) -> None:
    result = cli("--db", f"ops:{DB_PASSWORD}@127.0.0.1/regtrack", "documents")
    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    assert_no_secret("CLI output", result.stderr)


def test_a_database_url_with_a_bad_port_is_a_named_error(cli, secret_env) -> None:
    result = cli("--db", f"postgresql://ops:{DB_PASSWORD}@127.0.0.1:port/regtrack", "documents")
    assert result.exit_code == 1 and result.stderr.startswith("error: "), result.stderr


def test_a_mail_server_that_is_down_is_reported_and_recorded_without_its_password(
    cli, secret_env, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = f"smtp://ops:{SMTP_PASSWORD}@127.0.0.1:{free_port()}?timeout=2"
    settings = dataclasses.replace(
        load_settings(), database_url=db_url, var_dir=tmp_path / "var", smtp_url=None, secret_key=SECRET_KEY
    )
    engine = make_engine(db_url)
    try:
        reader = digests.subscribe(engine, settings, "reader@example.org", {}, "immediate")
        digests.confirm(engine, settings, reader.token)
        sample = sample_path("003")
        ingest.ingest_bytes(engine, sample.read_bytes(), str(sample), settings)
        report = digests.send_due(
            engine,
            dataclasses.replace(settings, smtp_url=down),
            "immediate",
            datetime.now(UTC) + timedelta(hours=1),
            retry_delays=(),
        )
    finally:
        engine.dispose()
    assert report.left_pending == 1 and report.errors  # the failure is there, and said
    assert "cannot connect to smtp://127.0.0.1" in report.errors[0]
    stored = fingerprint(db_url)
    assert any("cannot connect to smtp://127.0.0.1" in row for row in stored)  # deliveries.last_error
    assert_no_secret("the send report", *report.errors)
    assert_no_secret("stored rows", *stored)
    # A confirmation mail through the same server, from the command line.
    monkeypatch.setenv("REGTRACK_SMTP_URL", down)
    result = cli("--db", db_url, "subscribe", "second@example.org")
    assert result.exit_code == 1 and "confirmation email was not sent" in result.stderr
    assert_no_secret("CLI output", result.stdout, result.stderr)
    assert_no_secret("logs", secret_env.text)
    assert_no_secret(
        "outbox", *(p.read_text(errors="replace") for p in (tmp_path / "var").rglob("*") if p.is_file())
    )


def test_web_admin_login_and_actions_never_echo_or_log_the_token(
    secret_env, tmp_path: Path, sqlite_template: Path
) -> None:
    from web.app import create_app

    database = tmp_path / "web.db"
    database.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{database}"
    settings = dataclasses.replace(
        load_settings(),
        database_url=url,
        var_dir=tmp_path / "var",
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        smtp_url=f"smtp://ops:{SMTP_PASSWORD}@127.0.0.1:{free_port()}?timeout=2",
        prefect_api_url=None,
    )
    engine = make_engine(url)
    sample = sample_path("003")
    ingest.ingest_bytes(engine, sample.read_bytes(), str(sample), settings)
    engine.dispose()
    app = create_app(settings)
    seen: list[str] = []
    with TestClient(app) as client:

        def keep(response) -> None:  # type: ignore[no-untyped-def]
            seen.append(response.text)
            seen.extend(f"{k}: {v}" for k, v in response.headers.items())

        keep(client.get("/admin"))
        csrf = client.cookies.get("regtrack_csrf")
        assert csrf
        keep(client.post("/admin/login", data={"token": "not-the-token", "csrf_token": csrf}))
        keep(client.post("/admin/reingest", headers={"Authorization": "Bearer not-the-token"}))
        keep(
            login := client.post(
                "/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": csrf}, follow_redirects=False
            )
        )
        assert login.status_code == 303
        keep(client.get("/admin"))
        bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        keep(started := client.post("/admin/reingest", data={"compilation_id": "1"}, headers=bearer))
        assert started.status_code == 202
        job = started.json()["job"]["id"]

        def finished() -> dict | None:
            state = client.get(f"/admin/jobs/{job}", headers=bearer).json()
            return state if state["status"] != "running" else None

        state = wait_until(finished, 120, "the re-ingest job to finish", every=0.05)
        seen.append(str(state))
        keep(
            client.post(
                "/subscribe", data={"email": "web@example.org", "frequency": "monthly", "csrf_token": csrf}
            )
        )
    app.state.engine.dispose()
    assert_no_secret("HTTP responses", *seen)
    assert_no_secret("logs", secret_env.text)
    assert_no_secret("stored rows", *fingerprint(url))


# Public forms that change state: each is CSRF-protected or carries a signed per-address token.
PUBLIC_WRITES = {
    "/admin/login", "/admin/logout", "/subscribe", "/confirm/{token}", "/unsubscribe/{token}", "/manage/{token}",
}  # fmt: skip


def test_every_other_state_changing_route_needs_the_admin_token() -> None:
    """Re-ingest is the web's only admin action (relations and sources are changed from the CLI,
    which is local operator access); any route that writes and is not a public form must require admin."""
    from fastapi.routing import APIRoute

    from web.app import ROUTERS
    from web.routes.admin import require_admin

    writes = {}
    for module in ROUTERS:
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.methods - {"GET", "HEAD", "OPTIONS"}:
                writes[route.path] = {d.call for d in route.dependant.dependencies}
    assert set(writes) >= PUBLIC_WRITES
    needs_admin = {path for path, deps in writes.items() if require_admin in deps}
    assert set(writes) - PUBLIC_WRITES == needs_admin and "/admin/reingest" in needs_admin
