"""The 题注 of laws and regulations, with real quotes from development texts of the corpus."""

from datetime import date

from ingest.header import read_header
from ingest.parse import parse_text


def test_one_event_a_line_with_amendments():
    # h05 (医疗机构管理条例, LawRefBook)
    lines = [
        "医疗机构管理条例",
        "",
        "1994年2月26日 中华人民共和国国务院令第149号发布",
        "",
        "2016年2月6日 《国务院关于修改部分行政法规的决定》修订",
        "",
        "第一章　总则",
    ]
    header = read_header(lines)
    assert header is not None
    assert (header.identifier, header.issuers, header.published_date) == (
        "国务院令第149号",
        ("国务院",),
        date(1994, 2, 26),
    )
    [amended] = header.amendments
    assert (amended.date, amended.decision, amended.line) == (
        date(2016, 2, 6),
        "国务院关于修改部分行政法规的决定",
        4,
    )
    assert header.last_line == 4


def test_one_bracketed_paragraph():
    # h14 (危险废物经营许可证管理办法): events apart by &emsp;, each amendment after 根据
    line = (
        "(2004年5月30日中华人民共和国国务院令第408号公布&emsp;根据2013年12月7日《国务院关于修改部分行政法规"
        "的决定》第一次修订&emsp;根据2016年2月6日《国务院关于修改部分行政法规的决定》第二次修订)"
    )
    header = read_header(["::: tip 修订信息", "", line, "", ":::"])
    assert header is not None
    assert header.identifier == "国务院令第408号"
    assert [(e.date, e.decision) for e in header.amendments] == [
        (date(2013, 12, 7), "国务院关于修改部分行政法规的决定"),
        (date(2016, 2, 6), "国务院关于修改部分行政法规的决定"),
    ]


def test_a_law_is_published_on_adoption_by_the_legislature():
    # h06 (国境卫生检疫法): 通过 by the NPC Standing Committee, 修正 by its decisions
    header = read_header(
        [
            "1986年12月2日 第六届全国人民代表大会常务委员会第十八次会议通过",
            "2007年12月29日 第十届全国人民代表大会常务委员会第三十一次会议《关于修改<中华人民共和国国境卫生检疫法>的决定》第一次修正",
        ]
    )
    assert header is not None
    assert header.issuers == ("全国人民代表大会常务委员会",)
    assert header.published_date == date(1986, 12, 2)
    assert header.amendments[0].decision == "关于修改<中华人民共和国国境卫生检疫法>的决定"


def test_courts_adopting_on_two_dates_publish_on_neither():
    # h28: a joint interpretation adopted by two bodies, no 公布 line
    header = read_header(
        [
            "2021年12月13日 最高人民法院审判委员会第1856次会议、2021年12月29日最高人民检察院第十三届检察委员会第八十四次会议通过",
            "2022年1月1日 施行",
        ]
    )
    assert header is not None
    assert header.issuers == ("最高人民法院", "最高人民检察院")
    assert header.published_date is None
    assert header.effective_date == date(2022, 1, 1)


def test_joint_orders_over_two_lines_and_effective_on_publication():
    # h16 (学校卫生工作条例): 国务院批准 is no issuer; the two orders are one event
    header = read_header(
        [
            "1990年4月25日 国务院批准",
            "1990年6月4日 国家教育委员会令第10号",
            "卫生部令第1号发布",
            "发布之日施行",
        ]
    )
    assert header is not None
    assert header.identifier == "国家教育委员会令第10号、卫生部令第1号"
    assert header.issuers == ("国家教育委员会", "卫生部")
    assert header.effective_date == header.published_date == date(1990, 6, 4)


def test_the_order_number_under_the_header():
    # l01: "2026年6月5日 国家卫生健康委员会公布", then the 令 that opens the text
    header = read_header(
        [
            "2026年6月5日 国家卫生健康委员会公布",
            "",
            "中华人民共和国国家卫生健康委员会令第15号《国家卫生健康委关于修改和废止部分部门规章的决定》已经2026年5月8日第1次委务会议审议通过，现予公布，自公布之日起施行。",
        ]
    )
    assert header is not None
    assert header.identifier == "国家卫生健康委员会令第15号"


def test_parse_reads_header_metadata_and_keeps_one_document():
    # h17 (女职工劳动保护特别规定)
    text = "\n".join(
        [
            "女职工劳动保护特别规定",
            "",
            "2012年4月18日 国务院第200次常务会议通过",
            "",
            "2012年4月28日 中华人民共和国国务院令第619号公布",
            "",
            "公布之日施行",
            "",
            "第一条 为了减少和解决女职工在劳动中因生理特点造成的特殊困难，保护女职工健康，制定本规定。",
            "第二条 中华人民共和国境内的国家机关、企业、事业单位适用本规定。",
        ]
    )
    [doc] = parse_text(text).documents
    assert doc.title == "女职工劳动保护特别规定"
    assert (doc.doc_number, doc.doc_number_canonical) == ("国务院令第619号", "国务院令第619号")
    assert doc.issuers == ("国务院",)
    assert doc.published_date == doc.effective_date == date(2012, 4, 28)


