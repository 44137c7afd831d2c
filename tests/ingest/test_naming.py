"""Compilations without a masthead are named from their documents; a masthead is kept."""

from __future__ import annotations

import pytest

from ingest.naming import display_name, issue_of
from ingest.parse import parse_text
from tests.conftest import sample_path


@pytest.mark.parametrize(
    ("sample", "name"),
    [
        ("000", "国家卫生健康委、国家卫生健康委办公厅 2023年12月 · 8 份文件"),  # a run of circulars
        ("001", "全国医药政策 月度汇编 2024年第03期"),  # its masthead and the issue on its cover
        ("002", "中华人民共和国国家卫生健康委员会公报 2023年第5期"),
        ("003", "关于进一步完善医疗卫生服务体系的意见"),  # one document: its title
        ("004", "国家卫生健康委、国家卫生健康委办公厅 2024年4月 · 10 份文件"),
    ],
)
def test_display_name(sample: str, name: str) -> None:
    text = sample_path(sample).read_text(encoding="utf-8")
    assert display_name(parse_text(text), text) == name


@pytest.mark.parametrize(
    ("head", "issue"),
    [
        ("卫生健康公报\n\n2024年 第 3 期（总第90期）\n", "2024年第3期"),
        ("某某汇编\n二〇二四年\n", None),  # a year alone is no issue
        ("某某汇编\n" + "\n" * 60 + "2024年第3期\n", None),  # far below the cover: a document's text
    ],
)
def test_issue_of_a_cover(head: str, issue: str | None) -> None:
    assert issue_of(head) == issue
