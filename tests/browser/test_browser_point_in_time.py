"""The text in force on a date, as a person reads it in the browser: an old regulation and the
amendment decision that changed it; the date picker before the decision's effective date shows
the old articles, after it the new ones. Desktop and phone screenshots in tests/artifacts/.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from regtrack.services import ingest
from storage.db import make_engine, transaction
from storage.models import Document
from tests.browser.conftest import LiveServer
from tests.linking.support import fixture_text

pytestmark = pytest.mark.browser

TARGET = "医疗机构管理条例"
OLD_ARTICLE_9 = "必须经县级以上地方人民政府卫生行政部门审查批准"
NEW_ARTICLE_9 = "按照国务院的规定应当办理设置医疗机构批准书的"


def _ingest_old_text_and_decision(server: LiveServer) -> int:
    engine = make_engine(server.settings.database_url)
    try:
        for name in ("医疗机构管理条例_2016.md", "decision_2022-03-29_excerpt.md"):
            data = fixture_text(name).encode("utf-8")
            assert ingest.ingest_bytes(engine, data, f"tests/{name}", server.settings).status == "ingested"
        with transaction(engine) as session:
            return session.scalars(
                select(Document.id).where(Document.title == TARGET, Document.placeholder.is_(False))
            ).one()
    finally:
        engine.dispose()


def _on(page: Page, day: str) -> None:
    page.get_by_label("查看某日的文本与时效性").fill(day)
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?as_of={day}")


def _phone_fits(phone: Page, url: str, shot: Path) -> None:
    phone.goto(url)
    phone.screenshot(path=str(shot), full_page=True)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= phone.evaluate("window.innerWidth"), f"{shot.name}: the phone page scrolls sideways"


def test_the_date_picker_shows_the_text_in_force_on_that_day(
    pages, live_server: LiveServer, artifacts: Path
) -> None:
    doc_id = _ingest_old_text_and_decision(live_server)
    page, phone = pages
    page.goto(f"/documents/{doc_id}")
    article_9 = page.locator("p.article").filter(has_text="第九条")
    expect(article_9).to_contain_text(NEW_ARTICLE_9)  # the latest text: derived from the decision
    expect(page.locator(".tag-derived")).to_have_count(1)

    _on(page, "2020-01-01")
    expect(article_9).to_contain_text(OLD_ARTICLE_9)
    expect(article_9).not_to_contain_text(NEW_ARTICLE_9)
    expect(page.locator("p.article").filter(has_text="第十四条")).to_have_count(1)  # deleted in 2022
    page.screenshot(path=str(artifacts / "30-point-in-time-2020.png"), full_page=True)
    _phone_fits(phone, page.url, artifacts / "30-point-in-time-2020-phone.png")

    _on(page, "2023-06-01")
    expect(article_9).to_contain_text(NEW_ARTICLE_9)
    page.screenshot(path=str(artifacts / "31-point-in-time-2023.png"), full_page=True)
    _phone_fits(phone, page.url, artifacts / "31-point-in-time-2023-phone.png")

    page.get_by_role("link", name="新旧对照表").first.click()  # from the version to the one before it
    expect(page.get_by_role("heading", name="新旧对照表")).to_be_visible()
    expect(page.locator("ins", has_text="按照国务院的规定").first).to_be_visible()


def test_the_home_page_names_compilations_and_speaks_chinese(
    pages, live_server: LiveServer, artifacts: Path
) -> None:
    page, phone = pages
    page.goto("/")
    cards = page.locator(".card h3")
    expect(cards.first).to_be_visible()
    names = cards.all_inner_texts()
    assert "全国医药政策 月度汇编 2024年第03期" in names
    assert not any(name.endswith(".txt") for name in names), names
    notice = page.locator(".warnings li").first
    expect(notice).to_contain_text("目录第")
    page.screenshot(path=str(artifacts / "32-home-names.png"), full_page=True)
    _phone_fits(phone, page.url, artifacts / "32-home-names-phone.png")
    notice.locator("a").click()  # the notice's link opens the compilation at its line
    expect(page.locator("li.focus")).to_be_visible()
    page.screenshot(path=str(artifacts / "33-compilation-line.png"))
