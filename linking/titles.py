"""Title keys: one spelling of an instrument's name however a citation quotes or wraps it.

A citation says 《国家卫生应急队伍管理办法(试行)》 where the catalogue holds
国家卫生应急队伍管理办法（试行）, or 《关于印发国家药品计划抽验质量分析指导原则的通知》
where the instrument is 国家药品计划抽验质量分析指导原则. ``title_key`` folds all of these to
the instrument's bare name; ``edition_of`` keeps what was folded away (edition, 试行).
"""

from __future__ import annotations

import functools
import re

from ingest.normalize import comparison_key

_OPEN = r"[（(〔\[［【]"
_CLOSE = r"[）)〕\]］】]"
_QUOTES = str.maketrans("", "", "《》〈〉<>“”\"'‘’「」『』﹃﹄")

# 001 line 41 "山西省卫生健康委员会关于印发《…》的通知", 001 line 39 "河北省卫生健康委印发《…》的通知",
# 000 line 2460 "关于印发《医院巡查工作管理办法（试行）》的通知": keep the instrument's own name.
_WRAPPER = re.compile(
    r"^[^关]{0,60}?(?:关于)?(?:印发|发布|颁布|公布)(?P<inner>.+?)的(?:通知|通告|公告|决定)$"
)
# 004 line 72 "国家卫生健康委办公厅关于贯彻落实…的通知" is cited as 《关于贯彻落实…的通知》.
_ISSUER_PREFIX = re.compile(r"^[^关]{2,60}?(?=关于)")
_TRIAL = re.compile(rf"{_OPEN}\s*(?:试行|暂行)\s*{_CLOSE}")
# 004 line 2216 "人体器官移植技术临床应用管理暂行规定" is the 暂行 stage of a 规定.
_TRIAL_INLINE = re.compile(r"暂行(?=(?:管理)?(?:办法|规定|条例|细则|规则|标准|规范)$)")
# 001 line 636 "操作手册（2023版）", 001 line 500 "（2019年版）", "（2024年修订）", "(第二版)".
_EDITION = re.compile(
    rf"{_OPEN}\s*(?P<label>(?:[0-9]{{4}}\s*年?\s*(?:修订|修正)?\s*版?|第?[0-9一二三四五六七八九十]+\s*版|"
    rf"[0-9]{{4}}\s*年?\s*(?:修订|修正)))\s*{_CLOSE}"
)
_TRAILING_PUNCT = re.compile(r"[\s,，。.;；:：、]+$")


def _unwrap(text: str) -> str:
    text = text.translate(_QUOTES).strip()
    text = _TRAILING_PUNCT.sub("", text)
    match = _WRAPPER.match(text)
    text = match["inner"] if match and len(match["inner"]) >= 4 else _ISSUER_PREFIX.sub("", text, count=1)
    return text.strip()


def _edition_label(raw: str) -> str:
    label = re.sub(r"\s+", "", raw)
    label = label.replace("年修订版", "修订").replace("年修正版", "修正").replace("年版", "版")
    return label.replace("年修订", "修订").replace("年修正", "修正")


@functools.lru_cache(maxsize=65536)  # a link run splits the same few hundred titles thousands of times
def edition_of(title: str) -> tuple[str, str | None, bool]:
    """Split a title into (base key, edition label, is_trial).

    ``edition_of("《国家二级公立医院绩效考核操作手册（2024 版）》")`` →
    ``(key of 国家二级公立医院绩效考核操作手册, "2024版", False)``;
    ``edition_of("国家卫生应急队伍管理办法(试行)")`` → ``(…管理办法, None, True)``.
    """
    text = _unwrap(comparison_key(_unwrap(title)))
    is_trial = bool(_TRIAL.search(text) or _TRIAL_INLINE.search(text))
    text = _TRIAL_INLINE.sub("", _TRIAL.sub("", text))
    label = None
    editions = list(_EDITION.finditer(text))
    if editions:
        label = _edition_label(editions[-1]["label"])
        text = _EDITION.sub("", text)
    return comparison_key(_TRAILING_PUNCT.sub("", text)), label, is_trial


def title_key(title: str) -> str:
    """The instrument's bare name, for matching citations to documents (edition and 试行 dropped)."""
    return edition_of(title)[0]


def edition_year(label: str | None) -> int | None:
    """The year an edition label names: "2024版" → 2024, "2024修订" → 2024, "第二版" → None."""
    if not label:
        return None
    match = re.match(r"[0-9]{4}", label)
    return int(match.group()) if match else None
