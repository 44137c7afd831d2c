"""Repeal and 失效 lists (corpus dev texts l02, l03, l05, l07, l09): one relation per row."""

from __future__ import annotations

from linking import lists
from linking.extract import extract_relations
from linking.model import SourceDoc


def _doc(text: str) -> SourceDoc:
    return SourceDoc(key="t", text=text, start_line=1, doc_number_canonical=None, title="关于宣布失效的决定")


def _repealed(text: str) -> list[tuple[str, str | None, str | None, str]]:
    return [
        (r.kind, r.citation.title, r.citation.doc_number_canonical, r.scope)
        for r in extract_relations(_doc(text))
        if r.kind != "cites" and r.citation
    ]


def test_rows_under_a_heading_with_old_numbers_and_dates():
    # corpus l02: the attachment's rows, one per line, closed by a 文号 or by a date of issue
    text = (
        "附件：宣布失效的第二批国家卫生计生委文件目录\n"
        "关于全民所有制各级各类卫生事业单位职工因工负伤致残抚恤问题的通知（（79）卫政字第1587号）\n"
        "副霍乱防治方案（卫生部1981年5月27日发布）\n"
        "关于进一步加强建筑工地食堂卫生管理工作的通知（卫监督发 〔2005〕94号）\n"
    )
    assert _repealed(text) == [
        (
            "repeals",
            "关于全民所有制各级各类卫生事业单位职工因工负伤致残抚恤问题的通知",
            "卫政字〔1979〕1587号",
            "whole",
        ),
        ("repeals", "副霍乱防治方案", None, "whole"),
        ("repeals", "关于进一步加强建筑工地食堂卫生管理工作的通知", "卫监督发〔2005〕94号", "whole"),
    ]


def test_rows_flattened_into_one_line():
    # corpus l03: the rows of the table joined by spaces
    text = (
        "宣布失效的第一批国家卫生计生委文件目录\n"
        "国家卫生计生委关于深入开展创建幸福家庭活动的通知（国卫家庭发﹝2013﹞5号） "
        "关于印发2014年国家食品安全风险监测计划的通知（国卫食品发﹝2013﹞38号）\n"
    )
    assert [n for _, _, n, _ in _repealed(text)] == ["国卫家庭发〔2013〕5号", "国卫食品发〔2013〕38号"]


def test_table_cells_glued_with_a_reason_and_a_passive_replacement():
    # corpus l05: title + date + 文号 + reason, no separator; a reason naming who replaced the row
    text = (
        "决定废止的单独制发的司法解释性质文件和规范性文件目录（22件）发文日期及文号"
        "最高人民检察院关于对“公捕”问题的意见1983年7月12日（83）高检一函第26号现行法律对执行逮捕的方式已有明确规定。"
        "最高人民检察院关于印发《人民检察院文明接待室评比标准》的通知2010年9月9日高检发控字〔2010〕5号"
        "该文件已被最高人民检察院关于印发《人民检察院文明接待室评比标准》《人民检察院文明接待室评比办法》的通知"
        "（高检发控字〔2015〕3号）替代。"
    )
    relations = [r for r in extract_relations(_doc(text)) if r.kind != "cites"]
    assert [(r.kind, r.citation and r.citation.doc_number_canonical) for r in relations] == [
        ("repeals", "高检一函〔1983〕26号"),
        ("repeals", "高检发控字〔2010〕5号"),
        ("replaces", "高检发控字〔2010〕5号"),
    ]
    assert relations[2].subject and relations[2].subject.doc_number_canonical == "高检发控字〔2015〕3号"


def test_numbered_rows_without_brackets_after_an_opening_sentence():
    # corpus l07: 一、… rows dated by the session that passed them; row 四 names a 决议 and what it approved
    text = (
        "第十一届全国人民代表大会常务委员会第九次会议决定，废止下列法律和有关法律问题的决定：\n"
        "一、公安派出所组织条例（1954年12月31日第一届全国人民代表大会常务委员会第四次会议通过）\n"
        "四、全国人民代表大会常务委员会批准国务院关于华侨捐资兴办学校办法的决议及华侨捐资兴办学校办法"
        "（1957年8月1日第一届全国人民代表大会常务委员会第七十八次会议批准）\n"
        "本决定自公布之日起施行。\n"
    )
    assert [t for _, t, _, _ in _repealed(text)] == [
        "公安派出所组织条例",
        "全国人民代表大会常务委员会批准国务院关于华侨捐资兴办学校办法的决议",
        "华侨捐资兴办学校办法",
    ]


