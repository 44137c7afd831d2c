"""Issuers, signature blocks and metadata fields read from document spans."""

from datetime import date

import pytest

from ingest.issuers import complete_from_signature, is_issuer_line, issuers_in_title, split_issuers
from ingest.metadata import clean_heading, signature
from ingest.parse import parse_text


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("国 家 卫 生 健 康 委 中 央 编 办", ["国家卫生健康委", "中央编办"]),  # 000 line 3890
        ("人力资源社会保障部 农 业 农 村 部", ["人力资源社会保障部", "农业农村部"]),
        ("审 计 署\t国 务 院 国 资 委", ["审计署", "国务院国资委"]),  # 002 line 72
        ("全 国 总 工 会 共 青 团 中 央", ["全国总工会", "共青团中央"]),
        ("国 家 疾 控 局 综 合 司", ["国家疾控局综合司"]),
        ("国家卫生健康委办公厅  国家中医药局综合司", ["国家卫生健康委办公厅", "国家中医药局综合司"]),
        ("最高人民法院、最高人民检察院、公安部", ["最高人民法院", "最高人民检察院", "公安部"]),
        (
            "江西省医疗保障局 江西省卫生健康委员会江西省药品监督管理局",
            ["江西省医疗保障局", "江西省卫生健康委员会", "江西省药品监督管理局"],
        ),
        ("南 京 市 卫 生 健 康 委 员 会 南 京 市 财 政 局", ["南京市卫生健康委员会", "南京市财政局"]),
        ("中共河北省委机构编制委员会办公室", ["中共河北省委机构编制委员会办公室"]),
        ("国家医疗保障局办公室、教育部办公厅等", ["国家医疗保障局办公室", "教育部办公厅"]),
        (
            "上海市中医药事业发展领导小组办公室（上海市中医药管理局代章）",
            ["上海市中医药事业发展领导小组办公室"],
        ),
    ],
)
def test_split_issuers(text, names):
    assert split_issuers(text) == names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国 家 药 监 局", True),
        ("特此通知。", False),
        ("2.全国援外医疗工作先进个人名单", False),
        ("联系人：王伟", False),
    ],
)
def test_issuer_lines(text, expected):
    assert is_issuer_line(text) is expected


def test_truncated_field_is_completed_from_the_signature_by_position():
    signed = ["国家医保局办公室", "教育部办公厅", "国家卫生健康委办公厅", "全国妇联办公厅"]
    assert complete_from_signature("国家医疗保障局办公室、教育部办公厅等", signed) == [
        "国家医疗保障局办公室", "教育部办公厅", "国家卫生健康委办公厅", "全国妇联办公厅",
    ]  # fmt: skip
    assert complete_from_signature(
        "国家卫生健康委办公厅、国家", ["国家卫生健康委办公厅", "国家中医药局综合司"]
    ) == [
        "国家卫生健康委办公厅",
        "国家中医药局综合司",
    ]
    # a complete field stays as written even when more bodies signed
    assert complete_from_signature("甲省卫生健康委", ["甲省卫生健康委", "甲省财政厅"]) == ["甲省卫生健康委"]


def test_signature_block():
    lines = [
        "特此通知。",
        "",
        "国家卫生健康委  国家中医药局",
        "",
        "国 家 疾 控 局",
        "",
        "二〇二三年十二月四日",
    ]
    assert signature(lines, 0, len(lines)) == (
        ["国家卫生健康委", "国家中医药局", "国家疾控局"],
        date(2023, 12, 4),
    )
    assert signature(["正文。", "2024 年 03 月 29 日"], 0, 2) == ([], date(2024, 3, 29))


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (
            "《关于进一步完善医疗卫生服务体系的意见》《关于进一步完善医疗卫生服务体系的意见》",
            "关于进一步完善医疗卫生服务体系的意见",
        ),
        ("关于调整工作机制 成员单位及职责分工的通知", "关于调整工作机制成员单位及职责分工的通知"),
        ("关于印发 WS/T 347 标准的通知", "关于印发WS/T 347标准的通知"),
    ],
)
def test_clean_heading(raw, title):
    assert clean_heading(raw) == title


CIRCULAR = """关于印发某某管理办法的通知

国卫医急发〔2024〕13号

各省卫生健康委：

现印发给你们，请认真贯彻执行。

国家卫生健康委

2024年4月15日

某某管理办法

第一条 为了规范管理，制定本办法。医院评审结论有效期4年。

第二条 本办法自发布之日起30日后施行，有效期5年。
"""


def test_circular_fields_from_header_and_signature():
    [document] = parse_text(CIRCULAR, encoding="gb18030").documents
    assert document.title == "关于印发某某管理办法的通知"
    assert (document.doc_number, document.doc_number_canonical) == (
        "国卫医急发〔2024〕13号",
        "国卫医急发〔2024〕13号",
    )
    assert document.issuers == ("国家卫生健康委",)
    assert document.written_date == date(2024, 4, 15)
    assert document.published_date is None
    assert document.effective_date == date(2024, 5, 15)  # no 发布日期: written date + 30 days
    assert document.expiry_date == date(2029, 5, 14)  # 有效期5年: the last day in force
    assert [unit.label for unit in document.articles] == ["a1", "a2"]


def test_a_draft_for_comment_has_no_dates_of_its_own():
    draft = CIRCULAR.replace(
        "关于印发某某管理办法的通知", "关于公开征求某某管理办法（征求意见稿）意见的通知", 1
    )
    [document] = parse_text(draft).documents
    assert document.effective_date is None and document.expiry_date is None


@pytest.mark.parametrize(
    ("title", "issuers"),
    [
        ("国务院关于修改和废止部分行政法规的决定", ["国务院"]),  # corpus l06, p04
        (
            "最高人民法院、最高人民检察院关于办理危害药品安全刑事案件适用法律若干问题的解释",
            ["最高人民法院", "最高人民检察院"],
        ),
        ("关于废止部分规章的决定", []),  # no body named
        (
            "吉林市人大常委会关于废止部分地方性法规的决定",
            [],
        ),  # not a whole body's name as the reader knows them
    ],
)
def test_a_title_opening_with_bodies_names_the_issuers(title, issuers):
    assert issuers_in_title(title) == issuers


def test_an_order_page_is_the_rule_it_publishes():
    # corpus l28: a page titled by the order number; the rule's title is in its first sentence
    text = (
        "中华人民共和国海关总署令第269号\n\n2024年7月29日 公布\n\n"
        "《中华人民共和国实施金伯利进程证书制度管理规定》已于2024年7月23日经海关总署署务会议审议通过，"
        "现予公布，自2024年9月1日起施行。\n\n署长 俞建华\n\n2024年7月29日\n"
    )
    [document] = parse_text(text).documents
    assert document.title == "中华人民共和国实施金伯利进程证书制度管理规定"
    assert (document.doc_number_canonical, document.issuers) == ("海关总署令第269号", ("海关总署",))
    assert document.effective_date == date(2024, 9, 1)
