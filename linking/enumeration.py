"""How several documents are named in one breath: "《A》、《B》和《C》", each with its own history.

A closing article or a decision names what it repeals with when and by whom each was issued:
h04 "1964年4月20日卫生部、商业部、化工部发布的《A》，1964年12月7日卫生部、商业部发布的《B》，…，同时废止",
h16 "原教育部、卫生部一九七九年十二月六日颁布的《A》和一九八○年八月二十六日颁布的《B》同时废止",
l12 "废止1957年8月1日…会议通过的《A》及《B》", l24 "对《A》、《B》…和《H》等8部…地方性法规予以废止",
l08 "废止《A》（（83）银发字第381号文印发）和《B》（…）2件规章". These patterns say what may stand
between two named documents of one list, and between the list and its verb.
"""

from __future__ import annotations

import re

from linking.mentions import BLANK

_RUN = rf"[^，,。；;：:《》“”{BLANK}]"
# What happened to a document, before its name: "…发布的", "…会议通过的", "原…颁布的".
HISTORY = rf"(?:原)?{_RUN}{{0,60}}?(?:发布|公布|颁布|通过|批准|印发|制定|下发|发)的"
# The rest of a bracket after a title (l08 "文印发）"), or whole brackets whose commas cut nothing
# ("（2004年发布，2010年修订）").
BRACKETS = r"(?:[（(][^（）()《》。；;]{0,80}[)）]|[^（）()《》，,。；;]{0,16}[)）\]］〕])*"
_AND = r"(?:[、和与及或]|以及)"
# Between two documents of one list: 、/和/及 and what is said of the next one; a comma only before a
# history ("，1964年12月7日…发布的《B》"); or nothing but 中的 (a part: "…（文号）中的附件1").
SEPARATOR = re.compile(
    rf"^[)）\]］〕]*{BRACKETS}(?:{_AND}{_RUN}{{0,60}}|[，,]{HISTORY}|{_AND}?(?:中的|中|的)?)$"
)
# The same after the verb ("废止《A》（…）和《B》"), where a bare 的 names something else (《A》的决定).
AFTER_SEPARATOR = re.compile(rf"^[)）\]］〕]*{BRACKETS}(?:{_AND}{_RUN}{{0,60}}|[，,]{HISTORY})$")
# Between the last document and the repeal: a count (l24 "等8部已不适用…的地方性法规", l08 "2件规章"),
# a date of effect, a comma before 同时废止 (h04).
_COUNT = r"[0-9一二三四五六七八九十]+(?:个|项|件|份|部|篇)"
REPEAL_GAP = re.compile(
    rf"^[)）\]］〕]*{BRACKETS}(?:等{_COUNT}?{_RUN}{{0,30}}?|{_COUNT}{_RUN}{{0,12}}?)?"
    r"(?:自[^，,。；;]{0,16}起)?(?P<comma>[，,])?$"
)
# Between 废止 and the first document it names: l12 "废止1957年8月1日…会议通过的《…》".
REPEAL_LEAD = re.compile(rf"^(?:以下|下列|如下)?(?:{HISTORY})?$")
