"""Title keys fold quoting, wrappers, 试行 and editions; what was folded stays available."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linking.titles import edition_of, edition_year, title_key


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("关于印发国家卫生应急队伍管理办法的通知", "国家卫生应急队伍管理办法"),  # 001 line 685
        ("《国家卫生应急队伍管理办法(试行)》", "国家卫生应急队伍管理办法"),  # 001 line 876
        (
            "河北省卫生健康委印发《河北省推动临床 专科能力建设实施方案（试行）》的通知",
            "河北省推动临床专科能力建设实施方案",
        ),
        (
            "山西省卫生健康委员会关于印发《山西省职业健康专家库管理办法（试行）》的通知",
            "山西省职业健康专家库管理办法",
        ),
        (
            "国家卫生健康委办公厅关于贯彻落实职业卫生技术服务机构管理办法的通知",
            "关于贯彻落实职业卫生技术服务机构管理办法的通知",
        ),
        (
            "《关于贯彻落实职业卫生技术服务机构管理办法的通知》",
            "关于贯彻落实职业卫生技术服务机构管理办法的通知",
        ),
        ("国家二级公立医院绩效考核操作手册（2024 版）", "国家二级公立医院绩效考核操作手册"),
        ("XX市医疗机构管理办法（2024年修订）", "XX市医疗机构管理办法"),
        ("國家衛生應急隊伍管理辦法", "国家卫生应急队伍管理办法"),  # traditional characters
        (
            "关于加强药品信息发布管理工作的通知",
            "关于加强药品信息发布管理工作的通知",
        ),  # 发布 is no wrapper here
        (
            "关于实施“优质服务基层行”活动和社区医院建设三年行动的通知",
            "关于实施优质服务基层行活动和社区医院建设三年行动的通知",
        ),
    ],
)
def test_title_key(title, key):
    assert title_key(title) == key


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("《常用临床医学名词（2019年版）》", ("常用临床医学名词", "2019版", False)),
        (
            "国家三级公立医院绩效考核操作手册（2023 版）",
            ("国家三级公立医院绩效考核操作手册", "2023版", False),
        ),
        ("国家卫生应急队伍管理办法(试行)", ("国家卫生应急队伍管理办法", None, True)),
        ("人体器官移植技术临床应用管理暂行规定", ("人体器官移植技术临床应用管理规定", None, True)),
        ("某某办法（2024年修订）", ("某某办法", "2024修订", False)),
        ("某某指南（第二版）", ("某某指南", "第二版", False)),
    ],
)
def test_edition_of(title, expected):
    assert edition_of(title) == expected


def test_edition_year():
    assert edition_year("2024版") == 2024
    assert edition_year("2024修订") == 2024
    assert edition_year("第二版") is None
    assert edition_year(None) is None


def test_width_and_bracket_variants_share_a_key():
    assert title_key("《国家卫生应急队伍管理办法（试行）》") == title_key("国家卫生应急队伍管理办法 (试行)")


@given(st.text(max_size=80))
def test_never_crashes(text):
    base, _, _ = edition_of(text)
    assert title_key(text) == base
