"""The HTML digest email, rendered in headless Chromium as a mail client would show it."""

from __future__ import annotations

from pathlib import Path

from regtrack.services import digests
from storage.db import make_engine
from tests.browser.seed import make_settings


def test_html_digest_renders_in_chromium(browser, seeded_url: str, tmp_path: Path, artifacts: Path) -> None:
    settings = make_settings(seeded_url, tmp_path / "var", base_url="http://127.0.0.1:8000")
    engine = make_engine(seeded_url)
    try:
        digests.subscribe(engine, settings, "analyst@example.org", None, "monthly")
        preview = digests.preview(engine, settings, "analyst@example.org")
    finally:
        engine.dispose()
    assert "<script" not in preview.rendered.html.lower()
    page_file = tmp_path / "digest.html"
    page_file.write_text(preview.rendered.html, encoding="utf-8")
    # a mail client shows the message without the web app's stylesheet: inline styles only
    context = browser.new_context(
        viewport={"width": 760, "height": 1200}, locale="zh-CN", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        body = page.inner_text("body")
        page.screenshot(path=str(artifacts / "20-digest-email.png"), full_page=True)
    finally:
        context.close()
    assert "国卫医急发〔2024〕11号" in body  # the headline repeal is in the month's digest
    assert "退订" in body  # the unsubscribe link is visible
    links = [line for line in preview.rendered.html.split('"') if line.startswith("http://127.0.0.1:8000/")]
    assert any("/documents/" in link for link in links) and any("/unsubscribe/" in link for link in links)
