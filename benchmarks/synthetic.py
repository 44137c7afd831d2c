"""A synthetic year of health-policy documents in the samples' shapes, for benchmarks at scale.

Every document is a metadata block like 001's (发文机关, 成文日期, 标 题, 发文字号, 发布日期, 类 别,
关 键 字; 001 line 108), then either a cover notice issuing an instrument of 条 articles
(关于印发…办法的通知, 001 line 876) or a notice of 一、/（一） items. Titles combine a region, a topic
and an instrument type; a quarter of the documents have no 文号 (as 22 of 001's 84). Sentences that
state relations refer to earlier synthetic documents by 《title》 and 文号 or by title only:

- 根据《…法》和《earlier》（文号）等有关规定 → cites (a national law becomes a placeholder);
- 按照《older instrument》（文号）要求 → cites of a document from before the year (a placeholder);
- 本办法自…起施行，原《earlier edition》（文号）同时废止 → replaces, 《other》（文号）同时废止 → repeals;
- 我委对《earlier》（文号）进行了修订 … 现印发给你们 → amends;
- one citation in ten names its target a little differently (关于进一步加强… for 关于加强…,
  …管理工作办法 for …管理办法), as real citations do, so the fuzzy title match has work.

``documents(count)`` is deterministic for a seed; ``compilation_text`` renders consecutive
documents as one 汇编, which the real pipeline then parses, stores and links.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

PER_COMPILATION = 84  # documents in one monthly compilation, as in sample 001
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2024, 12, 31)

REGIONS = (
    ("国家", "国卫"),
    ("北京市", "京卫"), ("天津市", "津卫"), ("河北省", "冀卫"), ("山西省", "晋卫"),
    ("内蒙古自治区", "内卫"), ("辽宁省", "辽卫"), ("吉林省", "吉卫"), ("黑龙江省", "黑卫"),
    ("上海市", "沪卫"), ("江苏省", "苏卫"), ("浙江省", "浙卫"), ("安徽省", "皖卫"),
    ("福建省", "闽卫"), ("江西省", "赣卫"), ("山东省", "鲁卫"), ("河南省", "豫卫"),
    ("湖北省", "鄂卫"), ("湖南省", "湘卫"), ("广东省", "粤卫"), ("广西壮族自治区", "桂卫"),
    ("海南省", "琼卫"), ("重庆市", "渝卫"), ("四川省", "川卫"), ("贵州省", "黔卫"),
    ("云南省", "云卫"), ("西藏自治区", "藏卫"), ("陕西省", "陕卫"), ("甘肃省", "甘卫"),
    ("青海省", "青卫"), ("宁夏回族自治区", "宁卫"), ("新疆维吾尔自治区", "新卫"),
)  # fmt: skip
AGENCIES = (  # (name after the region, 文号 suffix)
    ("卫生健康委员会", "医政发"), ("卫生健康委员会办公室", "办医政函"), ("医疗保障局", "医保发"),
    ("药品监督管理局", "药监发"), ("中医药管理局", "中医药发"), ("疾病预防控制局", "疾控发"),
)  # fmt: skip
TOPICS = (
    "医疗机构投诉", "安宁疗护中心建设", "医师电子化注册", "护理服务质量", "临床专科能力评估",
    "医疗器械抽检", "中药配方颗粒生产", "母婴安全", "医院感染防控", "传染病防治行政处罚裁量",
    "基层医疗卫生机构绩效考核", "紧密型县域医疗卫生共同体", "互联网诊疗监管", "医疗废物处置",
    "血液安全", "职业健康检查机构", "放射诊疗许可", "妇幼保健机构评审", "老年护理中心转型",
    "儿童参加基本医疗保险", "医保基金监管", "门诊慢性病长处方", "药品集中带量采购", "短缺药品监测",
    "医疗美容服务", "社区医院建设", "家庭医生签约服务", "院前医疗急救", "卫生应急队伍",
    "突发事件医疗应急", "精神卫生服务", "严重精神障碍患者管理", "健康体检机构", "医学检验实验室",
    "临床用血", "抗菌药物临床应用", "医疗质量安全核心制度", "病历书写", "处方点评", "日间手术",
    "远程医疗服务", "医联体建设", "公立医院高质量发展", "公立医院绩效考核", "大型医用设备配置许可",
    "消毒产品卫生安全评价", "生活饮用水卫生监督", "公共场所卫生监督", "学校卫生", "职业病诊断",
    "尘肺病防治", "结核病防治", "艾滋病防治", "狂犬病暴露预防处置", "预防接种", "疫苗储存运输",
    "中医馆建设", "中医药特色巡诊", "中药饮片采购验收", "医疗机构中药制剂备案", "药品不良反应监测",
    "医疗器械不良事件监测", "化妆品安全", "健康教育", "爱国卫生运动", "控烟", "营养健康",
    "出生缺陷防治", "婴幼儿照护服务", "托育机构", "计划生育家庭扶助", "人口监测", "医养结合",
    "护理院", "康复医疗服务", "临床试验机构", "干细胞临床研究", "医疗技术临床应用", "器官移植",
)  # fmt: skip
INSTRUMENTS = (
    "管理办法", "实施细则", "工作方案", "实施方案", "指导原则", "管理规范", "评审标准", "考核办法",
    "技术指南", "质量控制指标", "操作手册", "监督检查办法",
)  # fmt: skip
LAWS = (
    "中华人民共和国基本医疗卫生与健康促进法", "中华人民共和国医师法", "中华人民共和国药品管理法",
    "中华人民共和国传染病防治法", "中华人民共和国行政处罚法", "中华人民共和国中医药法",
    "中华人民共和国疫苗管理法", "中华人民共和国职业病防治法", "中华人民共和国母婴保健法",
    "中华人民共和国精神卫生法", "医疗机构管理条例", "医疗器械监督管理条例", "护士条例",
    "医疗纠纷预防和处理条例", "医疗保障基金使用监督管理条例", "突发公共卫生事件应急条例",
)  # fmt: skip
# Cities issue too (001 has 北京市, 上海市 … and their districts); their 文号 start with the city.
CITIES = (
    ("石家庄市", "石卫"), ("太原市", "太卫"), ("沈阳市", "沈卫"), ("大连市", "大卫"), ("长春市", "长卫"),
    ("哈尔滨市", "哈卫"), ("南京市", "宁卫健"), ("苏州市", "苏卫健"), ("无锡市", "锡卫"), ("杭州市", "杭卫"),
    ("宁波市", "甬卫"), ("温州市", "温卫"), ("合肥市", "合卫"), ("福州市", "榕卫"), ("厦门市", "厦卫"),
    ("南昌市", "洪卫"), ("济南市", "济卫"), ("青岛市", "青卫健"), ("郑州市", "郑卫"), ("洛阳市", "洛卫"),
    ("武汉市", "武卫"), ("宜昌市", "宜卫"), ("长沙市", "长卫健"), ("株洲市", "株卫"), ("广州市", "穗卫"),
    ("深圳市", "深卫"), ("佛山市", "佛卫"), ("东莞市", "东卫"), ("南宁市", "南卫"), ("海口市", "海卫"),
    ("成都市", "成卫"), ("绵阳市", "绵卫"), ("贵阳市", "筑卫"), ("昆明市", "昆卫"), ("西安市", "市卫"),
    ("兰州市", "兰卫"), ("西宁市", "西卫"), ("银川市", "银卫"), ("乌鲁木齐市", "乌卫"), ("唐山市", "唐卫"),
)  # fmt: skip
MODIFIERS = ("", "", "", "基层", "公立医院", "民营医疗机构", "中医医疗机构", "二级以上医院")
PLACES = REGIONS + CITIES
REVISION_RATE = 0.25  # documents that revise an earlier instrument of their issuer
REPEAL_RATE = 0.15  # documents that repeal an earlier one (not one of their own line)
OUTSIDE_RATE = 0.35  # documents that cite an older instrument from outside the year (a placeholder)
OUTSIDE = 40000  # older instruments that may be cited (the first few thousand most often)
CATEGORIES = ("医政管理", "医疗保障", "药品监管", "中医药", "疾病预防控制", "综合监督", "机构管理")
FILLER = (
    "各级{agency}应当加强对{topic}工作的组织领导，明确职责分工，落实工作责任，确保各项措施落到实处。",
    "医疗卫生机构应当建立健全{topic}管理制度，指定专门部门和人员负责日常管理，定期开展自查。",
    "县级以上{agency}负责本行政区域内{topic}的监督管理，发现问题及时督促整改，并将结果向社会公开。",
    "鼓励有条件的地区探索{topic}新模式，总结推广典型经验，逐步形成可复制、可推广的制度成果。",
    "对违反本{kind}规定的单位和个人，由{agency}依法依规处理；构成犯罪的，依法追究刑事责任。",
    "{topic}相关数据应当按照规定报送，确保真实、准确、完整，不得迟报、漏报、瞒报。",
)
CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class SynDoc:
    """One synthetic document: its metadata, its body text, and the relations its text states."""

    index: int
    issuer: str
    code: str  # 机关代字 of its 文号 ("鄂卫医政发"), also when it has none
    title: str
    instrument: str | None  # the 《name》 it issues; None for a notice of 一、 items
    cited_as: str  # how later documents quote it
    doc_number: str | None
    written: date
    published: date
    category: str
    keywords: tuple[str, ...]
    body: tuple[str, ...]  # paragraphs, in order
    # (kind, index of the earlier document, or -1 - index of an ``outside`` document) the body states
    relations: tuple[tuple[str, int], ...]


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 32 → 三十二 (article numbers up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones or not head else "")


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def documents(count: int, seed: int = 2024) -> list[SynDoc]:
    """``count`` documents in date order; each one's relations name documents before it.

    The mix is the same all year long (a quarter of the documents revise an earlier instrument,
    the rest are new), so compilations from its start and from its end are comparable work.
    """
    rng = random.Random(seed)
    made: list[SynDoc] = []
    instruments: list[int] = []
    serials: dict[tuple[str, int], int] = {}
    unnumbered: set[tuple[str, date]] = set()  # identity of documents without 文号: title and date
    ended: set[int] = set()  # revised or repealed already
    span = (LAST_DAY - FIRST_DAY).days
    for index in range(count):
        written = FIRST_DAY + timedelta(days=span * index // max(count, 1))
        revised = None
        if instruments and rng.random() < REVISION_RATE:
            revised = made[instruments[-min(len(instruments), int(rng.expovariate(1 / 3000)) + 1)]]
            # A text is superseded once, by a later one: editions form chains, not stars.
            if revised.index in ended or revised.written >= written:
                revised = None
            else:
                ended.add(revised.index)
        doc = _document(rng, index, written, made, revised, serials, unnumbered, ended)
        made.append(doc)
        if doc.instrument:
            instruments.append(index)
    return made


def _document(
    rng: random.Random,
    index: int,
    written: date,
    made: Sequence[SynDoc],
    revised: SynDoc | None,
    serials: dict[tuple[str, int], int],
    unnumbered: set[tuple[str, date]],
    ended: set[int],
) -> SynDoc:
    if revised is not None:  # the same issuer revises its instrument
        issuer, code, topic = revised.issuer, revised.code, revised.keywords[0]
    else:
        region, prefix = rng.choice(PLACES)
        agency, suffix = rng.choice(AGENCIES)
        issuer = ("国家" + agency.replace("委员会", "委")) if region == "国家" else region + agency
        code, topic = prefix + suffix, rng.choice(MODIFIERS) + rng.choice(TOPICS)
    agency = max((a for a, _ in AGENCIES if a in issuer), key=len, default="卫生健康委员会")
    place = "" if issuer.startswith("国家") else issuer.removesuffix(agency)
    relations: list[tuple[str, int]] = []
    if revised is not None or rng.random() < 0.65:
        name = revised.instrument if revised else f"{place}{topic}{rng.choice(INSTRUMENTS)}"
        assert name is not None
        if revised is None and rng.random() < 0.15:
            name += "（试行）"
        elif revised is not None and rng.random() < 0.5:
            name = name.removesuffix("（试行）")  # the trial text becomes the formal one
        title = f"{issuer}关于印发{name}的通知"
        body = _instrument_body(rng, name, topic, agency, written, made, revised, ended, relations)
        cited_as = name
    else:
        name = None
        title = f"{issuer}关于{rng.choice(('加强', '做好', '规范', '开展'))}{place}{topic}工作的通知"
        body = _notice_body(rng, topic, agency, made, ended, relations)
        cited_as = title.removeprefix(issuer)
    number = None
    if rng.random() < 0.75 or (title, written) in unnumbered:  # two such would be one document
        serial = serials[(code, written.year)] = serials.get((code, written.year), 0) + 1
        number = f"{code}〔{written.year}〕{serial}号"
    else:
        unnumbered.add((title, written))
    keywords = (topic, rng.choice(CATEGORIES))
    published = written + timedelta(days=rng.randint(1, 20))
    return SynDoc(
        index, issuer, code, title, name, cited_as, number, written, published, rng.choice(CATEGORIES),
        keywords, tuple(body), tuple(relations),
    )  # fmt: skip


def _quote(doc: SynDoc, rng: random.Random, *, numbered: bool = True) -> str:
    """《title》（文号）, or 《title》 alone; now and then with a slightly different title."""
    name = doc.cited_as
    if rng.random() < 0.1:  # misquoted: 关于进一步加强… for 关于加强…, …管理工作办法 for …管理办法
        name = name.replace("关于", "关于进一步", 1) if doc.instrument is None else _misquote(name)
    if numbered and doc.doc_number:
        return f"《{name}》（{doc.doc_number}）"
    return f"《{name}》"


def _misquote(name: str) -> str:
    for kind in INSTRUMENTS:
        if kind in name:
            return name.replace(kind, kind[:2] + "工作" + kind[2:], 1)
    return name


def _earlier(rng: random.Random, made: Sequence[SynDoc]) -> SynDoc | None:
    """An earlier document, mostly a recent one (policy cites what it builds on)."""
    if not made:
        return None
    back = min(len(made), int(rng.expovariate(1 / 2000)) + 1)
    return made[-back]


def _repealed(rng: random.Random, made: Sequence[SynDoc], ended: set[int]) -> SynDoc | None:
    """Now and then an earlier document still in force that the new one repeals (each only once)."""
    other = _earlier(rng, made) if rng.random() < REPEAL_RATE else None
    if other is None or other.index in ended:
        return None
    ended.add(other.index)
    return other


@functools.cache
def outside(number: int) -> tuple[str, str | None]:
    """(title, 文号) of a document from before the year, known here only by citation: first the
    national laws (cited by title), then older instruments (cited by title and 文号)."""
    if number < len(LAWS):
        return LAWS[number], None
    rng = random.Random(number)
    (place, code), (_, suffix) = rng.choice(PLACES), rng.choice(AGENCIES)
    name = f"{'' if place == '国家' else place}{rng.choice(TOPICS)}{rng.choice(INSTRUMENTS)}"
    return name, f"{code}{suffix}〔{rng.randint(2005, 2014)}〕{1000 + number}号"


def _cites_outside(rng: random.Random, relations: list[tuple[str, int]]) -> str:
    """按照《older instrument》（文号）要求，: a citation nothing in the year answers (a placeholder)."""
    number = len(LAWS) + min(OUTSIDE - 1, int(rng.expovariate(1 / 4000)))
    relations.append(("cites", -1 - number))
    name, doc_number = outside(number)
    return f"按照《{name}》（{doc_number}）要求，"


def _citing_sentence(
    rng: random.Random, made: Sequence[SynDoc], relations: list[tuple[str, int]], what: str
) -> str:
    law = rng.randrange(len(LAWS))
    relations.append(("cites", -1 - law))  # outside(law) is the law
    cited = _earlier(rng, made) if rng.random() < 0.6 else None
    if cited is None:
        return f"为规范{what}，根据《{LAWS[law]}》等有关法律法规，结合实际，"
    relations.append(("cites", cited.index))
    return f"为规范{what}，根据《{LAWS[law]}》和{_quote(cited, rng)}等有关规定，结合实际，"


def _instrument_body(
    rng: random.Random,
    name: str,
    topic: str,
    agency: str,
    written: date,
    made: Sequence[SynDoc],
    revised: SynDoc | None,
    ended: set[int],
    relations: list[tuple[str, int]],
) -> list[str]:
    kind = name.removesuffix("（试行）")[-2:]
    cover = [f"各有关单位：\n\n为做好{topic}工作，我们制定了《{name}》。现印发给你们，请认真贯彻执行。"]
    amended = revised is not None and rng.random() < 0.3
    if amended:
        assert revised is not None
        old = revised
        relations.append(("amends", old.index))
        cover = [
            f"各有关单位：\n\n我委对{_quote(old, rng)}进行了修订，形成了《{name}》。现印发给你们，请认真贯彻执行。"
        ]
    articles = [_citing_sentence(rng, made, relations, f"{topic}工作") + f"制定本{kind}。"]
    for _ in range(rng.randint(3, 7)):
        articles.append(rng.choice(FILLER).format(agency=agency, topic=topic, kind=kind))
    if rng.random() < OUTSIDE_RATE:
        articles[-1] = _cites_outside(rng, relations) + articles[-1]
    effective = written + timedelta(days=rng.choice((0, 15, 30)))
    last = f"本{kind}自{cn_date(effective)}起施行。"
    if revised is not None and not amended:
        old = revised
        relations.append(("replaces", old.index))
        last += f"原{_quote(old, rng)}同时废止。"
    elif other := _repealed(rng, made, ended):
        relations.append(("repeals", other.index))
        last += f"{_quote(other, rng)}同时废止。"
    articles.append(last)
    text = [f"第{cn_number(i)}条 {a}" for i, a in enumerate(articles, 1)]
    chapter = len(text) // 2
    return [*cover, name, "第一章 总则", *text[:chapter], "第二章 管理要求", *text[chapter:]]


def _notice_body(
    rng: random.Random,
    topic: str,
    agency: str,
    made: Sequence[SynDoc],
    ended: set[int],
    relations: list[tuple[str, int]],
) -> list[str]:
    items = [_citing_sentence(rng, made, relations, f"{topic}工作") + "现就有关事项通知如下。"]
    for n in range(1, rng.randint(3, 5) + 1):
        items.append(f"{CN_DIGITS[n]}、{rng.choice(FILLER).format(agency=agency, topic=topic, kind='通知')}")
    if rng.random() < OUTSIDE_RATE:
        items[-1] = items[-1][:2] + _cites_outside(rng, relations) + items[-1][2:]
    if other := _repealed(rng, made, ended):
        relations.append(("repeals", other.index))
        items.append(f"本通知自印发之日起施行，{_quote(other, rng)}同时废止。")
    return ["各有关单位：", *items]


def document_text(doc: SynDoc) -> str:
    """The document as 001 prints it: metadata block, title, 文号, body, signature."""
    meta = [
        f"发文机关： {doc.issuer}",
        f"成文日期： {cn_date(doc.written)}",
        f"标 题： {doc.title}",
        f"发文字号： {doc.doc_number or ''}",
        f"发布日期： {cn_date(doc.published)}",
        f"类 别： {doc.category}",
        f"关 键 字： {'、'.join(doc.keywords)}",
    ]
    head = [doc.title] + ([doc.doc_number] if doc.doc_number else [])
    return "\n\n".join([*meta, *head, *doc.body, doc.issuer, cn_date(doc.written)]) + "\n"


def compilation_text(docs: Sequence[SynDoc], issue: int) -> str:
    """A monthly 汇编 of ``docs``: cover, table of contents, then each document."""
    toc = [f"- {i + 1:02d} {d.title}" for i, d in enumerate(docs)]
    cover = ["医药先锋系列之", "全国医药政策 月度汇编", f"合成数据 第{issue}期", "目录", *toc]
    return "\n\n".join(cover) + "\n\n" + "\n\n".join(document_text(d) for d in docs)


def compilations(count: int, seed: int = 2024) -> Iterator[bytes]:
    """``count`` consecutive compilations of ``PER_COMPILATION`` documents, as UTF-8 bytes."""
    docs = documents(count * PER_COMPILATION, seed)
    for issue in range(count):
        chunk = docs[issue * PER_COMPILATION : (issue + 1) * PER_COMPILATION]
        yield compilation_text(chunk, issue + 1).encode("utf-8")
