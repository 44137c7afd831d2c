"""Compilations without a masthead are named from their documents; a masthead is kept."""

from __future__ import annotations

import pytest

from ingest.naming import display_name
from ingest.parse import parse_text
from tests.conftest import sample_path


@pytest.mark.parametrize(
    ("sample", "name"),
    [
        ("000", "国家卫生健康委、国家卫生健康委办公厅 2023年12月 · 8 份文件"),  # a run of circulars
        ("001", "全国医药政策 月度汇编"),  # its masthead
        ("003", "关于进一步完善医疗卫生服务体系的意见"),  # one document: its title
        ("004", "国家卫生健康委、国家卫生健康委办公厅 2024年4月 · 10 份文件"),
    ],
)
def test_display_name(sample: str, name: str) -> None:
    assert display_name(parse_text(sample_path(sample).read_text(encoding="utf-8"))) == name
