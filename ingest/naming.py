"""A name people recognise for a compilation that has no title of its own.

Runs of circulars (000, 004) and single documents (003) carry no masthead: the file name, often
a hash, is all the input says of itself. Their documents say more: who issued them and when.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.model import ParsedCompilation, ParsedDocument

_MAX_ISSUERS = 2
_HEAD_LINES = 40  # the masthead's period is printed under its title, on the cover
# 2024年第03期 / 2023年第5期 / 2024年第3期（总第83期）: the year and issue, not the running number
_ISSUE_RE = re.compile(r"^\s*(\d{4}年\s*第\s*[0-9０-９一二三四五六七八九十]+\s*期)")


def display_name(compilation: ParsedCompilation, text: str = "") -> str | None:
    """The compilation's own title (a 汇编 or 公报 masthead) with the issue its cover prints
    (``全国医药政策 月度汇编 2024年第03期``) when it has one, else its documents' issuers, the months
    they were written or published in and how many there are:
    ``国家卫生健康委 2024年3月—2024年4月 · 12 份文件``; None for an empty compilation."""
    if compilation.title:
        issue = issue_of(text)
        return (
            f"{compilation.title} {issue}" if issue and issue not in compilation.title else compilation.title
        )
    documents = compilation.documents
    if not documents:
        return None
    if len(documents) == 1:
        return documents[0].title
    issuers = Counter(issuer for d in documents for issuer in d.issuers[:1])
    named = "、".join(name for name, _ in issuers.most_common(_MAX_ISSUERS))
    parts = [named, _months(documents), f"· {len(documents)} 份文件"]
    return " ".join(part for part in parts if part)


def issue_of(text: str) -> str | None:
    """The issue a masthead's cover prints under its title, spaces dropped; None when there is none."""
    for line in text.split("\n", _HEAD_LINES)[:_HEAD_LINES]:
        if m := _ISSUE_RE.match(line):
            return re.sub(r"\s+", "", m.group(1))
    return None


def _months(documents: tuple[ParsedDocument, ...]) -> str:
    dates = sorted(d for doc in documents if (d := doc.written_date or doc.published_date))
    if not dates:
        return ""
    first, last = (f"{d.year}年{d.month}月" for d in (dates[0], dates[-1]))
    return first if first == last else f"{first}—{last}"
