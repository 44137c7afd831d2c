import json
import os
from pathlib import Path

import pytest

from ingest.parse import parse_text
from ingest.structure import parse_structure

GOLDEN = Path(__file__).resolve().parents[1] / "golden"

CHAPTERS = """第一章 总 则

第一条 为规范医疗监督执法工作，维护医

疗秩序，制定本规范。

第二条 本规范所称医疗监督执法，指下列活动：

（一）监督检查；
- (二) 依法查处。

第二章 职 责

第一节 国家

第三条 国家卫生健康委负责指导全国工作。

县级以上地方卫生健康行政部门负责行政区域内工作。

依照第五条
第二节 地方

第四條 本规范自发布之日起施行。
"""


def test_chapters_sections_articles():
    units = parse_structure(CHAPTERS, 100)
    assert [u.label for u in units] == ["ch1/a1", "ch1/a2", "ch2/s1/a3", "ch2/s2/a4"]
    first, second, third, fourth = units
    assert first.text == "第一条 为规范医疗监督执法工作，维护医疗秩序，制定本规范。"
    assert (first.line, first.heading, first.path, first.number) == (102, "第一条", ("第一章 总 则",), 1)
    # items (一)/(二) stay inside their 条
    assert second.text.split("\n") == [
        "第二条 本规范所称医疗监督执法，指下列活动：",
        "（一）监督检查；",
        "- (二) 依法查处。",
    ]
    # 款: a second paragraph of the same 条; "依照第五条" is a reference, not a new article
    assert third.text.split("\n")[1] == "县级以上地方卫生健康行政部门负责行政区域内工作。"
    assert "依照第五条" in third.text
    assert third.path == ("第二章 职 责", "第一节 国家")
    assert (fourth.heading, fourth.number) == ("第四條", 4)  # traditional 條


def test_a_chapter_heading_is_a_heading_when_the_text_opens_mid_document():
    # an excerpt that starts at 第二章 (decisions quote chapters this way): the heading is never
    # glued into the article before it
    text = "第五条 医疗机构应当依法执业。\n第二章 临床应用管理\n第六条 临床应用应当遵守规范。\n第三章 附则\n第七条 本办法自公布之日起施行。"
    units = parse_structure(text, 1)
    assert [(u.label, u.path) for u in units] == [
        ("a5", ()),
        ("ch2/a6", ("第二章 临床应用管理",)),
        ("ch3/a7", ("第三章 附则",)),
    ]
    assert "临床应用管理" not in units[0].text


def test_articles_without_chapters_and_large_numbers():
    text = (
        "\n".join(f"第{n}条 内容{n}。" for n in ["一", "二", "三"]) + "\n第一百零二条 越号。\n第四条 内容。"
    )
    units = parse_structure(text, 1)
    # 第一百零二条 does not follow 第三条, so it is not an article marker
    assert [u.label for u in units] == ["a1", "a2", "a3", "a4"]
    many = "\n".join(f"第{n}条 内容。" for n in range(1, 106))
    assert parse_structure(many, 1)[-1].label == "a105"


def test_cross_reference_at_a_line_start_is_not_an_article():
    text = "第七条 申请人应当按照本办法\n第三条规定的程序办理。\n第八条 其他事项由省级部门规定。"
    assert [u.label for u in parse_structure(text, 1)] == ["a7", "a8"]
    broken = "第四条 申请人应当按照本办法的\n第五条规定办理相关手续。\n第五条 其他事项由省级部门规定。"
    assert [u.label for u in parse_structure(broken, 1)] == ["a4", "a5"]
    assert parse_structure(broken, 1)[1].line == 3


def test_items_and_subitems():
    text = (
        "一、总体要求\n\n落实规划要求，促进优质医疗资源扩容下沉。\n\n二、重点任务\n\n"
        "（一）规范开展能力提升和社区医院建设。到2025\n\n年达到标准。\n\n（二）支持建设。\n\n三、组织实施\n"
    )
    units = parse_structure(text, 10)
    assert [u.label for u in units] == ["i1", "i2", "i2/si1", "i2/si2", "i3"]
    assert [u.kind for u in units] == ["item", "item", "subitem", "subitem", "item"]
    assert units[2].text == "（一）规范开展能力提升和社区医院建设。到2025年达到标准。"
    assert units[2].path == ("二、重点任务",)
    assert units[0].line == 10