def test_table_rows_with_a_number_restart_and_order_numbers():
    # corpus l09: 序号 cells glued to titles, order numbers after the date
    text = (
        "附件一：中国民用航空总局决定废止的民用航空规章目录（4件）序号规章名称发布机关及日期理由"
        "1湿租外国民用航空器从事商业运输的暂行规定1993年1月22日民航总局令第30号发布大部分内容已被新规定取代。"
        "2制止民用航空运输市场不正当竞争行为的规定1996年2月27日民航总局令第47号发布已被新规定取代。"
    )
    assert [(t, n) for _, t, n, _ in _repealed(text)] == [
        ("湿租外国民用航空器从事商业运输的暂行规定", "民航总局令第30号"),
        ("制止民用航空运输市场不正当竞争行为的规定", "民航总局令第47号"),
    ]


def test_a_row_naming_a_part_is_a_partial_repeal():
    [row] = lists.rows("1．卫生部关于某项工作的通知附件2")
    assert (row.citation.title, row.part) == ("卫生部关于某项工作的通知", "附件2")
    text = "决定废止的规范性文件目录\n1．卫生部关于某项工作的通知附件2\n"
    assert _repealed(text) == [("partially_repeals", "卫生部关于某项工作的通知", None, "附件2")]


def test_a_list_of_what_others_repealed_is_not_repealed_here():
    # corpus l05 附件3 "已被废止的…目录": rows repealed by the document their note names
    text = (
        "已被废止的与有关单位联合制发的司法解释性质文件和规范性文件目录发文日期及文号"
        "最高人民检察院、审计署关于进一步加强检察机关和审计机关工作联系的通知1990年8月7日审法发〔1990〕228号"
        "该文件已被《审计署办公厅关于废止审计机关与检察机关协作配合联系制度文件的通知》（审办审理发〔2019〕6号）废止。"
    )
    [relation] = [r for r in extract_relations(_doc(text)) if r.kind != "cites"]
    assert relation.kind == "repeals"
    assert relation.citation and relation.citation.doc_number_canonical == "审法发〔1990〕228号"
    assert relation.subject and relation.subject.doc_number_canonical == "审办审理发〔2019〕6号"


def test_prose_after_a_heading_is_no_row():
    # corpus l06: the 附件 list names the heading, then an amendment instruction follows
    text = "附件：2．国务院决定废止的行政法规\n一、将《外商投资电信企业管理规定》第二条修改为“外商投资电信企业，是指…的企业。”\n"
    # the instruction is an amendment (linking.amendments), never a row of the repeal list
    assert [r for r in _repealed(text) if r[0] != "amends"] == []


def test_a_markdown_table_with_a_date_cell_a_yearless_number_and_a_part():
    # corpus l23: "| 序号 |名称 |发文日期、文号 |废止理由 |" rows, one with 附件一 of a joint notice
    text = (
        "予以废止的1979年底以前发布的司法解释和司法解释性质文件目录（第八批）\n"
        "| 序号 |司法解释和司法解释性质文件名称 |发文日期、文号 |废止理由 |\n"
        "|-----|-----|-----|-----|\n"
        "| 1 |最高人民法院关于少数民族与汉族通婚问题的复示 |1951年1月22日 |已被婚姻法代替。 |\n"
        "| 8 |最高人民法院中南分院关于“公公与媳妇”“继母与儿子”等可否结婚问题的复函 "
        "|1953年7月14日〔53〕法行字第487号 |社会形势发生变化，不再适用。 |\n"
        "| 12 |最高人民法院、内务部、解放军总政治部联合通知之附件一：关于多年无音讯之现役革命军人家属待遇及"
        "婚姻问题处理办法 |1955年6月15日 法行字第9017号 |社会形势发生变化，不再适用。 |\n"
        "| 16 |最高人民法院关于怀孕女犯保外如何计算刑期问题的批复 |1956年1月26日 法研字第730号 |"
        "刑事诉讼法及相关司法解释已有规定。 |\n"
    )
    assert _repealed(text) == [
        ("repeals", "最高人民法院关于少数民族与汉族通婚问题的复示", None, "whole"),
        (
            "repeals",
            "最高人民法院中南分院关于“公公与媳妇”“继母与儿子”等可否结婚问题的复函",
            "法行字〔1953〕487号",
            "whole",
        ),
        ("partially_repeals", "最高人民法院、内务部、解放军总政治部联合通知", None, "附件一"),
        ("repeals", "最高人民法院关于怀孕女犯保外如何计算刑期问题的批复", None, "whole"),
    ]