def test_a_circular_has_no_header():
    assert (
        read_header(
            ["关于印发某办法的通知", "国卫医发〔2024〕11号", "各省、自治区：", "现将《某办法》印发给你们。"]
        )
        is None
    )


def test_local_congress_abbreviated_and_adopted_after_review():
    # l24 "吉林市第十四届人大常委会第20次会议通过"; l25 "经…第十九届人民代表大会第四次会议审议通过"
    header = read_header(["2010年9月27日 吉林市第十四届人大常委会第20次会议通过"])
    assert header is not None and header.issuers == ("吉林市人民代表大会常务委员会",)
    assert header.published_date == date(2010, 9, 27)
    header = read_header(["2025年1月14日 经前郭尔罗斯蒙古族自治县第十九届人民代表大会第四次会议审议通过"])
    assert header is not None and header.issuers == ("前郭尔罗斯蒙古族自治县人民代表大会",)


def test_title_and_header_above_the_number_line_are_one_document():
    # l14: the 题注 under the title, then the title again over its 法释 number
    text = "\n".join(
        [
            "最高人民法院关于审理行政赔偿案件若干问题的规定",
            "",
            "2021年12月6日 最高人民法院审判委员会第1855次会议通过",
            "",
            "2022年5月1日 施行",
            "",
            "最高人民法院",
            "",
            "关于审理行政赔偿案件若干问题的规定",
            "",
            "法释〔2022〕10号",
            "",
            "为保护公民、法人和其他组织的合法权益，监督行政机关依法履行行政赔偿义务，制定本规定。",
            "第一条 本规定适用于行政赔偿案件。",
        ]
    )
    compilation = parse_text(text)
    [doc] = compilation.documents
    assert (doc.start_line, doc.doc_number, doc.issuers) == (1, "法释〔2022〕10号", ("最高人民法院",))
    assert (doc.published_date, doc.effective_date) == (date(2021, 12, 6), date(2022, 5, 1))
    assert not compilation.warnings


def test_a_short_line_then_the_official_paragraph_with_its_order_and_effective_date():
    # n01 (卫生健康行政处罚程序规定, Theonefkguy): the repository's line, then the official 题注 with
    # 自…起施行 inside the brackets and a full stop before the closing bracket.
    lines = [
        "卫生健康行政处罚程序规定",
        "",
        "2025年4月18日 国家卫生健康委员会公布",
        "",
        "（2025年4月18日国家卫生健康委员会令第13号公布 自2025年6月1日起施行。）",
        "",
        "第一章 总 则",
    ]
    header = read_header(lines)
    assert header is not None
    assert (header.identifier, header.issuers) == ("国家卫生健康委员会令第13号", ("国家卫生健康委员会",))
    assert (header.published_date, header.effective_date) == (date(2025, 4, 18), date(2025, 6, 1))


def test_one_order_of_several_issuers():
    # n02 (吸毒成瘾认定办法, Theonefkguy): the number follows the last issuer.
    header = read_header(
        ["吸毒成瘾认定办法", "", "（2011年1月30日公安部、卫生部令第115号发布）", "", "第一条 …"]
    )
    assert header is not None
    assert (header.identifier, header.issuers) == ("公安部、卫生部令第115号", ("公安部", "卫生部"))
    assert header.published_date == date(2011, 1, 30)
    # Several orders, each with its own number, stay several (h16).
    assert read_header(["（1990年6月4日国家教育委员会令第10号、卫生部令第1号发布）"]).identifier == (  # type: ignore[union-attr]
        "国家教育委员会令第10号、卫生部令第1号"
    )


def test_a_bracket_opened_on_the_first_line_of_one_event_a_line():
    # u03 (医师资格考试暂行办法, Theonefkguy/Chinese-Laws): the bracket opens on the first event's line
    # and closes on the last's, and publication and effect share the first line
    lines = [
        "医师资格考试暂行办法",
        "",
        "（1999年7月16日卫生部令第4号发布 自发布之日起施行",
        " 根据2002年2月5日《卫生部关于修改〈医师资格考试暂行办法〉第十七条的通知》（卫医发〔2002〕37号）第一次修订",
        " 根据2018年6月7日《国家卫生健康委员会关于宣布失效第三批委文件的决定》（国卫办发〔2018〕15号）第三次修订和第四次修订废止）",
        "",
        "第一章 总 则",
    ]
    header = read_header(lines)
    assert header is not None
    assert (header.identifier, header.issuers, header.published_date, header.effective_date) == (
        "卫生部令第4号",
        ("卫生部",),
        date(1999, 7, 16),
        date(1999, 7, 16),
    )
    assert [a.date for a in header.amendments] == [date(2002, 2, 5)]
