"""Browser tests: Debian's Chromium driven by Playwright against uvicorn on 127.0.0.1.

Chromium is installed with apt-get when missing and possible; otherwise the browser tests
are skipped with a loud reason, except under CI=true, where they fail.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from regtrack.settings import PROJECT_ROOT, Settings
from tests.browser.fixtures import (  # noqa: F401
    ADMIN_TOKEN,
    SECRET_KEY,
    seeded,
    seeded_template,
    seeded_url,
    smtp_sink,
)
from tests.browser.seed import make_settings
from tests.support.net import wait_until
from tests.support.smtp import SmtpSink

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _apt_install(*packages: str) -> str | None:
    """Install Debian packages; a one-line problem when that is impossible here."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "not root, cannot apt-get install"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"`{' '.join(command)}` failed: {tail[0]}"
    return None


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def ensure_chromium() -> str | None:
    """None when /usr/bin/chromium is there (installed now if need be), else why not."""
    if not CHROMIUM.exists():
        problem = _apt_install("chromium", "fonts-noto-cjk")
        if problem:
            return f"/usr/bin/chromium is missing and could not be installed: {problem}"
    if not CHROMIUM.exists():
        return "/usr/bin/chromium is still missing after apt-get install chromium"
    if not _has_cjk_font():  # pages still work; screenshots would show boxes instead of Chinese
        _apt_install("fonts-noto-cjk")
    return None


@pytest.fixture(scope="session")
def browser():
    problem = ensure_chromium()
    if problem:
        if IN_CI:
            pytest.fail(f"browser tests must run under CI=true: {problem}")
        pytest.skip(f"BROWSER TESTS NOT RUN: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    smtp: SmtpSink


@pytest.fixture
def live_server(seeded_url: str, tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[LiveServer]:
    """The app under uvicorn in a thread, on a socket bound before the settings are made
    (the confirmation emails must carry the real address)."""
    import uvicorn

    from web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(
        seeded_url,
        tmp_path / "var",
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        base_url=base_url,
        smtp_url=smtp_sink.url,
    )
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()

    def started() -> bool:
        assert thread.is_alive(), "uvicorn stopped before it started"
        return server.started

    wait_until(started, 20, "uvicorn to start")
    try:
        yield LiveServer(base_url, settings, smtp_sink)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.state.engine.dispose()


@pytest.fixture
def pages(browser, live_server: LiveServer):
    """A desktop page and a phone page (zh-CN), closed after the test."""
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.base_url)
    phone = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, base_url=live_server.base_url
    )
    try:
        yield desktop.new_page(), phone.new_page()
    finally:
        desktop.close()
        phone.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