def test_a_title_wrapped_over_two_lines_is_one_row():
    # the grammar of a PDF column: the title breaks, its 文号 closes it on the next line
    text = (
        "废止的规范性文件目录\n"
        "1．卫生部关于进一步加强建筑工地食堂卫生管理工作的\n"
        "通知（卫监督发〔2005〕94号）\n"
        "2．卫生部关于职工休假问题的通知（卫人发（91）第43号）\n"
    )
    assert [(t, n) for _, t, n, _ in _repealed(text)] == [
        ("卫生部关于进一步加强建筑工地食堂卫生管理工作的通知", "卫监督发〔2005〕94号"),
        ("卫生部关于职工休假问题的通知", "卫人发〔1991〕43号"),
    ]


def test_rows_under_category_sub_headings_and_dated_brackets():
    # court lists: rows grouped under 一、… sub-headings, each closed by (date 文号) or a date alone
    text = (
        "决定废止的司法解释目录\n"
        "一、刑事类\n"
        "1．最高人民法院关于某类案件如何处理问题的批复（1987年6月9日 法(研)复〔1987〕22号）\n"
        "二、民事类\n"
        "2．最高人民法院关于某类纠纷如何处理问题的批复（1988年3月1日）\n"
    )
    assert [(t, n) for _, t, n, _ in _repealed(text)] == [
        ("最高人民法院关于某类案件如何处理问题的批复", "法（研）复〔1987〕22号"),
        ("最高人民法院关于某类纠纷如何处理问题的批复", None),
    ]


def test_a_list_that_amends_some_rows_and_repeals_others():
    # a 修改和废止 heading: each row's own cell says what happens to it
    text = (
        "决定修改和废止的规章目录\n"
        "|序号|规章名称|处理意见|\n"
        "|1|某某管理办法（卫生部令第1号）|废止|\n"
        "|2|某某监督规定（卫生部令第2号）|修改|\n"
    )
    assert [(k, n) for k, _, n, _ in _repealed(text)] == [
        ("repeals", "卫生部令第1号"),
        ("amends", "卫生部令第2号"),
    ]


def test_a_flattened_table_whose_number_cell_is_glued_to_the_title():
    # the grammar of a table that lost its cell borders: 序号, 名称 and 文号 run together
    text = "废止的规范性文件目录\n1卫生部关于加强某项工作的通知卫医发〔2005〕1号\n2卫生部关于另一项工作的意见卫医发〔2006〕7号\n"
    assert [(t, n) for _, t, n, _ in _repealed(text)] == [
        ("卫生部关于加强某项工作的通知", "卫医发〔2005〕1号"),
        ("卫生部关于另一项工作的意见", "卫医发〔2006〕7号"),
    ]


def test_a_table_with_the_number_before_the_title_and_another_list_after():
    # 序号 | 文号 | 名称 tables; a 继续有效 list after the repeal list is not repealed
    text = (
        "决定废止的规范性文件目录\n"
        "|1|卫医发〔2005〕1号|卫生部关于加强某项工作的通知|\n"
        "继续有效的规范性文件目录\n"
        "|1|卫医发〔2006〕7号|卫生部关于另一项工作的意见|\n"
    )
    assert [(t, n) for _, t, n, _ in _repealed(text)] == [
        ("卫生部关于加强某项工作的通知", "卫医发〔2005〕1号")
    ]


