"""Citations resolve by 文号, then by title key, then by close title; otherwise to nothing."""

from __future__ import annotations

from datetime import date

from linking.model import Citation, KnownDoc
from linking.resolve import index_catalogue, resolve

CATALOGUE = [
    KnownDoc(
        1, "国卫医急发〔2024〕11号", "关于印发国家卫生应急队伍管理办法的通知", ("国家卫生健康委",), 2024
    ),
    KnownDoc(
        2, "国卫办医发〔2019〕23号", "关于加强二级公立医院绩效考核工作的通知", ("国家卫生健康委办公厅",), 2019
    ),
    KnownDoc(3, None, "国家二级公立医院绩效考核操作手册（2023版）", ("国家卫生健康委办公厅",), 2023),
    KnownDoc(4, None, "国家二级公立医院绩效考核操作手册（2024版）", ("国家卫生健康委办公厅",), 2024),
    KnownDoc(5, None, "国家三级公立医院绩效考核操作手册（2023版）", ("国家卫生健康委办公厅",), 2023),
    KnownDoc(6, "WS/T 347-2011", "血细胞分析校准指南", ("卫生部",), 2011),
    KnownDoc(
        7,
        "浙卫发〔2019〕54号",
        "浙江省卫生健康委员会关于印发浙江省医院评审办法的通知",
        ("浙江省卫生健康委员会",),
        2019,
    ),
    KnownDoc(8, None, "宁夏回族自治区卫生专业人员继续医学教育实施细则", ("宁夏回族自治区卫生厅",), 2012),
]


def test_by_doc_number_whatever_the_brackets():
    citation = Citation(
        "国卫办医发[2019]23号", "国卫办医发〔2019〕23号", "关于加强二级公立医院绩效考核工作的通知"
    )
    found = resolve(citation, CATALOGUE)
    assert (found.doc_id, found.method, found.score) == (2, "doc_number", 1.0)


def test_the_trial_text_is_not_its_successor():
    # 001 line 876: the 2010 试行 text is cited with a 文号 nobody holds; the 2024 办法 shares its name.
    citation = Citation(
        "卫办应急发〔2010〕183号", "卫办应急发〔2010〕183号", "国家卫生应急队伍管理办法(试行)"
    )
    found = resolve(citation, CATALOGUE, source_year=2024, source_id=1)
    assert found.doc_id is None and found.method is None


def test_by_exact_title_key_with_the_edition():
    found = resolve(
        Citation(None, None, "国家二级公立医院绩效考核操作手册（2023 版）"), CATALOGUE, source_year=2024
    )
    assert (found.doc_id, found.method) == (3, "title_exact")


def test_an_edition_less_title_takes_the_newest_edition_not_newer_than_the_source():
    citation = Citation(None, None, "国家二级公立医院绩效考核操作手册")
    assert resolve(citation, CATALOGUE, source_year=2024).doc_id == 4
    assert resolve(citation, CATALOGUE, source_year=2023).doc_id == 3


def test_by_wrapped_title():
    citation = Citation(None, None, "浙江省医院评审办法")
    assert resolve(citation, CATALOGUE).doc_id == 7


def test_fuzzy_title_within_threshold():
    # one character differs (卫生专业技术人员 / 卫生专业人员): 001 line 5784 against a catalogue spelling
    citation = Citation(None, None, "宁夏回族自治区卫生专业技术人员继续医学教育实施细则")
    found = resolve(citation, CATALOGUE, source_year=2024)
    assert (found.doc_id, found.method) == (8, "title_fuzzy")
    assert 0.9 <= found.score < 1.0


def test_fuzzy_does_not_join_different_instruments():
    citation = Citation(None, None, "国家一级公立医院绩效考核操作手册（2023版）")
    assert resolve(citation, CATALOGUE).doc_id is None


