"""Web pages over the ingested samples: home, search, a document, its chain, the 新旧对照表."""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from tests.browser.fixtures import client, seeded, seeded_template, seeded_url, web_settings  # noqa: F401
from tests.browser.seed import HEADLINE_DOC_NUMBER, PREDECESSOR_DOC_NUMBER, Seeded


def test_home_shows_month_counts_compilations_and_warnings(client: TestClient) -> None:
    html = client.get("/").text
    assert "2024年3月变化" in html  # the samples' month, since nothing was published this month
    new = re.search(r'count-new">\s*<a href="([^"]+)">\s*<span class="count-n">(\d+)', html)
    assert new and int(new.group(2)) > 50
    listing = client.get(new.group(1).replace("&amp;", "&")).text
    assert f"<strong>{new.group(2)}</strong> 份文件" in listing
    assert "全国医药政策" in html  # the title of compilation 001
    # a parse notice of 001, in Chinese, linked to its line
    assert "目录第 38 行的标题" in html and "contents line" not in html
    link = re.search(r'href="(/compilations/\d+\?line=38#L38)"', html)
    assert link
    page = client.get(link.group(1).replace("&amp;", "&")).text
    assert re.search(r'<li id="L38" value="38" class="focus"', page)


def test_home_month_navigation(client: TestClient) -> None:
    html = client.get("/", params={"month": "2010-01"}).text
    assert "2010年1月变化" in html
    assert 'href="/?month=2009-12"' in html and 'href="/?month=2010-02"' in html


def test_search_by_doc_number_in_any_bracket_form(client: TestClient, seeded: Seeded) -> None:
    for q in (HEADLINE_DOC_NUMBER, "国卫医急发[2024]11号"):
        html = client.get("/documents", params={"q": q}).text
        assert f'href="/documents/{seeded.headline_id}"' in html, q


