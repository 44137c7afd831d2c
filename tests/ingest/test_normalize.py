from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ingest.normalize import (
    _FOLD,
    _FOLD_PAIRS,
    _fold,
    clean_lines,
    comparison_key,
    join_pdf_lines,
    numbered_furniture,
    page_artifacts,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_clean_lines_keeps_numbering():
    lines = clean_lines("\ufeff第一行  \r\n\r\n第三行\r第四行\f\n")
    assert lines == ["第一行", "", "第三行", "第四行", ""]


def test_clean_lines_matches_file_line_numbers():
    text = (SAMPLES / "000_55d9cc36d7393000.txt").read_text(encoding="utf-8")
    lines = clean_lines(text)
    assert lines[2] == "国卫通〔2023〕14号"  # line 3 of the file
    assert len(lines) == text.count("\n") + 1


def test_comparison_key_folds_style_only():
    assert comparison_key("國衛醫急發［２０２４］11號") == comparison_key("国卫医急发〔2024〕11号")
    assert comparison_key("第三条 （一）  “健康”，—") == comparison_key('第三条(一)"健康",-')
    assert comparison_key("第三条") != comparison_key("第四条")
    assert comparison_key("条例\n 内容") == "条例内容"


@given(st.text(max_size=40))
def test_comparison_key_is_idempotent(text):
    key = comparison_key(text)
    assert comparison_key(key) == key


def test_folding_one_character_after_another_is_one_translation():
    changed = {char for char, _ in _FOLD_PAIRS}
    assert all(changed.isdisjoint(folded) for _, folded in _FOLD_PAIRS)
    text = (SAMPLES / "001_efdf65539e5cb502.txt").read_text(encoding="utf-8")
    assert _fold(text) == text.translate(_FOLD)


@given(st.text(alphabet=st.sampled_from("".join(chr(c) for c in _FOLD) + "文号a -"), max_size=300))
def test_fold_equals_translate(text):
    assert _fold(text) == text.translate(_FOLD)


def test_join_pdf_lines_rejoins_broken_sentences():
    lines = [
        "第一条 为规范医疗监督执法工作，维护医",
        "",
        "疗秩序，制定本规范。",
        "",
        "第二条 本规范所称",
        "医疗监督执法。",
    ]
    assert (
        join_pdf_lines(lines)
        == "第一条 为规范医疗监督执法工作，维护医疗秩序，制定本规范。\n第二条 本规范所称医疗监督执法。"
    )


def test_join_pdf_lines_keeps_units_and_headings_apart():
    lines = [
        "一、总体要求",
        "落实规划要求，",
        "促进扩容",
        "（一）规范开展能力提升和社区医院",
        "建设。",
        "第二章 职责",
        "第五条 内容。",
    ]
    assert join_pdf_lines(lines).split("\n") == [
        "一、总体要求",
        "落实规划要求，促进扩容",
        "（一）规范开展能力提升和社区医院建设。",
        "第二章 职责",
        "第五条 内容。",
    ]


def test_join_pdf_lines_keeps_latin_words_apart():
    assert join_pdf_lines(["WS/T", "347"]) == "WS/T 347"


def test_page_artifacts_in_sample_000():
    lines = clean_lines((SAMPLES / "000_55d9cc36d7393000.txt").read_text(encoding="utf-8"))
    found = page_artifacts(lines)
    assert {lines[i].strip() for i in found} == {"国家卫生健康委员会公报 2023·12", "- 17 -"}


def test_page_artifacts_decorated_numbers_and_repeated_headers():
    lines = ["正文一。", "某某汇编", "·3·", "正文二。", "某某汇编", "— 5 —", "第 7 页", "国家卫生健康委"]
    assert page_artifacts(lines) == {1, 2, 4, 5, 6}


def test_numbered_furniture_with_words_around_the_page_number():
    body = ["第一条 正文。", "第二条 正文。", "第三条 正文。"]
    lines = [
        *body,
        "医药先锋系列之 第 1 页",
        *body,
        "医药先锋系列之 第 2 页",
        *body,
        "医药先锋系列之 第 3 页",
    ]
    assert numbered_furniture(lines) == {3, 7, 11}
    pages = [
        "第1页 共3页",
        "正文一。",
        "正文二。",
        "正文三。",
        "第2页 共3页",
        "正文四。",
        "正文五。",
        "正文六。",
    ]
    assert numbered_furniture(pages) == {0, 4}
    # the header of the first page, with no page number near it, goes with the others
    framed = [
        "某某政策汇编 2024年第3期",
        *body,
        "汇编资料之 第 1 页",
        "某某政策汇编 2024年第3期",
        *body,
        "汇编资料之 第 2 页",
    ]
    assert {framed[i] for i in page_artifacts(framed)} == {
        "某某政策汇编 2024年第3期",
        "汇编资料之 第 1 页",
        "汇编资料之 第 2 页",
    }


def test_numbered_lines_that_are_text_are_not_furniture():
    filler = ["正文一。", "正文二。", "正文三。"]
    numbered_lists = {
        "文号": ["国卫医急发〔2023〕35号", "国卫医急发〔2023〕37号", "国卫医急发〔2023〕39号"],
        "attachments": ["附件1", "附件2", "附件3"],
        "batches": ["第1批", "第2批", "第3批"],
        "a list": ["1．关于加强医疗管理的通知", "2．关于加强医疗管理的意见", "3．关于加强医疗管理的规定"],
        "once": ["医药先锋系列之 第 1 页"],
        "falling": ["医药先锋系列之 第 3 页", "医药先锋系列之 第 2 页"],
        "standards": ["WS/T 347-2011", "WS/T 348-2011", "WS/T 349-2011"],
    }
    for name, items in numbered_lists.items():
        lines = [line for item in items for line in (item, *filler)]
        assert numbered_furniture(lines) == set(), name
    consecutive = ["医药先锋系列之 第 1 页", "医药先锋系列之 第 2 页", "医药先锋系列之 第 3 页"]
    assert numbered_furniture(consecutive) == set()
