"""Issuing bodies (发文机关): split a field or a signature block into names.

Signature blocks come letter-spaced and two to a line ("国 家 卫 生 健 康 委 中 央 编 办", 000 line
3890; "审 计 署\t国 务 院 国 资 委", 002 line 72), so names are split on separators first, single
characters are gathered into runs, and a run is cut where one body's name ends and another's begins.
"""

from __future__ import annotations

import re

# Where a body's name may end: 委 / 办 / 部 / 局 / 署 / 厅 / 司 / 院 / 室 / 中心 / 政府 / …会.
_END_RE = re.compile(
    r"(?:委员会|总工会|工会|红十字会|联合会|总会|协会|学会|爱卫会|中心|政府|团中央|妇联|残联|科协|[委办部局署厅司院室处])$"
)
# Where another body's name may begin inside a run: central bodies and provinces.
_PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_CENTRAL = [
    "国家",
    "国务院",
    "中共",
    "中央",
    "中华",
    "中国",
    "全国",
    "共青团",
    "最高",
    "教育部",
    "科技部",
    "工业和信息化部",
    "公安部",
    "民政部",
    "司法部",
    "财政部",
    "人力资源",
    "自然资源部",
    "生态环境部",
    "住房",
    "交通运输部",
    "水利部",
    "农业农村部",
    "商务部",
    "文化和旅游部",
    "退役军人",
    "应急管理部",
    "审计署",
    "海关总署",
    "市场监管总局",
    "广电总局",
    "体育总局",
    "税务总局",
    "国资委",
    "外交部",
    "国防部",
    "发展改革委",
    "人民银行",
    "金融监管",
    "证监会",
    "知识产权局",
    "国家",
    "新疆生产建设兵团",
]
_STARTS = tuple(_CENTRAL + _PROVINCES)
# A name that only qualifies the next one: 国务院国资委, 中共中央办公厅.
_QUALIFIERS = {"国务院", "中共中央", "中央"}
_SEPARATORS = re.compile(r"[、，,；;/\t]|\s{2,}|\u3000")
# "…等", "…等10部门", and 001 line 2672 "(上海市中医药管理局代章)" (a seal used on behalf).
_TRAILING = re.compile(
    r"(?:等\s*[0-9一二三四五六七八九十]*\s*(?:个)?(?:部门|单位)?|[（(][^（()）]*代章\s*[）)])$"
)


def split_run(run: str) -> list[str]:
    """Cut a run of collapsed characters into bodies: "国家卫生健康委中央编办" -> two names."""
    names: list[str] = []
    start = 0
    for cut in range(2, len(run) - 1):
        left, rest = run[start:cut], run[cut:]
        if left in _QUALIFIERS or not _END_RE.search(left):
            continue
        if rest.startswith(_STARTS) or (len(run) > 4 and rest.startswith(run[:2]) and cut - start >= 4):
            names.append(left)
            start = cut
    names.append(run[start:])
    return names


def _runs(part: str) -> list[str]:
    """Gather letter-spaced single characters into runs; keep multi-character tokens whole."""
    runs: list[str] = []
    letters = ""
    for token in part.split():
        if len(token) == 1:
            letters += token
            continue
        if letters:
            runs.append(letters)
            letters = ""
        runs.append(token)
    if letters:
        runs.append(letters)
    return runs


def split_issuers(text: str) -> list[str]:
    """Issuer names in ``text`` (a 发文机关 field or signature lines), in order, de-duplicated."""
    names: list[str] = []
    for part in _SEPARATORS.split(text):
        for run in _runs(part):
            for name in split_run(_TRAILING.sub("", run).strip()):
                if name and name not in names:
                    names.append(name)
    return names


def is_issuer_line(text: str) -> bool:
    """Does a signature line hold only body names (no sentence, no list item)?"""
    if not text or len(text) > 60 or any(ch in text for ch in "。，；：:;,！？《》“”0123456789"):
        return False
    if _TRAILING.fullmatch(text):
        return True  # a 代章 line under the signer names no further body
    names = split_issuers(text)
    return bool(names) and all(len(name) >= 2 and _END_RE.search(name) for name in names)


def is_complete_name(name: str) -> bool:
    return bool(_END_RE.search(name))


def complete_from_signature(field: str, signature: list[str]) -> list[str]:
    """The 发文机关 field's names, completed from the signature when the field was truncated.

    001 line 108 "国家医疗保障局办公室、教育部办公厅等" lists two of five signers; 001 line 559
    "国家卫生健康委办公厅、国家" breaks off inside a name. The field's complete names are kept as
    written and the signature supplies the rest, by position.
    """
    names = split_issuers(field)
    truncated = bool(_TRAILING.search(field.strip())) or bool(names and not is_complete_name(names[-1]))
    if names and not is_complete_name(names[-1]):
        names = names[:-1]
    if truncated and len(signature) > len(names):
        return names + [name for name in signature[len(names) :] if name not in names]
    return names or signature


# A title that opens with who issues it: 国务院关于修改和废止部分行政法规的决定, 最高人民法院关于废止…的决定,
# 中国人民银行 国家金融监督管理总局关于废止《…》的决定.
_TITLE_ISSUERS_RE = re.compile(
    r"^(?P<orgs>[^关《》“”，。、]{2,40}?(?:[、\s][^关《》“”，。、\s]{2,40}?)*)关于"
)


def issuers_in_title(title: str) -> list[str]:
    """The bodies a title opens with before 关于, when each is a whole body's name; else []."""
    match = _TITLE_ISSUERS_RE.match(title.strip())
    if match is None:
        return []
    names = split_issuers(match["orgs"])
    return names if names and all(len(n) >= 2 and is_complete_name(n) for n in names) else []
