"""Policy web pages: main body, 信息公开 metadata, charsets, and what must be left out."""

from __future__ import annotations

import pytest

from ingest.decode import decode
from ingest.html import html_to_text
from tests.support.builders import ARTICLE_32, body_paragraphs, gov_page

PARAGRAPHS = body_paragraphs()
GOV_BLOCK = [
    "发文机关： 国家卫生健康委、国家中医药局、国家疾控局",
    "成文日期： 2024年03月19日",
    "标 题： 关于印发国家卫生应急队伍管理办法的通知",
    "发文字号： 国卫医急发〔2024〕11号",
    "发布日期： 2024年03月22日",
    "类 别： 卫生、体育\\卫生",
]


@pytest.fixture(scope="module")
def gov() -> tuple[str, dict[str, str], str]:
    decoded = decode(gov_page(PARAGRAPHS).encode("utf-8"), filename="content_5641234.htm")
    return decoded.text, decoded.html_metadata, decoded.encoding


def test_gov_page_metadata_table_becomes_a_dict(gov: tuple[str, dict[str, str], str]) -> None:
    _, metadata, encoding = gov
    assert encoding == "utf-8"
    assert metadata == {
        "索引号": "000013610/2024-00123",
        "主题分类": "卫生、体育\\卫生",
        "发文机关": "国家卫生健康委、国家中医药局、国家疾控局",
        "成文日期": "2024年03月19日",
        "标题": "关于印发国家卫生应急队伍管理办法的通知",
        "发文字号": "国卫医急发〔2024〕11号",
        "发布日期": "2024年03月22日",
    }


def test_gov_page_text_opens_with_a_001_shaped_block_then_the_document(
    gov: tuple[str, dict[str, str], str],
) -> None:
    text, _, _ = gov
    lines = text.split("\n")
    assert lines[: len(GOV_BLOCK)] == GOV_BLOCK
    assert lines[len(GOV_BLOCK) : len(GOV_BLOCK) + 4] == ["", PARAGRAPHS[0], "", PARAGRAPHS[1]]
    assert lines.count(PARAGRAPHS[0]) == 1  # the <h1> title is already the body's first line


def test_gov_page_body_keeps_every_paragraph_on_its_own_line(gov: tuple[str, dict[str, str], str]) -> None:
    text, _, _ = gov
    body = text.split("\n\n")[1:]
    assert body == PARAGRAPHS
    assert ARTICLE_32 in body


@pytest.mark.parametrize(
    "junk", ["脚本里的假条文", "统计代码", "导航", "首页", "主办单位", "分享到", "line-height"]
)
def test_gov_page_leaves_out_scripts_styles_nav_footer_and_widgets(
    gov: tuple[str, dict[str, str], str], junk: str
) -> None:
    assert junk not in gov[0]


