"""What a document issues itself, so that naming it is no citation.

A cover notice names its instrument in its title (000 line 2460 "关于印发《医院巡查工作管理办法
（试行）》的通知"), in its body ("制定了《…》。现印发给你们") and in its attachment list (004 line 80
"附件：1.职业卫生技术服务机构资质认可程序"); a 规定 names its own 附件 (004 line 1842).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from ingest.normalize import clean_lines
from linking.mentions import Mention
from linking.titles import edition_of

# 004 line 80 "附件：1.职业卫生技术服务机构资质认可程序", line 82 "      2.…", 001 "- 附件：1. …".
_ATTACHMENT_HEAD = re.compile(r"^[-\s]*附件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*(?P<rest>.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2})\s*[.、．,，]\s*(?P<title>\S.*)$")
_NOTE = re.compile(r"[（(](?:附件略|略)[^）)]*[）)]")
_MAX_TITLE = 80
# 000 line 3040 "关于印发节约药品资源遏制药品浪费实施方案的通知" names "节约药品资源 遏制药品浪费的实施方案".
_SAME_NAME = 92.0


def attachment_titles(text: str) -> list[str]:
    """Titles in the document's own 附件 list and under its 附件N headings."""
    lines = [line.strip() for line in clean_lines(text)]
    titles: list[str] = []
    for index, line in enumerate(lines):
        head = _ATTACHMENT_HEAD.match(line)
        if head is None:
            continue
        rest = head["rest"]
        if rest:
            item = _LIST_ITEM.match(rest)
            titles.append(item["title"] if item else rest)
        titles += _items_after(lines, index + 1, rest == "")
    return [t for t in (_NOTE.sub("", t).strip("《》 ") for t in titles) if 2 < len(t) <= _MAX_TITLE]


def _items_after(lines: list[str], start: int, heading_only: bool) -> list[str]:
    found: list[str] = []
    for line in lines[start:]:
        if not line:
            continue
        item = _LIST_ITEM.match(line)
        if item:
            found.append(item["title"])
            continue
        if heading_only and not found:
            found.append(line)  # "附件1" on its own line, its title on the next
        break
    return found


class OwnTitles:
    """The source's own titles, compared by (title key, edition, 试行)."""

    def __init__(self, titles: Iterable[str]) -> None:
        self._keys = {edition_of(t) for t in titles if t}

    def add(self, mentions: Iterable[Mention]) -> None:
        for mention in mentions:
            if mention.citation.title:
                self._keys.add(edition_of(mention.citation.title))

    def holds(self, mention: Mention) -> bool:
        citation = mention.citation
        if citation.doc_number_canonical or not citation.title:
            return False
        base, label, is_trial = edition_of(citation.title)
        return any(
            (label, is_trial) == (own_label, own_trial) and fuzz.ratio(base, own_base) >= _SAME_NAME
            for own_base, own_label, own_trial in self._keys
        )
