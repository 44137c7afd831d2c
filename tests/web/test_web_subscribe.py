"""Subscriptions over HTTP: double opt-in through a real SMTP server, management, one-click
unsubscribe (RFC 8058), and the Atom feed."""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import feedparser
import pytest
from fastapi.testclient import TestClient

from regtrack.settings import Settings
from tests.browser.fixtures import (  # noqa: F401
    body_text,
    csrf_of,
    seeded,
    seeded_template,
    seeded_url,
    smtp_sink,
    web_settings,
)
from tests.browser.seed import Seeded
from tests.support.smtp import SmtpSink
from web.app import create_app

EMAIL = "officer@hospital.example.org"


@pytest.fixture
def mail_client(web_settings: Settings, smtp_sink: SmtpSink) -> Iterator[TestClient]:
    app = create_app(replace(web_settings, smtp_url=smtp_sink.url))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _subscribe(client: TestClient, **fields: object) -> str:
    token = csrf_of(client)
    response = client.post("/subscribe", data={"csrf_token": token, **fields})
    assert response.status_code == 200, response.text
    return response.text


def _confirm_path(sink: SmtpSink, email: str) -> str:
    message = sink.wait_for(lambda m: m["To"] == email)
    url = re.search(r"http://testserver(/confirm/\S+)", body_text(message))
    assert url, body_text(message)
    return url.group(1)


def test_double_opt_in_manage_and_one_click_unsubscribe(
    mail_client: TestClient, smtp_sink: SmtpSink, seeded: Seeded
) -> None:
    sent = _subscribe(
        mail_client,
        email=EMAIL,
        issuers="国家卫生健康委、国家疾控局",
        kinds=["repeals", "amends"],
        frequency="weekly",
        document=str(seeded.headline_id),
        follow="chain",
    )
    assert "请查收确认邮件" in sent and EMAIL in sent
    confirm_path = _confirm_path(smtp_sink, EMAIL)
    page = mail_client.get(confirm_path)
    assert page.status_code == 200 and "确认订阅" in page.text  # a GET never confirms (mail scanners)
    confirmed = mail_client.post(confirm_path, data={"csrf_token": mail_client.cookies.get("regtrack_csrf")})
    assert confirmed.status_code == 200, confirmed.text
    assert "订阅已确认" in confirmed.text and "摘要预览" in confirmed.text
    manage = re.search(r'href="(/unsubscribe/[^"]+)"', confirmed.text)
    assert manage
    managed = mail_client.get(manage.group(1)).text
    assert "发文机关：国家卫生健康委、国家疾控局" in managed and f"跟踪沿革：#{seeded.headline_id}" in managed
    assert "变化类型：废止、修改、条文修改" in managed
    subscription_id = re.search(r'name="subscription_id" value="(\d+)"', managed).group(1)
    csrf = mail_client.cookies.get("regtrack_csrf")
    updated = mail_client.post(
        manage.group(1).replace("/unsubscribe/", "/manage/"),
        data={
            "csrf_token": csrf,
            "subscription_id": subscription_id,
            "action": "frequency",
            "frequency": "daily",
        },
    )
    assert "已更新发送频率" in updated.text
    assert re.search(r'<option value="daily" selected>', updated.text)
    # RFC 8058: the mail client posts List-Unsubscribe=One-Click, with no cookie and no CSRF token.
    one_click = TestClient(mail_client.app).post(manage.group(1), data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "已退订" in one_click.text


def test_confirmation_link_cannot_be_forged(mail_client: TestClient, smtp_sink: SmtpSink) -> None:
    _subscribe(mail_client, email=EMAIL, frequency="monthly")
    path = _confirm_path(smtp_sink, EMAIL)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    csrf = mail_client.cookies.get("regtrack_csrf")
    assert mail_client.post(forged, data={"csrf_token": csrf}).status_code == 400
    assert mail_client.get("/confirm/not-a-token").status_code == 400
    assert mail_client.post("/unsubscribe/not-a-token").status_code == 400


def test_form_errors_keep_what_was_typed(mail_client: TestClient) -> None:
    token = csrf_of(mail_client)
    response = mail_client.post(
        "/subscribe",
        data={"csrf_token": token, "email": "nobody", "keywords": "传染病", "frequency": "daily"},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text and 'value="传染病"' in response.text
    assert 'value="daily" checked' in response.text


def test_subscribe_form_prefills_from_a_filtered_list(mail_client: TestClient) -> None:
    html = mail_client.get("/subscribe", params={"issuer": "湖南省卫生健康委", "q": "医师"}).text
    assert 'value="湖南省卫生健康委"' in html and 'value="医师"' in html


def test_atom_feed_of_a_filtered_list(mail_client: TestClient) -> None:
    listing = mail_client.get("/documents", params={"issuer": "国家卫生健康委"}).text
    assert 'type="application/atom+xml"' in listing
    link = re.search(r'href="(/feeds/atom\?[^"]+)"', listing).group(1).replace("&amp;", "&")
    response = mail_client.get(link)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert "国家卫生健康委" in feed.feed.title
