from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.errors import SegmentError
from ingest.parse import parse_text
from ingest.segment import segment, segment_compilation

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize(
    ("stem", "kind", "documents", "attachments"),
    [
        ("000_55d9cc36d7393000", "circulars", 8, 2),
        ("001_efdf65539e5cb502", "monthly", 84, 1),
        ("002_30e8a0af0eab940c", "gazette", 4, 2),
        ("003_4e5f185da6683083", "single", 1, 0),
        ("004_e5ceca2348398117", "circulars", 10, 1),
    ],
)
def test_samples_split_into_their_documents(stem, kind, documents, attachments):
    result = segment_compilation((SAMPLES / f"{stem}.txt").read_text(encoding="utf-8"))
    assert result.kind == kind
    assert len(result.spans) == documents
    assert sum(len(span.attachments) for span in result.spans) == attachments
    starts = [span.start_line for span in result.spans]
    assert starts == sorted(starts)
    for span in result.spans:
        assert span.start_line <= span.body_line <= span.end_line
        for child in span.attachments:
            assert span.end_line < child.start_line <= child.end_line


CIRCULARS = """国家卫生健康委员会通告

国卫通〔2024〕5号

现发布标准，编号和名称如下：

WS/T 347—2024 血细胞分析校准指南

特此通告。

国家卫生健康委

2024年4月2日
 关于印发某某管理办法的

通知

国卫医急发 [2024] 13 号

各省卫生健康委：

现印发给你们，请认真贯彻执行。

附件：某某管理办法

国家卫生健康委办公厅  国家中医药局综合司

2024年4月15日

附件1

某某管理办法

第一条 为了规范管理，制定本办法。

第二条 本办法自2024年5月1日起施行。
"""


def test_circulars_with_an_attachment():
    spans = segment(CIRCULARS)
    assert [span.title for span in spans] == ["国家卫生健康委员会通告", "关于印发某某管理办法的通知"]
    assert [span.doc_number for span in spans] == ["国卫通〔2024〕5号", "国卫医急发 [2024] 13 号"]
    assert spans[0].end_line == 13  # the date line
    [attachment] = spans[1].attachments
    assert (attachment.attachment_label, attachment.title) == ("附件1", "某某管理办法")
    assert spans[1].end_line < attachment.start_line


MONTHLY = """全国医药政策 月度汇编

目录

- 01 关于开展某项行动的通知
- 02 关于印发某某办法的通知
- 03 关于不存在的文件的通知

发文机关：国家卫生健康委办公厅、国家
中医药局综合司
成文日期：2024年3月19日
标 题：关于开展某项行动的通知
发文字号：国卫办医政发〔2024〕5号 发布日期：2024年3月20日
类 别：医疗政策 关 键 字：行动、通知

关于开展某项行动的通知

国卫办医政发〔2024〕5号

一、总体要求

做好工作。

国家卫生健康委办公厅

国家中医药局综合司

2024年3月19日

发文机关：某省卫生健康委员会
成文日期：2024 年 3 月 1 日
标题：关于印发某某办法的通知
发文字号：
发布日期：2024年3月2日

关于印发某某办法的通知

第一条 为规范工作，制定本办法。
"""


def test_monthly_blocks_and_contents_check():
    result = segment_compilation(MONTHLY)
    assert result.kind == "monthly"
    first, second = result.spans
    fields = dict(first.metadata)
    assert fields["发文机关"] == "国家卫生健康委办公厅、国家中医药局综合司"
    assert fields["发文字号"] == "国卫办医政发〔2024〕5号"
    assert fields["发布日期"] == "2024年3月20日"
    assert fields["关键字"] == "行动、通知"
    assert first.start_line == 9 and first.body_line == 16
    assert dict(second.metadata)["发文字号"] == ""
    assert any("不存在的文件" in str(warning) for warning in result.warnings)


GAZETTE = """中华人民共和国国家卫生健康委员会公报

目 录

关于甲事项的通知（国卫医政发〔2023〕11号）\t1
关于乙事项的通知（国卫医政发〔2023〕12号）\t3

CONTENTS

Circular on A.....1

关于甲事项的通知

国卫医政发〔2023〕11号

各省卫生健康委：

请遵照执行。

国家卫生健康委

2023年5月23日
"""