def test_numbered_rows_of_quoted_titles_with_their_issue_after_them():
    # the grammar of a list printed as prose: "1．《title》，issuer date 发布"
    text = (
        "决定废止下列规章：\n"
        "1．《某某卫生管理办法》，卫生部1990年1月1日发布；\n"
        "2．《某某监督规定》，卫生部令第3号发布。\n"
    )
    assert [(t, n) for _, t, n, _ in _repealed(text)] == [
        ("某某卫生管理办法", None),
        ("某某监督规定", "卫生部令第3号"),
    ]


def test_a_row_that_cannot_be_read_does_not_end_the_list():
    # p04 (国务院关于修改和废止部分行政法规的决定, 2024-03-10) 附件2: row 二's bracket opens with who
    # revised it, not a date; the rows after it are still repealed
    text = (
        "国务院决定废止的行政法规\n"
        "一、中华人民共和国劳动保险条例（1951年2月26日政务院公布 1953年1月2日政务院修正公布）\n"
        "二、煤炭送货办法（煤炭工业部、铁道部修订 1965年12月6日国务院批转）\n"
        "三、合理化建议和技术改进奖励条例（1982年3月16日国务院发布 1986年6月4日国务院修订发布）\n"
        "二、本决定自公布之日起施行。\n"
        "四、某某暂行办法（1990年1月1日国务院发布）\n"
    )
    titles = [t for k, t, _, _ in _repealed(text) if k == "repeals"]
    assert titles == ["中华人民共和国劳动保险条例", "合理化建议和技术改进奖励条例"]


def test_a_row_without_brackets_around_its_title_records_its_history():
    # p04 附件2 row 十: the regulation repealed, and amended before by a named decision
    text = (
        "国务院决定废止的行政法规\n"
        "十、全民所有制小型工业企业租赁经营暂行条例（1988年6月5日中华人民共和国国务院令第2号发布 "
        "根据1990年2月24日《国务院关于修改〈全民所有制小型工业企业租赁经营暂行条例〉第二十二条的决定》修订）\n"
    )
    relations = [r for r in extract_relations(_doc(text)) if r.kind in ("repeals", "amends")]
    assert [(r.kind, r.citation.title, r.citation.doc_number_canonical) for r in relations] == [
        ("repeals", "全民所有制小型工业企业租赁经营暂行条例", "国务院令第2号"),
        ("amends", "全民所有制小型工业企业租赁经营暂行条例", "国务院令第2号"),
    ]
    assert (
        relations[1].subject.title
        == "国务院关于修改〈全民所有制小型工业企业租赁经营暂行条例〉第二十二条的决定"
    )


def test_a_numbered_heading_opens_a_list_and_the_commencement_run_into_its_last_row_ends_it():
    # s04 (重庆市人大常委会关于修改和废止部分地方性法规的决定, 2024-05-30), part 五 and what follows it
    text = (
        "五、废止下列地方性法规\n"
        "（一）《重庆市实施全民义务植树条例》（1998年3月28日重庆市第一届人民代表大会常务委员会第八次会议通过）\n"
        "（二）《重庆市实施〈中华人民共和国乡镇企业法〉办法》（1998年8月1日重庆市第一届人民代表大会常务委员会"
        "第十次会议通过）\n"
        "本决定自公布之日起施行。\n"
        "《重庆市绿化条例》、《重庆市物业管理条例》根据本决定作相应修改，条款顺序作相应调整，重新公布。\n"
    )
    doc = SourceDoc(
        key="t", text=text, start_line=1, doc_number_canonical=None,
        title="重庆市人民代表大会常务委员会关于修改和废止部分地方性法规的决定",
    )  # fmt: skip
    found = [(r.kind, r.citation.title) for r in extract_relations(doc) if r.kind != "cites" and r.citation]
    assert found == [
        ("repeals", "重庆市实施全民义务植树条例"),
        ("repeals", "重庆市实施〈中华人民共和国乡镇企业法〉办法"),
    ]
