"""The subscribe form cannot be made into a mail cannon or a phishing relay: limits per address
and per client held in the database, nothing typed into the form in the mail to an unconfirmed
address, short fields, confirmation links that confirm one subscription once and expire, and a
hung mail server that does not freeze the site."""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select

from notifications.errors import BadToken
from notifications.tokens import make_token
from regtrack.services import digests
from regtrack.settings import Settings
from storage.db import make_engine, transaction
from storage.models import Subscription
from tests.browser.fixtures import (  # noqa: F401
    body_text,
    csrf_of,
    seeded,
    seeded_template,
    seeded_url,
    smtp_sink,
    web_settings,
)
from tests.support.net import wait_until
from tests.support.smtp import SmtpSink
from web.app import create_app

EMAIL = "officer@hospital.example.org"
PHISHING = "您的账户已冻结请访问 http://evil.example 解冻"


@pytest.fixture
def mail_client(web_settings: Settings, smtp_sink: SmtpSink) -> Iterator[TestClient]:
    app = create_app(replace(web_settings, smtp_url=smtp_sink.url))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _post(client: TestClient, **fields: object) -> httpx.Response:
    return client.post("/subscribe", data={"csrf_token": csrf_of(client), **fields})


def test_fifty_requests_for_one_address_send_a_handful_of_mails(
    mail_client: TestClient, smtp_sink: SmtpSink
) -> None:
    codes = [_post(mail_client, email=EMAIL, keywords=f"关键词{i}").status_code for i in range(50)]
    assert codes[:3] == [200, 200, 200]
    assert set(codes[3:]) == {429}
    smtp_sink.wait_for(lambda m: m["To"] == EMAIL)
    assert smtp_sink.counts()[EMAIL] <= 3
    assert "请求过于频繁" in _post(mail_client, email=EMAIL).text
    with transaction(make_engine(mail_client.app.state.settings.database_url)) as session:
        assert len(session.scalars(select(Subscription)).all()) == 3  # refused requests stored nothing


def test_one_client_cannot_subscribe_many_addresses(mail_client: TestClient) -> None:
    codes = [_post(mail_client, email=f"reader{i}@example.org").status_code for i in range(15)]
    assert codes[:10] == [200] * 10 and set(codes[10:]) == {429}


def test_the_confirmation_mail_carries_nothing_typed_into_the_form(
    mail_client: TestClient, smtp_sink: SmtpSink
) -> None:
    assert _post(mail_client, email=EMAIL, keywords=PHISHING, issuers=PHISHING).status_code == 200
    mail = smtp_sink.wait_for(lambda m: m["To"] == EMAIL)
    text = body_text(mail) + str(mail["Subject"])
    assert "evil.example" not in text and "冻结" not in text
    assert "/confirm/" in text


def test_long_fields_are_refused_in_one_line(mail_client: TestClient, smtp_sink: SmtpSink) -> None:
    huge = "卫" * 100_000  # 300 KB; over 1 MB the form parser itself refuses the request (400)
    response = _post(mail_client, email=EMAIL, keywords=huge)
    assert response.status_code == 400 and "输入过长" in response.text
    assert len(response.text) < 50_000  # what was typed is not echoed back whole
    over_a_megabyte = _post(mail_client, email=EMAIL, keywords="卫" * 1_000_000)
    assert over_a_megabyte.status_code == 400 and "表单中有一项超过了 1024 KB 的上限" in over_a_megabyte.text
    assert "exceeded" not in over_a_megabyte.text
    many = "、".join(f"机关{i}" for i in range(30))
    assert _post(mail_client, email=EMAIL, issuers=many).status_code == 400
    assert _post(mail_client, email="a" * 300 + "@example.org").status_code == 400
    assert smtp_sink.counts()[EMAIL] == 0


def _confirm_tokens(engine, settings: Settings) -> tuple[str, str]:
    quiet = replace(settings, smtp_url=None)
    first = digests.subscribe(engine, quiet, EMAIL, {"keywords": ["疫苗"]}, "monthly")
    second = digests.subscribe(engine, quiet, EMAIL, {"keywords": ["药品"]}, "weekly")
    return first.token, second.token


def _active(engine) -> dict[str, bool]:
    with transaction(engine) as session:
        return {s.frequency: s.active for s in session.scalars(select(Subscription))}


def test_a_confirm_link_confirms_its_own_subscription_once(web_settings: Settings) -> None:
    engine = make_engine(web_settings.database_url)
    try:
        first, second = _confirm_tokens(engine, web_settings)
        assert digests.confirm(engine, web_settings, first).count == 1
        assert _active(engine) == {"monthly": True, "weekly": False}  # not every pending one
        assert digests.confirm(engine, web_settings, first).count == 0  # used again: nothing
        assert digests.confirm(engine, web_settings, second).count == 1
        # an old link for a subscription that is gone (unsubscribed, then subscribed anew)
        digests.unsubscribe(engine, web_settings, EMAIL, trusted=True)
        again = digests.subscribe(engine, replace(web_settings, smtp_url=None), EMAIL, {"keywords": ["疫苗"]})
        with pytest.raises(BadToken, match="not valid"):  # gone, or its id reused by the new one
            digests.confirm(engine, web_settings, first)
        assert _active(engine) == {"monthly": False}
        assert digests.confirm(engine, web_settings, again.token).count == 1
    finally:
        engine.dispose()


def test_a_confirm_link_expires_and_old_links_are_refused(web_settings: Settings) -> None:
    engine = make_engine(web_settings.database_url)
    try:
        _confirm_tokens(engine, web_settings)
        with transaction(engine) as session:
            sid = session.scalars(select(Subscription.id).order_by(Subscription.id)).first()
        stale = int((datetime.now(UTC) - timedelta(days=8)).timestamp())
        with transaction(engine) as session:
            nonce = session.get(Subscription, sid).confirm_nonce
        expired = make_token(web_settings.secret_key, "confirm", sid, f"{EMAIL}\x00{nonce}", issued=stale)
        with pytest.raises(BadToken, match="expired"):
            digests.confirm(engine, web_settings, expired)
        legacy = f"confirm.{sid}.{'A' * 43}"  # a link mailed before links carried their time
        with pytest.raises(BadToken, match="expired"):
            digests.confirm(engine, web_settings, legacy)
        assert not any(_active(engine).values())
    finally:
        engine.dispose()


@pytest.fixture
def hung_smtp() -> Iterator[str]:
    """A mail server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def test_a_hung_mail_server_does_not_freeze_the_site(web_settings: Settings, hung_smtp: str) -> None:
    app = create_app(replace(web_settings, smtp_url=hung_smtp))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 20, "uvicorn to start")
    outcome: dict[str, int] = {}
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            client.get("/subscribe")
            token = client.cookies.get("regtrack_csrf")

            def subscribe() -> None:
                response = client.post("/subscribe", data={"csrf_token": token, "email": EMAIL})
                outcome["subscribe"] = response.status_code

            pending = threading.Thread(target=subscribe)
            pending.start()
            wait_until(lambda: _stored(web_settings), 20, "the subscription to be stored")
            with httpx.Client(base_url=base, timeout=120) as other:
                assert other.get("/healthz").status_code == 200
                assert other.get("/").status_code == 200
            assert pending.is_alive() and "subscribe" not in outcome  # still waiting on the mail server
    finally:
        server.should_exit = True
    pending.join(timeout=180)
    thread.join(timeout=10)
    sock.close()
    app.state.engine.dispose()


def _stored(settings: Settings) -> bool:
    engine = make_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            return session.scalars(select(Subscription)).first() is not None
    finally:
        engine.dispose()