def test_gazette_reports_a_missing_contents_entry():
    result = segment_compilation(GAZETTE)
    assert result.kind == "gazette"
    assert [span.title for span in result.spans] == ["关于甲事项的通知"]
    assert any("关于乙事项的通知" in str(warning) for warning in result.warnings)


def test_single_document_without_a_number():
    text = "关于进一步完善医疗卫生服务体系的意见\n\n为深入贯彻党中央关于实施健康中国战略的决策部署，现提出如下意见。\n\n一、总体要求\n"
    result = segment_compilation(text)
    assert result.kind == "single"
    assert result.spans[0].title == "关于进一步完善医疗卫生服务体系的意见"


@pytest.mark.parametrize(
    "text", ["", "   \n\n", "hello world\nthis is not a regulation", "12345\n67890", "。。。"]
)
def test_text_without_documents_raises(text):
    with pytest.raises(SegmentError):
        segment(text)


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("关于通知第一条二、（三）国卫发〔2024〕5号年月日\n 附件：。，")),
        max_size=300,
    )
)
def test_arbitrary_text_splits_or_raises_segment_error(text):
    try:
        spans = segment(text)
    except SegmentError:
        return
    for span in spans:
        assert 1 <= span.start_line <= span.end_line


UNNUMBERED = """关于开展甲项工作的通知

各省、自治区、直辖市卫生健康委：

现就有关事项通知如下。

国家卫生健康委办公厅

2024年3月1日




关于印发乙项管理办法的通知

各省、自治区、直辖市及新疆生产建设兵团卫生健康委、发展改革委、

财政厅（局）、医保局：

现印发给你们，请遵照执行。

国家卫生健康委

2024年3月5日

国家药品监督管理局公告

2024年第3号

现公告如下。
"""


def test_circulars_without_a_bracketed_number():
    spans = segment(UNNUMBERED)
    assert [span.title for span in spans] == [
        "关于开展甲项工作的通知",
        "关于印发乙项管理办法的通知",
        "国家药品监督管理局公告",
    ]
    assert [span.doc_number for span in spans] == [None, None, "2024年第3号"]


def test_metadata_block_may_open_with_any_field():
    text = MONTHLY.replace(
        "发文机关：某省卫生健康委员会\n成文日期：2024 年 3 月 1 日\n",
        "成文日期：2024 年 3 月 1 日\n发文机关：某省卫生健康委员会\n",
    )
    spans = segment(text)
    assert len(spans) == 2
    assert dict(spans[1].metadata)["发文机关"] == "某省卫生健康委员会"
    assert "关于印发某某办法的通知" not in dict(spans[0].metadata)["关键字"]


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("关于印发办法的通知第一二三条章、（）国卫发〔2024〕5号年月日\n 附件1：。，发文机关标题类别")
        ),
        max_size=400,
    )
)
def test_parse_text_returns_a_compilation_or_raises_segment_error(text):
    try:
        compilation = parse_text(text)
    except SegmentError:
        return
    assert compilation.documents
    for document in compilation.documents:
        assert document.start_line <= document.end_line
        assert len({unit.label for unit in document.articles}) == len(document.articles)


def test_text_before_the_first_document_is_reported():
    preface = "本期导读：" + "卫生健康工作取得新进展，" * 30 + "。\n\n"
    result = segment_compilation(preface + CIRCULARS)
    assert len(result.spans) == 2
    assert any("before the first document" in str(warning) for warning in result.warnings)


def test_single_document_title_need_not_be_the_first_line():
    text = "首页 > 政策文件 > 正文。\n\n关于进一步完善医疗卫生服务体系的意见\n\n为深入贯彻党中央关于实施健康中国战略的决策部署，现提出如下意见。\n"
    [span] = segment(text)
    assert span.title == "关于进一步完善医疗卫生服务体系的意见"


def test_one_metadata_block_is_a_single_document():
    block = MONTHLY[MONTHLY.index("发文机关：某省") :]
    result = segment_compilation(block)
    assert result.kind == "single"
    [span] = result.spans
    assert dict(span.metadata)["标题"] == "关于印发某某办法的通知"
    assert span.start_line == 1