def test_a_different_doc_number_is_a_different_document():
    citation = Citation("浙卫发〔2024〕1号", "浙卫发〔2024〕1号", "浙江省医院评审办法")
    assert resolve(citation, CATALOGUE).doc_id is None


def test_a_citation_never_names_a_later_document():
    assert resolve(Citation(None, None, "浙江省医院评审办法"), CATALOGUE, source_year=2018).doc_id is None


def test_issuer_in_the_cited_title_must_agree():
    citation = Citation(None, None, "江苏省卫生健康委员会关于印发浙江省医院评审办法的通知")
    assert resolve(citation, CATALOGUE).doc_id is None


def test_standard_number():
    found = resolve(Citation("WS/T 347—2011", "WS/T 347-2011", None), CATALOGUE)
    assert (found.doc_id, found.method) == (6, "doc_number")
    assert resolve(Citation("WS/T 347—2024", "WS/T 347-2024", None), CATALOGUE).doc_id is None


def test_index_gives_the_same_answers():
    index = index_catalogue(CATALOGUE)
    for doc in CATALOGUE:
        citation = Citation(None, None, doc.title)
        assert resolve(citation, index) == resolve(citation, CATALOGUE)
        assert resolve(citation, index).doc_id == doc.id


def test_a_word_put_in_another_s_place_is_another_instrument():
    # h-corpus texts cite both 《中华人民共和国民事诉讼法》 and 《中华人民共和国刑事诉讼法》: one
    # character apart, far above the fuzzy threshold, never one law
    laws = [KnownDoc(20, None, "中华人民共和国刑事诉讼法", ("全国人民代表大会",), 2018)]
    assert resolve(Citation(None, None, "中华人民共和国民事诉讼法"), laws).doc_id is None
    # a word left out is a loose quotation of the same title
    loose = resolve(Citation(None, None, "中华人民共和国刑事诉讼"), laws)
    assert (loose.doc_id, loose.method) == (20, "title_fuzzy")


def test_a_placeholder_s_city_in_its_title_must_agree() -> None:
    # two cities' decisions of one name: the placeholder knows its city only from its title
    shenyang = [KnownDoc(30, None, "沈阳市人民代表大会常务委员会关于修改部分地方性法规的决定", (), None)]
    citation = Citation(None, None, "大连市人民代表大会常务委员会关于修改部分地方性法规的决定")
    assert resolve(citation, shenyang).doc_id is None
    same = Citation(None, None, "沈阳市人民代表大会常务委员会关于修改部分地方性法规的决定")
    assert resolve(same, shenyang).doc_id == 30


def test_a_close_title_never_resolves_to_a_placeholder():
    # 《中华人民共和国医师法》 and 《中华人民共和国执业医师法》 are two laws, 10 and 12 characters apart
    # by two: known only by citation, neither may absorb the other, or which one survives would
    # depend on which citation came first.
    placeholder = KnownDoc(20, None, "中华人民共和国执业医师法", placeholder=True)
    assert resolve(Citation(None, None, "中华人民共和国医师法"), [placeholder]).doc_id is None
    real = KnownDoc(20, None, "中华人民共和国执业医师法")
    assert resolve(Citation(None, None, "中华人民共和国医师法"), [real]).method == "title_fuzzy"


def test_a_placeholder_is_matched_on_its_date_as_well_as_its_title():
    # 关于修改部分法律的决定 of 2009-08-27 and one cited without a date may be two decisions
    dated = KnownDoc(21, None, "关于修改部分法律的决定", dates=(date(2009, 8, 27),), placeholder=True)
    undated = KnownDoc(22, None, "关于修改部分法律的决定", placeholder=True)
    on_2009 = Citation(None, None, "关于修改部分法律的决定", date(2009, 8, 27))
    assert resolve(on_2009, [undated]).doc_id is None
    assert resolve(on_2009, [dated, undated]).doc_id == 21
    assert resolve(Citation(None, None, "关于修改部分法律的决定"), [dated, undated]).doc_id == 22
