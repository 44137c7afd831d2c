"""Short titles (以下简称《X》 / 以下称《X》) stand for the document they abbreviate for the rest of the
text: named again, it is that document, never a second one (real quotes from dev texts)."""

from __future__ import annotations

from linking.extract import extract_relations
from linking.mentions import find_aliases, find_mentions
from linking.model import SourceDoc


def test_yixia_cheng_binds_the_short_title_to_the_full_one():
    # h01 第一条
    text = "第一条 为了加强放射性药品的管理，根据《中华人民共和国药品管理法》(以下称《药品管理法》)的规定，制定本办法。"
    mentions = find_mentions(text)
    assert [m.citation.title for m in mentions] == ["中华人民共和国药品管理法"]
    aliases = find_aliases(text, mentions)
    assert aliases["药品管理法"].title == "中华人民共和国药品管理法"
    [again] = find_mentions("违反《药品管理法》规定的，依法处理。", aliases=aliases)
    assert again.alias and again.citation.title == "中华人民共和国药品管理法"


def test_one_bracket_defines_three_short_titles_in_order():
    # h18 第一条
    text = (
        "根据《中华人民共和国药品管理法》、《中华人民共和国海关法》、《中华人民共和国药品管理法实施条例》"
        "（以下简称《药品管理法》、《海关法》、《药品管理法实施条例》）及相关法律法规的规定，制定本办法。"
    )
    aliases = find_aliases(text, find_mentions(text))
    assert {k: v.title for k, v in aliases.items()} == {
        "药品管理法": "中华人民共和国药品管理法",
        "海关法": "中华人民共和国海关法",
        "药品管理法实施条例": "中华人民共和国药品管理法实施条例",
    }


def test_a_short_title_named_again_is_not_cited_anew():
    text = "\n".join(
        [
            "第一条 为了加强放射性药品的管理，根据《中华人民共和国药品管理法》(以下称《药品管理法》)的规定，制定本办法。",
            "第二十六条 违反本办法规定的，依照《药品管理法》和有关法规的规定处罚。",
        ]
    )
    relations = extract_relations(SourceDoc("h01", text, 1, None, "放射性药品管理办法"))
    assert [(r.kind, r.citation.title) for r in relations if r.citation] == [
        ("cites", "中华人民共和国药品管理法")
    ]


def test_interpretations_and_drafts_are_documents():
    # h28 "《最高人民法院、最高人民检察院关于…的解释》（法释〔2013〕12号）"; h16 "《…暂行规定(草案)》"
    from linking.mentions import is_normative_title

    assert is_normative_title(
        "最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释"
    )
    assert is_normative_title("中、小学卫生工作暂行规定(草案)")
