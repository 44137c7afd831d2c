"""What a person does in the browser: search → document → chain → diff; subscribe → confirm by
email → digest preview; admin re-ingest refused without the token, accepted with it.

Every page is saved as a screenshot (desktop, and phone where the page can be loaded again)
in tests/artifacts/.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.fixtures import ADMIN_TOKEN, body_text
from tests.browser.seed import Seeded
from tests.support.net import wait_until

pytestmark = pytest.mark.browser


def snap(artifacts: Path, name: str, page: Page, phone: Page | None = None) -> None:
    """Screenshot the page; the phone page loads the same URL (GET pages only) and is saved too."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    if phone is not None:
        phone.goto(page.url)
        phone.screenshot(path=str(artifacts / f"{name}-phone.png"), full_page=True)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name}: the phone page scrolls sideways ({width}px wide)"


def test_search_document_chain_diff(pages, live_server: LiveServer, seeded: Seeded, artifacts: Path) -> None:
    page, phone = pages
    page.goto("/")
    expect(page.get_by_role("heading", name="卫生健康法规动态")).to_be_visible()
    snap(artifacts, "01-home", page, phone)
    page.keyboard.press("Tab")  # the first stop is the skip link, for keyboard users
    expect(page.locator(":focus")).to_have_text("跳到正文")

    page.get_by_label("检索文件（标题或文号）").fill("国卫医急发[2024]11号")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/documents\?q="))
    expect(page.get_by_role("status")).to_contain_text("1 份文件")
    snap(artifacts, "02-search", page, phone)

    page.get_by_role("link", name="关于印发国家卫生应急队伍管理办法的通知").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("关于印发国家卫生应急队伍管理办法的通知")
    expect(page.locator(".doc-sub .badge")).to_have_text("现行有效")
    evidence = page.locator(".evidence", has_text="同时废止").first
    expect(evidence).to_contain_text("第 876 行")
    snap(artifacts, "03-document", page, phone)

    page.get_by_role("link", name="沿革时间线").click()
    expect(page.get_by_role("heading", name="沿革时间线")).to_be_visible()
    timeline = page.locator("figure.timeline svg")
    expect(timeline).to_be_visible()
    expect(timeline.locator("a")).to_have_count(2)
    expect(timeline).to_contain_text("废止")
    snap(artifacts, "04-chain", page, phone)
    timeline.locator(f'a[href^="/documents/{seeded.predecessor_id}/chain"]').click()
    expect(page.locator(".doc-sub .badge")).to_have_text("已废止")

    page.goto("/documents?q=医疗卫生服务体系")
    page.get_by_role("link", name=re.compile("关于进一步完善医疗卫生服务体系的意见")).first.click()
    page.get_by_role("link", name="新旧对照表").click()
    expect(page.get_by_role("heading", name="新旧对照表")).to_be_visible()
    expect(page.locator("del", has_text="5").first).to_be_visible()
    expect(page.locator("ins", has_text="6").first).to_be_visible()
    expect(page.locator("tr.diff-row-head")).to_have_count(1)  # changed articles only, by default
    snap(artifacts, "05-diff", page, phone)
    page.get_by_role("link", name="显示全部条款").click()
    assert page.locator("tr.diff-row-head").count() > 10
    snap(artifacts, "06-diff-all", page, phone)
    page.get_by_role("link", name="仅显示有变化的条款").click()
    page.get_by_role("link", name="合并显示").click()
    expect(page.locator(".inline-diff li")).to_have_count(1)
    snap(artifacts, "07-diff-inline", page, phone)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word").click()
    saved = artifacts / "07-diff.docx"
    download_info.value.save_as(saved)
    assert zipfile.is_zipfile(saved)


def test_subscribe_confirm_and_preview(pages, live_server: LiveServer, artifacts: Path) -> None:
    page, phone = pages
    email = "analyst@policy.example.org"
    page.goto("/subscribe?issuer=国家卫生健康委")
    snap(artifacts, "08-subscribe", page, phone)
    page.get_by_label("邮箱地址（必填）").fill(email)
    page.get_by_label("废止", exact=True).check()
    page.get_by_label("每周").check()
    page.get_by_role("button", name="订阅").click()
    expect(page.get_by_role("heading", name="请查收确认邮件")).to_be_visible()
    snap(artifacts, "09-subscribe-sent", page)

    message = live_server.smtp.wait_for(lambda m: m["To"] == email)
    link = re.search(r"(http://127\.0\.0\.1:\d+/confirm/\S+)", body_text(message))
    assert link, body_text(message)
    page.goto(link.group(1))
    snap(artifacts, "10-confirm", page, phone)
    page.get_by_role("button", name="确认订阅").click()
    expect(page.get_by_role("heading", name="订阅已确认")).to_be_visible()
    expect(page.get_by_role("heading", name="摘要预览")).to_be_visible()
    snap(artifacts, "11-confirmed-preview", page)

    page.get_by_role("link", name="管理订阅条件与频率").click()
    expect(page.get_by_role("heading", name="管理订阅")).to_be_visible()
    snap(artifacts, "12-manage", page, phone)
    page.get_by_role("button", name="退订全部邮件").click()
    expect(page.get_by_role("heading", name="已退订")).to_be_visible()


def test_admin_reingest_needs_the_token(pages, live_server: LiveServer, artifacts: Path) -> None:
    page, phone = pages
    refused = page.request.post("/admin/reingest", form={"compilation_id": "4"})
    assert refused.status == 401
    page.goto("/admin")
    expect(page.get_by_role("heading", name="管理员登录")).to_be_visible()
    snap(artifacts, "13-admin-login", page, phone)
    page.get_by_label("管理员令牌（REGTRACK_ADMIN_TOKEN）").fill("not-the-token")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("令牌不正确。")
    snap(artifacts, "13-admin-login-refused", page)
    assert page.request.post("/admin/reingest", form={"compilation_id": "4"}).status == 401

    page.get_by_label("管理员令牌（REGTRACK_ADMIN_TOKEN）").fill(ADMIN_TOKEN)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="管理", exact=True)).to_be_visible()
    report = page.locator("details.report", has_text="#4 ")
    report.locator("summary").click()
    snap(artifacts, "14-admin", page)
    report.get_by_role("button", name="重新解析此汇编").click()
    expect(page).to_have_url(re.compile(r"/admin\?job=\d+"))
    job = page.locator("li.job-new")

    def finished() -> bool:
        if "运行中" not in job.inner_text():
            return True
        page.reload()
        return False

    wait_until(finished, 120, "the re-ingest to finish", every=0.2)
    expect(job).to_contain_text("已完成")
    expect(job).to_contain_text("1 份汇编已重新解析")
    snap(artifacts, "15-admin-reingested", page)
