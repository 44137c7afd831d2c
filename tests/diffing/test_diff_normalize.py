"""Comparison keys and paragraph units: the differ's view of a text."""

from __future__ import annotations

import opencc
import pytest

from diffing.chardiff import char_ops, cosmetic_flags, cut_ops
from diffing.model import DELETE, EQUAL, INSERT
from diffing.units import paragraph_units
from ingest.normalize import comparison_key, to_simplified
from tests.support.diff_corpus import DOCUMENTS, SAMPLES


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("国卫医急发〔2024〕11号", "国卫医急发[2024]11号"),
        ("国卫医急发〔2024〕11号", "国卫医急发（2024）11号"),
        ("国卫医急发〔2024〕11号", "国卫医急发﹝2024﹞11号"),
        ("国卫医急发〔2024〕11号", "国卫医急发【2024】11号"),
        ("国卫医急发〔2024〕11号", "国卫医急发［2024］11号"),
        ("国卫办医政函 〔2024〕 86 号", "国卫办医政函〔2024〕86号"),
        ("WS/T 347—2024", "WS/T 347-2024"),
        ("WS/T 347–2024", "WS/T 347―2024"),
        ("ＷＳ／Ｔ　３４７－２０２４", "WS/T 347-2024"),
        (
            "本办法自印发之日起施行,《国家卫生应急队伍管理办法(试行)》",
            "本办法自印发之日起施行，《国家卫生应急队伍管理办法（试行）》",
        ),
        ("年龄原则上不超过 50 周岁；", "年龄原则上不超过50周岁;"),
        ("原则上所有医\n\n疗卫生机构", "原则上所有医疗卫生机构"),
        ("“人民至上、生命至上”", '"人民至上、生命至上"'),
        ("卫生应急管理人員", "卫生应急管理人员"),
        ("第九條", "第九条"),
        ("义务；\n- (二) 身体健康", "义务；（二）身体健康"),
        ("3～5台", "3~5台"),
    ],
)
def test_style_variants_share_a_key(a, b):
    assert comparison_key(a) == comparison_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("队员原则上3年进行一次调整", "队员原则上5年进行一次调整"),
        ("应当", "可以"),
        ("《办法》", "〈办法〉"),  # title marks are wording, not brackets
        ("国卫医急发〔2024〕11号", "国卫医急发〔2024〕12号"),
        ("第一条 a - b", "第一条 a b"),  # a dash inside a sentence is no bullet
        ("承建单位、委托建设单位", "承建单位，委托建设单位"),  # 、 and ， are different marks
    ],
)
def test_wording_changes_change_the_key(a, b):
    assert comparison_key(a) != comparison_key(b)


def test_simplified_text_skips_the_converter_and_traditional_text_is_converted():
    assert to_simplified("国家卫生应急队伍") == "国家卫生应急队伍"
    assert to_simplified("醫療衛生機構") == "医疗卫生机构"
    assert to_simplified("一目瞭然") == "一目了然"  # a phrase entry, not a character entry


def test_converting_only_traditional_runs_equals_converting_the_whole_text():
    whole = opencc.OpenCC("t2s")
    simplified = (SAMPLES / "001_efdf65539e5cb502.txt").read_text(encoding="utf-8")[:20000]
    traditional = opencc.OpenCC("s2t").convert(simplified)
    mixed = simplified[:5000] + "醫療衛生機構，一目瞭然；" + simplified[5000:9000] + "（卫生應急）"
    for text in (traditional, mixed):
        assert to_simplified(text) == whole.convert(text)


def test_key_of_a_whole_sample_is_stable_under_restyling():
    text = (SAMPLES / "001_efdf65539e5cb502.txt").read_text(encoding="utf-8")
    restyled = text.replace("，", ",").replace("（", "(").replace("）", ")").replace("\n", "\n\n")
    assert comparison_key(text) == comparison_key(restyled)


def test_char_ops_mark_deletions_and_insertions():
    ops = char_ops("队员原则上3年进行一次调整。", "队员原则上5年进行一次调整，符合条件的可继续留任。")
    assert ops[0] == (EQUAL, "队员原则上")
    assert (DELETE, "3") in ops and (INSERT, "5") in ops
    assert (INSERT, "，符合条件的可继续留任") in ops
    assert char_ops("", "") == ()
    assert char_ops("同", "同") == ((EQUAL, "同"),)


def test_cut_ops_keeps_a_boundary_deletion_with_the_earlier_piece():
    ops = char_ops("第五条 甲。\n乙。", "第五条 甲。第六条 乙。")
    first, second = cut_ops(ops, [len("第五条 甲。")], side="new")
    assert "".join(t for op, t in first if op != INSERT) == "第五条 甲。\n"
    assert "".join(t for op, t in second if op != DELETE) == "第六条 乙。"


def test_paragraph_units_rejoin_pdf_broken_lines():
    text = (SAMPLES / "003_4e5f185da6683083.txt").read_text(encoding="utf-8")
    units = paragraph_units(text)
    assert [u.label for u in units[:3]] == ["p1", "p2", "p3"]
    assert all(u.kind == "paragraph" and u.number is None and u.heading == "" for u in units)
    news = next(u for u in units if "近日" in u.text)
    assert news.text.endswith(
        "近日，中共中央办公厅、国务院办公厅印发了《关于进一步完善医疗卫生服务体系的意见》，"
        "并发出通知，要求各地区各部门结合实际认真贯彻落实。"
    )
    assert "\n" not in news.text and news.line <= 3
    heading = next(u for u in units if u.text.startswith("一、总体要求"))
    assert heading.text == "一、总体要求一、总体要求"  # a short line ends its paragraph


def test_paragraph_units_of_blank_text():
    assert paragraph_units("") == ()
    assert paragraph_units("\n\n  \n") == ()


def test_paragraph_units_join_latin_words_with_a_space():
    units = paragraph_units("The quick brown fox jumps over\nthe lazy dog and keeps going on.\nEnd.")
    assert units[0].text == "The quick brown fox jumps over the lazy dog and keeps going on."


def test_corpus_documents_have_their_articles():
    counts = {doc.name: len(doc.units()) for doc in DOCUMENTS}
    assert counts == {
        "emergency_teams": 32,
        "heilongjiang_devices": 36,
        "hospital_inspection": 36,
        "transplant_ethics": 24,
        "health_system_items": 38,
    }


def test_cosmetic_flags_mark_style_only_runs():
    old = "队员原则上3年进行一次调整，符合条件的可继续留任。"
    new = "队员原则上5年进行一次调整,符合条件的\n可继续留任。"
    ops = char_ops(old, new)
    flags = cosmetic_flags(ops)
    assert len(flags) == len(ops)
    real = [text for (op, text), flag in zip(ops, flags, strict=True) if op != EQUAL and not flag]
    style = [text for (op, text), flag in zip(ops, flags, strict=True) if op != EQUAL and flag]
    assert real == ["3", "5"]
    assert sorted(style) == sorted(["，", ",", "\n"])