def test_gb2312_declared_page_with_gbk_only_characters_is_read_as_gb18030() -> None:
    page = gov_page(["经研究，同意王喆、朱镕同志任职。", *PARAGRAPHS[:3]], charset="gb2312")
    decoded = decode(page.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert "经研究，同意王喆、朱镕同志任职。" in decoded.text.split("\n")


def test_charset_from_the_http_content_type_when_the_page_declares_none() -> None:
    page = (
        "<html><body><div id='zoom'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:4])
        + "</div></body></html>"
    )
    decoded = decode(page.encode("gb18030"), content_type="text/html; charset=GBK")
    assert (decoded.encoding, decoded.text.split("\n\n")) == ("gb18030", PARAGRAPHS[:4])


def test_a_wrong_charset_declaration_falls_back_to_detection() -> None:
    page = gov_page(PARAGRAPHS[:8], charset="utf-8")  # says utf-8, saved as GBK
    decoded = decode(page.encode("gb18030"))
    assert decoded.encoding == "gb18030"
    assert decoded.text.split("\n")[0] == GOV_BLOCK[0]


def test_without_a_known_container_the_largest_text_block_is_the_body() -> None:
    page = f"""<html><body>
    <div class="top"><h1>国家卫生健康委员会关于印发医疗机构投诉管理办法的通知</h1></div>
    <div class="side"><p>热点</p><p>专题</p><p>图片新闻</p></div>
    <div class="main-text">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:9])}</div>
    <div class="side"><p>相关链接：国家中医药管理局</p></div>
    </body></html>"""
    decoded = decode(page.encode("utf-8"))
    assert decoded.html_metadata == {}
    assert decoded.text.split("\n\n") == [
        "国家卫生健康委员会关于印发医疗机构投诉管理办法的通知",
        *PARAGRAPHS[2:9],
    ]


def test_key_value_spans_and_definition_lists_are_metadata_too() -> None:
    page = """<html><body>
    <div class="xxgk"><span>发文字号：国卫办医政函〔2024〕86号</span><span>成文日期：2024-03-01</span>
    <dl><dt>发布机构</dt><dd>国家卫生健康委办公厅</dd></dl><p>主 题 词： 医疗机构、投诉</p></div>
    <div class="TRS_Editor"><p>各省、自治区、直辖市卫生健康委：</p>
    <p>发布日期：以本通知印发之日为准。联系人：医政司</p></div></body></html>"""
    decoded = decode(page.encode("utf-8"))
    assert decoded.html_metadata == {
        "发文字号": "国卫办医政函〔2024〕86号",
        "成文日期": "2024-03-01",
        "发布机构": "国家卫生健康委办公厅",
        "主题词": "医疗机构、投诉",
    }
    assert decoded.text.split("\n") == [
        "发文机关： 国家卫生健康委办公厅",
        "成文日期： 2024-03-01",
        "发文字号： 国卫办医政函〔2024〕86号",
        "关 键 字： 医疗机构、投诉",
        "",
        "各省、自治区、直辖市卫生健康委：",
        "",
        "发布日期：以本通知印发之日为准。联系人：医政司",
    ]


def test_metadata_table_inside_the_body_is_parsed_and_taken_out_of_the_text() -> None:
    page = """<div id="zoom"><table><tr><th>标题</th><td>关于加强助产服务管理的通知</td></tr>
    <tr><th>文号</th><td>国卫办妇幼函〔2024〕61号</td></tr><tr><th>发布日期</th><td>2024-03-08</td></tr></table>
    <p>各省、自治区、直辖市卫生健康委：</p><p>为加强助产服务管理，现就有关要求通知如下。</p></div>"""
    page_text = html_to_text(page)
    assert page_text.metadata == {
        "标题": "关于加强助产服务管理的通知",
        "文号": "国卫办妇幼函〔2024〕61号",
        "发布日期": "2024-03-08",
    }
    assert page_text.text.split("\n") == [
        "标 题： 关于加强助产服务管理的通知",
        "发文字号： 国卫办妇幼函〔2024〕61号",
        "发布日期： 2024-03-08",
        "",
        "关于加强助产服务管理的通知",
        "",
        "各省、自治区、直辖市卫生健康委：",
        "",
        "为加强助产服务管理，现就有关要求通知如下。",
    ]


def test_br_separated_text_tables_and_entities() -> None:
    page = """<div class="pages_content">&nbsp;&nbsp;第一条　为了规范管理，制定本办法。<br/>
    &nbsp;&nbsp;第二条　本办法自印发之日起施行。<br><br>附件1 人员构成要求
    <table><tr><td>类别</td><td>人数</td></tr><tr><td>应急管理</td><td>30人以上</td></tr></table>
    国家卫生健康委&lt;办公厅&gt;<br>2024年3月19日</div>"""
    assert html_to_text(page).text.split("\n") == [
        "第一条　为了规范管理，制定本办法。",
        "第二条　本办法自印发之日起施行。",
        "",
        "附件1 人员构成要求",
        "",
        "类别\t人数",
        "",
        "应急管理\t30人以上",
        "",
        "国家卫生健康委<办公厅>",
        "2024年3月19日",
    ]


def test_an_empty_page_is_a_decode_error() -> None:
    from ingest.errors import DecodeError

    with pytest.raises(DecodeError, match=r"^empty file \(no text after decoding\)$"):
        decode(b"<!DOCTYPE html><html><head><script>var a=1;</script></head><body> </body></html>")


def test_body_split_into_one_div_per_paragraph_is_found_whole() -> None:
    divs = "".join(f"<div class='p'><p>{p}</p></div>" for p in PARAGRAPHS[:30])
    page = f"<html><body><div class='side'><p>{'热点新闻' * 5}</p></div><div class='c'>{divs}</div></body></html>"
    assert html_to_text(page).text.split("\n\n") == PARAGRAPHS[:30]


def test_text_split_by_br_outweighs_a_short_paragraph_list() -> None:
    page = f"""<html><body><ul><li><p>首页</p></li><li><p>机构</p></li></ul>
    <div class="text">{"<br>".join(PARAGRAPHS[10:16])}</div></body></html>"""
    assert html_to_text(page).text.split("\n") == PARAGRAPHS[10:16]


def test_deeply_nested_page_is_read_without_recursion() -> None:
    depth = 5000
    page = "<html><body>" + "<div>" * depth + f"<p>{ARTICLE_32}</p>" + "</div>" * depth + "</body></html>"
    assert ARTICLE_32 in html_to_text(page).text.split("\n")


def test_declared_charset_tolerates_one_damaged_byte_in_a_long_page() -> None:
    page = gov_page(PARAGRAPHS, charset="utf-8").encode("utf-8")
    at = page.index(b"<p", 5000)  # between two characters: one replacement character
    damaged = page[:at] + b"\xff" + page[at:]
    decoded = decode(damaged)
    assert decoded.encoding == "utf-8"
    assert decoded.text.count("\ufffd") == 1
    assert ARTICLE_32 in decoded.text.split("\n")
