"""Editions of one instrument are ordered oldest → newest; different instruments stay apart."""

from __future__ import annotations

from linking.families import version_families
from linking.model import KnownDoc


def test_trial_text_to_formal_text():
    # 001 line 876: the 2010 试行 text is known only by citation (no issuer, no title prefix).
    docs = [
        KnownDoc(
            1, "国卫医急发〔2024〕11号", "关于印发国家卫生应急队伍管理办法的通知", ("国家卫生健康委",), 2024
        ),
        KnownDoc(2, "卫办应急发〔2010〕183号", "国家卫生应急队伍管理办法(试行)", (), 2010),
    ]
    assert version_families(docs) == [(2, 1, "trial_to_formal")]


def test_editions_in_order_whatever_the_input_order():
    docs = [
        KnownDoc(13, None, "国家二级公立医院绩效考核操作手册（2024版）", ("国家卫生健康委办公厅",), 2024),
        KnownDoc(11, None, "国家二级公立医院绩效考核操作手册（2022版）", ("国家卫生健康委办公厅",), 2022),
        KnownDoc(
            12, None, "国家二级公立医院绩效考核操作手册（2023 版）", ("国家卫生健康委员会办公厅",), 2023
        ),
        KnownDoc(20, None, "国家三级公立医院绩效考核操作手册（2023版）", ("国家卫生健康委办公厅",), 2023),
    ]
    assert version_families(docs) == [(11, 12, "edition"), (12, 13, "edition")]


def test_standard_revisions():
    docs = [
        KnownDoc(1, "WS/T 347-2024", "血细胞分析校准指南", (), 2024),
        KnownDoc(2, "WS/T 347-2011", "血细胞分析校准指南", (), 2011),
        KnownDoc(3, "WS/T 360-2011", "流式细胞术检测外周血淋巴细胞亚群指南", (), 2011),
    ]
    assert version_families(docs) == [(2, 1, "standard_revision")]


def test_trial_then_formal_then_revised():
    docs = [
        KnownDoc(1, None, "某某省医疗机构管理办法（2024年修订）", ("某某省卫生健康委",), 2024),
        KnownDoc(2, None, "某某省医疗机构管理办法", ("某某省卫生健康委",), 2019),
        KnownDoc(3, None, "某某省医疗机构管理办法（试行）", ("某某省卫生健康委",), 2015),
    ]
    assert version_families(docs) == [(3, 2, "trial_to_formal"), (2, 1, "edition")]


def test_different_issuers_same_name_are_not_one_family():
    docs = [
        KnownDoc(1, None, "医疗机构中药制剂备案管理实施细则", ("宁夏回族自治区药品监督管理局",), 2018),
        KnownDoc(2, None, "医疗机构中药制剂备案管理实施细则", ("青海省药品监督管理局",), 2024),
    ]
    assert version_families(docs) == []


def test_a_notice_and_the_instrument_it_issues_are_not_versions():
    docs = [
        KnownDoc(1, "国卫医急发〔2024〕11号", "关于印发国家卫生应急队伍管理办法的通知", (), 2024),
        KnownDoc(2, None, "国家卫生应急队伍管理办法", (), 2024),
    ]
    assert version_families(docs) == []
