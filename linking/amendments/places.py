"""Where an instruction acts: "第九条第一款第（四）项、第十条" -> Place(9, 1, 4), Place(10).

Lists share the higher levels of the unit before them (第三十五条第一款、第二款 is 第三十五条第二款),
ranges are spelled out (第十二条至第十六条, 2024-12-06 decision 四), and number lists are read
(删去第二、三、四、六项, 2024-12-06 decision 九).
"""

from __future__ import annotations

import re

from ingest.numerals import cn_to_int
from linking.amendments.model import Place

NUM = "[一二三四五六七八九十百千零〇两0-9０-９]+"
# One run of places as the grammar sees it; parse_places reads it. 原第N条 is the old number, as
# every number is (吉林市 2024-12-16 decision 十二: 删去原第二十一条第八项).
_ONE = rf"原?第[（(]?{NUM}[）)]?(?:、{NUM})*[条款项](?:之[一二三四五六七八九十]+)?"
LOCS = rf"(?:{_ONE}|、|和|及|至)*{_ONE}"
_NUMBER_LIST = re.compile(rf"第((?:{NUM}、)+{NUM})([条款项])")
_TOKEN = re.compile(rf"第[（(]?(?P<n>{NUM})[）)]?(?P<unit>[条款项])(?P<sub>之{NUM})?|(?P<join>、|和|及|至)")
_LEVEL = {"条": 0, "款": 1, "项": 2}


class PlaceError(ValueError):
    """A place this parser cannot address (第N条之一: ingest gives such articles no label of their own)."""


def parse_places(text: str, context: Place | None) -> tuple[Place, ...]:
    """The places ``text`` names; a 款 or 项 without its 条 belongs to ``context``'s article."""
    text = _NUMBER_LIST.sub(lambda m: "、".join(f"第{n}{m[2]}" for n in m[1].split("、")), text)
    places: list[Place] = []
    current: list[int | None] = _levels(context)
    started = False
    ranged = False
    for m in _TOKEN.finditer(text):
        if m["join"]:
            if started:
                places.append(Place(*current))
            ranged, started = m["join"] == "至", False
            continue
        if m["sub"]:
            raise PlaceError(f"第N条{m['sub']} is not addressable: {text}")
        level = _LEVEL[m["unit"]]
        if not started:
            current = [*current[:level], None, None, None][:3]
        current[level] = cn_to_int(m["n"])
        started = True
        if ranged and places:
            places.extend(_spelled_out(places.pop(), level, current))
            ranged = False
    if started:
        places.append(Place(*current))
    return tuple(dict.fromkeys(places))


def _levels(context: Place | None) -> list[int | None]:
    return [context.article, context.paragraph, context.item] if context else [None, None, None]


def _spelled_out(first: Place, level: int, last: list[int | None]) -> list[Place]:
    start = _levels(first)
    low, high = start[level] or 0, last[level] or 0
    out = []
    for n in range(low, high + 1):
        values = [*start]
        values[level] = n
        out.append(Place(*values))
    return out
