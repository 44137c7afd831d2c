"""Whether two issuer lists can be the same body: 国家卫生健康委 / 国家卫生健康委员会办公厅."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ingest.normalize import comparison_key

# The office of a body issues in its name: 国家卫生健康委办公厅 is 国家卫生健康委 (004 line 88).
_OFFICE = re.compile(r"(?:办公厅|办公室|综合司|综合处|秘书处)$")
_LONG_FORM = re.compile(r"委员会$")
# 001 line 3647 "河南省医疗保障局 河南省公共资源交易中心": joint issuers in one field.
_SPLIT = re.compile(r"[\s,，、;；]+")
_TITLE_ISSUER = re.compile(r"^(?P<issuer>[^关《〈]{2,40}?)关于")


# Bodies renamed by the State Council reforms of 2013 and 2018: a 2010 卫生部 text and its 2024
# 国家卫生健康委 successor are one instrument's editions (001 line 876 repeals 卫办应急发〔2010〕183号).
_RENAMED = {
    "卫生部": "国家卫生健康委",
    "国家卫生计生委": "国家卫生健康委",
    "国家卫生和计划生育委": "国家卫生健康委",
    "国家食品药品监督管理总局": "国家药监局",
    "国家食品药品监督管理局": "国家药监局",
    "国家药品监督管理局": "国家药监局",
    "国家中医药管理局": "国家中医药局",
    "人力资源社会保障部": "人力资源和社会保障部",
    "国家医疗保障局": "国家医保局",
}


def issuer_root(name: str) -> str:
    """国家卫生健康委员会办公厅 → 国家卫生健康委; 卫生部办公厅 → 国家卫生健康委 (its successor)."""
    key = _LONG_FORM.sub("委", _OFFICE.sub("", comparison_key(name)))
    return _RENAMED.get(key, key)


def _roots(issuers: Iterable[str]) -> set[str]:
    return {issuer_root(part) for name in issuers for part in _SPLIT.split(name) if part}


def issuers_compatible(a: Iterable[str], b: Iterable[str]) -> bool:
    """True unless both lists are known and no body of one is (a prefix of) a body of the other."""
    roots_a, roots_b = _roots(a), _roots(b)
    if not roots_a or not roots_b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in roots_a for y in roots_b)


@functools.lru_cache(maxsize=65536)  # asked of every candidate a title citation is scored against
def issuer_in_title(title: str) -> str | None:
    """The issuer a title names before 关于: "青海省医疗保障局关于印发…的通知" → 青海省医疗保障局."""
    match = _TITLE_ISSUER.match(comparison_key(title).lstrip("《"))
    return match["issuer"] if match else None
