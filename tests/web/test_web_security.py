"""Web security: CSP and friends on every response, escaping, CSRF on every form, admin auth."""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import re
import time

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from regtrack.settings import Settings
from tests.browser.fixtures import (  # noqa: F401 - fixtures
    ADMIN_TOKEN,
    client,
    csrf_of,
    seeded,
    seeded_template,
    seeded_url,
    web_settings,
)
from tests.browser.seed import HOSTILE_TITLE, Seeded
from tests.support.net import wait_until
from web import security
from web.app import ROUTERS, create_app

PAGES = ("/", "/documents", "/documents?q=办法&page=1", "/subscribe", "/admin", "/documents/999999")


@pytest.mark.parametrize("path", [*PAGES, "/static/site.css", "/api/documents?limit=2", "/healthz"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_style(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert "<script" not in html
    assert "<style" not in html
    assert " style=" not in html
    assert '<html lang="zh-CN">' in html


def test_outside_text_is_escaped(client: TestClient, seeded: Seeded) -> None:
    listing = client.get("/documents", params={"q": "测试转义"}).text
    page = client.get(f"/documents/{seeded.hostile_id}").text
    for html in (listing, page):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html
    assert "<b>测试机关</b>" not in page and "&lt;b&gt;测试机关&lt;/b&gt;" in page
    assert HOSTILE_TITLE not in page


def test_search_text_is_escaped_when_echoed(client: TestClient) -> None:
    html = client.get("/documents", params={"q": '"><img src=x onerror=alert(1)>'}).text
    assert "<img src=x" not in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_every_form_post_is_csrf_protected() -> None:
    """All POST routes depend on csrf_protect, except RFC 8058 one-click unsubscribe."""
    unprotected = []
    routes = [route for module in ROUTERS for route in module.router.routes]
    assert any(isinstance(r, APIRoute) and "POST" in r.methods for r in routes)
    for route in routes:
        if isinstance(route, APIRoute) and "POST" in route.methods:
            deps = {d.call for d in route.dependant.dependencies}
            if security.csrf_protect not in deps:
                unprotected.append(route.path)
    assert unprotected == ["/unsubscribe/{token}"]


def test_csrf_refuses_missing_or_forged_tokens(client: TestClient, web_settings: Settings) -> None:
    form = {"email": "reader@example.org", "frequency": "monthly"}
    fresh = TestClient(client.app)
    assert fresh.post("/subscribe", data=form).status_code == 403  # no cookie, no token
    token = csrf_of(client)
    assert client.post("/subscribe", data=form).status_code == 403  # cookie, no form field
    forged = security.new_csrf_token("another-secret")
    assert client.post("/subscribe", data={**form, "csrf_token": forged}).status_code == 403
    client.cookies.set(security.CSRF_COOKIE, forged)
    assert client.post("/subscribe", data={**form, "csrf_token": forged}).status_code == 403
    client.cookies.set(security.CSRF_COOKIE, token)
    response = client.post("/subscribe", data={**form, "email": "not-an-address", "csrf_token": token})
    assert response.status_code == 400  # past CSRF, refused by the subscription's own checks
    assert "not an email address" in response.text


def test_csrf_token_signature() -> None:
    token = security.new_csrf_token("k")
    assert security.csrf_token_valid("k", token)
    assert not security.csrf_token_valid("other", token)
    nonce, signature = token.rsplit(".", 1)
    assert not security.csrf_token_valid("k", nonce + "x." + signature)
    assert not security.csrf_token_valid("k", None)
    assert not security.csrf_token_valid("k", "no-dot")


def test_admin_cookie_expires_and_is_bound_to_the_token(web_settings: Settings) -> None:
    from dataclasses import replace

    now = time.time()
    value = security.admin_cookie_value(web_settings, now)
    assert security.admin_cookie_valid(web_settings, value, now)
    assert not security.admin_cookie_valid(web_settings, value, now + security.ADMIN_COOKIE_TTL_S + 1)
    rotated = replace(web_settings, admin_token="a-new-token")
    assert not security.admin_cookie_valid(rotated, value, now)
    assert not security.admin_cookie_valid(web_settings, "9999999999.forged", now)


def test_admin_requires_the_token(client: TestClient) -> None:
    page = client.get("/admin")
    assert page.status_code == 401 and 'name="token"' in page.text
    token = csrf_of(client, "/admin")
    wrong = client.post("/admin/login", data={"token": "guess", "csrf_token": token}, follow_redirects=False)
    assert wrong.status_code == 401 and "令牌不正确" in wrong.text
    assert client.post("/admin/reingest", data={"csrf_token": token}).status_code == 401
    assert client.post("/admin/reingest", headers={"Authorization": "Bearer guess"}).status_code == 401
    ok = client.post("/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303
    page = client.get("/admin")
    assert page.status_code == 200 and "汇编与解析报告" in page.text
    assert "目录第 38 行的标题" in page.text  # a parse notice of sample 001, in Chinese
    # Logged in by cookie, a POST still needs the form's CSRF token.
    assert client.post("/admin/reingest", data={}).status_code == 403


def test_admin_is_disabled_without_a_configured_token(web_settings: Settings) -> None:
    from dataclasses import replace

    app = create_app(replace(web_settings, admin_token=None))
    with TestClient(app) as c:
        assert c.get("/admin").status_code == 403
        assert "REGTRACK_ADMIN_TOKEN" in c.get("/admin").text
        assert c.post("/admin/reingest", headers={"Authorization": "Bearer x"}).status_code == 403
    app.state.engine.dispose()


def _wait_for_job(client: TestClient, job_id: int, headers: dict[str, str]) -> dict:
    def finished() -> dict | None:
        state = client.get(f"/admin/jobs/{job_id}", headers=headers).json()
        return state if state["status"] != "running" else None

    return wait_until(finished, 120, f"re-ingest job {job_id} to finish", every=0.1)


def test_reingest_with_bearer_token_runs_the_pipeline(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    response = client.post("/admin/reingest", data={"compilation_id": "4"}, headers=headers)
    assert response.status_code == 202
    job = response.json()["job"]
    assert job["compilation_ids"] == [4]
    state = _wait_for_job(client, job["id"], headers)
    assert state["status"] == "done", state
    assert state["summary"].startswith("1 份汇编已重新解析")
    report = client.get("/admin", headers=headers).text
    assert "已重新解析 1 次" in report


@pytest.mark.parametrize("path", ["/subscribe", "/admin"])
def test_forms_carry_the_token_of_the_cookie(client: TestClient, path: str) -> None:
    html = client.get(path).text
    sent = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert sent and sent.group(1) == client.cookies.get(security.CSRF_COOKIE)
    again = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert again and again.group(1) == sent.group(1)  # one token per browser, not per page


@pytest.mark.parametrize("path", ["/diff", "/api/diff"])
def test_diff_never_reads_server_files(client: TestClient, path: str) -> None:
    for ref in ("/etc/passwd", "pyproject.toml"):
        response = client.get(path, params={"old": ref, "new": ref})
        assert response.status_code == 404, (path, ref)
        assert "root:" not in response.text and "[project]" not in response.text


def test_wrong_admin_tokens_are_throttled_and_logged(client: TestClient, caplog) -> None:
    token = csrf_of(client, "/admin")
    with caplog.at_level("WARNING", logger="regtrack.security"):
        tries = [
            client.post("/admin/login", data={"token": f"guess{i}", "csrf_token": token}).status_code
            for i in range(3)
        ]
        tries += [
            client.post("/admin/reingest", headers={"Authorization": f"Bearer guess{i}"}).status_code
            for i in range(2)
        ]
        assert tries == [401, 401, 401, 401, 401]
        # the sixth try is refused without its token being looked at: even the right one
        right = client.post("/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": token})
        assert right.status_code == 429 and "错误次数过多" in right.text
        bearer = client.post("/admin/reingest", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert bearer.status_code == 429
    failed = [r.getMessage() for r in caplog.records if "failed admin login" in r.getMessage()]
    assert len(failed) == 5 and not any("guess" in line for line in failed)


def test_token_pages_are_never_cached_and_every_request_is_logged(client: TestClient, caplog) -> None:
    with caplog.at_level("INFO", logger="regtrack.access"):
        confirm = client.get("/confirm/confirm.12.1700000000.secretsecretsecretsecretsecretsecretsecret1")
        home = client.get("/")
    assert confirm.headers["cache-control"] == "no-store"
    assert home.headers.get("cache-control") != "no-store"
    assert client.get("/admin").headers["cache-control"] == "no-store"
    lines = [r.getMessage() for r in caplog.records if r.name == "regtrack.access"]
    assert any(" GET /confirm/… " in line for line in lines), lines
    assert not any("secretsecret" in line for line in lines)
    assert len(lines) == 2 and " GET / 200 " in lines[1]  # one line a request


@pytest.mark.parametrize("weak", ["guess", "aaaaaaaaaaaaaaaaaaaaaaaa", "short-token-1"])
def test_serving_with_a_weak_admin_token_is_refused_in_one_line(cli, weak: str, monkeypatch) -> None:
    monkeypatch.setenv("REGTRACK_ADMIN_TOKEN", weak)
    result = cli("serve", "--port", "1")
    assert result.exit_code == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "REGTRACK_ADMIN_TOKEN is too weak" in line and weak not in line


@pytest.mark.parametrize("path", ["/documents/", "//evil.example/documents/", "/documents/?q=%E5%8C%BB"])
def test_redirects_never_leave_the_site_whatever_the_host_header(client: TestClient, path: str) -> None:
    answer = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    if answer.is_redirect:
        location = answer.headers["location"]
        assert location.startswith("/") and not location.startswith("//"), location
        assert "evil" not in location
        assert path != "/documents/" or location == "/documents"
    else:
        assert answer.status_code == 404


def test_reingest_jobs_are_shared_by_every_worker(web_settings: Settings) -> None:
    """Two apps on one database stand for `serve --workers 2`: a job started through one is
    polled through the other, a second start on either while it runs answers 409 with the same
    job, and ids never collide. A job left running by a worker that died stops blocking after
    storage.jobs.STALE_AFTER."""
    import datetime as dt

    from storage.db import transaction
    from storage.jobs import STALE_AFTER, start_job

    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    one, other = create_app(web_settings), create_app(web_settings)
    try:
        with TestClient(one) as first, TestClient(other) as second:
            started = first.post("/admin/reingest", data={"compilation_id": "4"}, headers=headers)
            assert started.status_code == 202
            job = started.json()["job"]
            state = _wait_for_job(second, job["id"], headers)  # polled on the other worker
            assert state["status"] == "done" and state["id"] == job["id"]

            # A job running on "a third worker": both refuse to start another and name it.
            with transaction(one.state.engine, write=True) as session:
                held, _ = start_job(session, "reingest", None, dt.datetime.now(dt.UTC))
                session.flush()
                held_id = held.id
            for client in (first, second):
                busy = client.post("/admin/reingest", headers=headers)
                assert busy.status_code == 409 and busy.json()["job"]["id"] == held_id

            # That worker died long ago: its job is given up and a new one starts, with a new id.
            with transaction(one.state.engine, write=True) as session:
                session.get(type(held), held_id).started_at = dt.datetime.now(dt.UTC) - STALE_AFTER * 2
            fresh = second.post("/admin/reingest", data={"compilation_id": "4"}, headers=headers)
            assert fresh.status_code == 202 and fresh.json()["job"]["id"] not in (job["id"], held_id)
            assert first.get(f"/admin/jobs/{held_id}", headers=headers).json()["status"] == "failed"
            _wait_for_job(first, fresh.json()["job"]["id"], headers)
    finally:
        one.state.engine.dispose()
        other.state.engine.dispose()