def test_an_item_out_of_sequence_is_text():
    text = "一、目标\n确保\n三、四级手术质量。\n二、任务\n"
    assert [u.label for u in parse_structure(text, 1)] == ["i1", "i2"]


def test_restarted_numbering_opens_a_new_part():
    text = "第一条 甲。\n第二条 乙。\n第一条 丙。\n第二条 丁。"
    assert [u.label for u in parse_structure(text, 1)] == ["a1", "a2", "pt2/a1", "pt2/a2"]


def test_paragraphs_when_there_is_no_structure():
    text = "为深入贯彻党中央决策部署，推动\n\n全面建立体系。\n\n现提出如下意见。"
    units = parse_structure(text, 5)
    assert [(u.label, u.text, u.line) for u in units] == [
        ("p1", "为深入贯彻党中央决策部署，推动全面建立体系。", 5),
        ("p2", "现提出如下意见。", 9),
    ]


def _serialise(text: str) -> dict:
    compilation = parse_text(text)

    def document(doc):
        return {
            "title": doc.title,
            "start_line": doc.start_line,
            "end_line": doc.end_line,
            "doc_number": doc.doc_number,
            "issuers": list(doc.issuers),
            "written_date": doc.written_date and doc.written_date.isoformat(),
            "effective_date": doc.effective_date and doc.effective_date.isoformat(),
            "attachment_label": doc.attachment_label,
            "units": [
                {
                    "label": u.label,
                    "kind": u.kind,
                    "number": u.number,
                    "heading": u.heading,
                    "path": list(u.path),
                    "line": u.line,
                    "text": u.text,
                }
                for u in doc.articles
            ],  # fmt: skip
            "attachments": [document(child) for child in doc.attachments],
        }

    return {"kind": compilation.kind, "documents": [document(d) for d in compilation.documents]}


CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.txt").exists()) if GOLDEN.exists() else []


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    folder = GOLDEN / case
    actual = _serialise((folder / "input.txt").read_text(encoding="utf-8"))
    expected_path = folder / "expected.json"
    if os.environ.get("REGTRACK_REGEN_GOLDEN") == "1":
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected, (
        f"golden case {case} changed; review and regenerate with REGTRACK_REGEN_GOLDEN=1"
    )


def test_a_structure_no_real_document_has_is_a_notice():
    from ingest.parse import parse_text

    repeated = parse_text("某某管理办法\n" + "第一条 为了规范管理，制定本办法。\n" * 500)
    (notice,) = [w for w in repeated.warnings if w.kind == "article_numbers_out_of_order"]
    assert notice.line == 2 and notice.params["articles"] == 500 and notice.params["in_order"] == 1
    joined = parse_text(
        "某某管理办法\n第一条 " + "为了规范管理，制定本办法。" * 3000 + "\n第二条 本办法自公布之日起施行。\n"
    )
    (notice,) = [w for w in joined.warnings if w.kind == "unit_too_long"]
    assert notice.params["unit"] == "第一条" and notice.params["characters"] > 30_000
    assert "原文的条文分隔可能已丢失" in notice.chinese()


def test_real_structures_raise_no_structure_notice():
    from ingest.parse import parse_text

    renumbered = "".join(f"第{n}条 内容。\n" for n in (*range(1, 30), *range(31, 60)))  # one article deleted
    quoted = "关于修改某办法的决定\n" + "".join(f"第{n}条 内容。\n第{n}条 新的内容。\n" for n in range(1, 12))
    for text in ("某某管理办法\n" + renumbered, quoted):
        kinds = {w.kind for w in parse_text(text).warnings}
        assert not kinds & {"unit_too_long", "article_numbers_out_of_order"}, text[:40]
