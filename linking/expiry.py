"""The source's own life: "自2024年4月1日起施行,有效期至2026年3月31日", "本办法…施行，有效期 5 年".

Only 有效期 that follows the document's own 施行 clause or its own name (本办法有效期…) counts:
001 line 2875 "本办法所称医院评审…，医院评审结论有效期4年" is about hospitals, 001 line 3474
"电子处方流转有效期3天" about prescriptions.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.dates import find_dates, validity_end
from ingest.numerals import cn_to_int
from linking.model import ExtractedRelation
from linking.sentences import Sentence

_DOC_WORDS = "办法|通知|方案|规定|标准|细则|意见|规范|指南|制度|措施|决定|公告|通告|规则|条例|规程|目录|清单|要点|计划|准则|导则|原则|文件|基准|指引|手册|程序"
# 001 line 4326 "本办法自印发之日起施行，有效期 5 年"; 001 line 5508 "自2024年3月4日起施行，有效期五年"
# (the subject 本措施 is in the sentence before); 001 line 5577 "…起施行,有效期至2026年3月31日".
_OWN_LIFE = re.compile(
    rf"(?:(?:施行|实施|执行|试行|生效)[，,、]?|(?:本|该)(?:{_DOC_WORDS})的?)有效期(?:限)?(?:为|至|到)?"
)
_YEARS = re.compile(r"^(?P<years>[0-9一二三四五六七八九十两]{1,3})年")
_CONFIDENCE = 0.9


def expiry_relations(sentence: Sentence, *, start: date | None) -> list[ExtractedRelation]:
    """An ``expires`` relation (no target) when the sentence states the source's own 有效期.

    Its ``effective_date`` is the last day in force: 有效期至2026年3月31日 → 2026-03-31; 自2024年3月4日
    起施行，有效期五年 → 2029-03-03 (001 line 2535 spells the convention out).
    """
    if "有效期" not in sentence.text:
        return []
    for match in _OWN_LIFE.finditer(sentence.text):
        expiry = _expiry_after(sentence.text[match.end() :], start)
        if expiry is not None:
            line = sentence.line_at(sentence.text.find("有效期", match.start()))
            return [ExtractedRelation("expires", None, "whole", expiry, sentence.text, line, _CONFIDENCE)]
    return []


_DATE_PREFIX = 40  # the longest written date, 二〇二六年十二月三十一日 with spaces, fits


def _expiry_after(rest: str, start: date | None) -> date | None:
    # Only a date right at the start counts: look at a bounded prefix, not the whole sentence
    # (find_dates over the rest for every 有效期 made one long sentence quadratic).
    dates = find_dates(rest[:_DATE_PREFIX])
    if dates and dates[0][0] == 0:
        return dates[0][2]
    years = _YEARS.match(rest)
    if years is None or start is None:
        return None
    try:
        return validity_end(start, cn_to_int(years["years"]))
    except ValueError:
        return None