def test_filters_and_pagination(client: TestClient) -> None:
    first = client.get("/documents").text
    total = int(re.search(r"<strong>(\d+)</strong> 份文件", first).group(1))
    assert total > 100
    assert 'rel="next"' in first and 'aria-current="page">1<' in first
    last_page = -(-total // 20)
    last = client.get("/documents", params={"page": last_page}).text
    assert 'rel="next"' not in last and 'rel="prev"' in last
    by_issuer = client.get("/documents", params={"issuer": "湖南省"}).text
    count = int(re.search(r"<strong>(\d+)</strong> 份文件", by_issuer).group(1))
    assert 0 < count < total
    assert client.get("/documents", params={"page": "x"}).status_code == 400
    assert client.get("/documents", params={"status": "bogus"}).status_code == 400
    assert client.get("/documents", params={"as_of": "2024-13-01"}).status_code == 400


def test_status_filter_depends_on_the_date(client: TestClient, seeded: Seeded) -> None:
    link = f'href="/documents/{seeded.predecessor_id}"'
    after = client.get("/documents", params={"status": "repealed", "as_of": "2024-05-01"}).text
    assert link in after
    before = client.get("/documents", params={"status": "repealed", "as_of": "2024-03-01"}).text
    assert link not in before


def test_document_page(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/documents/{seeded.headline_id}", params={"as_of": "2024-05-01"}).text
    assert "国家卫生应急队伍管理办法" in html
    assert "badge-in_force" in html and "现行有效" in html
    assert "第三十二条" in html  # articles are shown
    assert PREDECESSOR_DOC_NUMBER in html  # the repealed predecessor, linked
    assert "同时废止" in html and "第 876 行" in html  # evidence sentence and its source line
    predecessor = client.get(f"/documents/{seeded.predecessor_id}", params={"as_of": "2024-05-01"}).text
    assert "badge-repealed" in predecessor and "已废止" in predecessor
    assert "仅见于其他文件的引用" in predecessor
    assert "被废止" in predecessor


def test_document_versions_link_the_stored_diff(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/documents/{seeded.amended_id}").text
    assert "第 2 版" in html and f'href="/diffs/{seeded.version_diff_id}"' in html


def test_chain_page_draws_an_svg_timeline(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/documents/{seeded.headline_id}/chain", params={"as_of": "2024-05-01"}).text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert f'href="/documents/{seeded.predecessor_id}/chain' in svg
    assert f'href="/documents/{seeded.headline_id}/chain' in svg
    assert "废止" in svg and "2024年3月19日" in svg
    assert svg.index(f"/documents/{seeded.predecessor_id}/") < svg.index(f"/documents/{seeded.headline_id}/")


def test_unknown_things_are_404(client: TestClient) -> None:
    for path in ("/documents/999999", "/documents/999999/chain", "/diffs/999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "未找到" in response.text


def test_stored_diff_page_marks_changed_characters(client: TestClient, seeded: Seeded) -> None:
    path = f"/diffs/{seeded.version_diff_id}"
    html = client.get(path).text  # changed articles only, by default
    assert "新旧对照表" in html
    assert "<del>5</del>" in html and "<ins>6</ins>" in html  # 2025 → 2026, one character
    assert html.count('class="diff-row-head') == 1
    everything = client.get(path, params={"changed": "0"}).text
    assert everything.count('class="diff-row-head') > 10
    inline = client.get(path, params={"view": "inline"}).text
    assert 'class="inline-diff"' in inline and "<del>5</del><ins>6</ins>" in inline
    assert client.get(path, params={"view": "sideways"}).status_code == 400


@pytest.mark.parametrize("fmt", ["html", "docx", "json"])
def test_stored_diff_downloads(client: TestClient, seeded: Seeded, fmt: str) -> None:
    response = client.get(f"/diffs/{seeded.version_diff_id}", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert f".{fmt}" in response.headers["content-disposition"]
    if fmt == "json":
        data = json.loads(response.content)
        assert data["summary"]["modified"] == 1
        assert [a["change"] for a in data["articles"]].count("modified") == 1
    elif fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
            assert "工作目标" in docx.read("word/document.xml").decode("utf-8")
    else:
        assert "工作目标" in response.text and "新旧对照表" in response.text


def test_compare_two_documents(client: TestClient, seeded: Seeded) -> None:
    response = client.get("/diff", params={"old": str(seeded.headline_id), "new": str(seeded.amended_id)})
    assert response.status_code == 200
    assert "新旧对照表" in response.text and 'class="change change-added"' in response.text
    citation_only = client.get(
        "/diff", params={"old": str(seeded.predecessor_id), "new": str(seeded.headline_id)}
    )
    assert citation_only.status_code == 400 and "known only by citation" in citation_only.text
    json_download = client.get(
        "/diff", params={"old": str(seeded.headline_id), "new": str(seeded.headline_id), "format": "json"}
    )
    assert json.loads(json_download.content)["summary"]["modified"] == 0


def test_citations_are_folded_and_grouped_by_sentence(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/documents/{seeded.headline_id}").text
    effects = html[html.index('id="out-h"') : html.index('class="cites"')]
    assert "同时废止" in effects and "中华人民共和国突发事件应对法" not in effects
    cites = html[html.index('class="cites"') : html.index('id="in-h"')]
    assert "中华人民共和国突发事件应对法" in cites
    assert cites.count("为加强和规范国家卫生应急队伍建设与管理") == 1  # one sentence citing four documents
    assert "trial_to_formal" not in html and "由试行版转为正式版" in html


def test_repealed_document_lists_who_still_cites_it(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/documents/{seeded.predecessor_id}", params={"as_of": "2024-05-01"}).text
    assert "仍在引用本文件的现行文件" in html


def test_compilations_are_named_as_people_know_them_not_by_file_name(client: TestClient) -> None:
    # 000 and 004 are runs of circulars and 003 one opinion: no masthead, and hashed file names
    html = client.get("/").text
    panel = html[html.index("最新汇编") :]
    assert not re.search(r"\d{3}_[0-9a-f]{16}", panel)
    assert "国家卫生健康委、国家卫生健康委办公厅 2024年4月 · 10 份文件" in panel  # 004's documents
    assert "关于进一步完善医疗卫生服务体系的意见" in panel  # 003, one document: its title
