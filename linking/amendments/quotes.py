"""Quoted text in a decision: masked out so that the clause grammar never reads inside a quote.

A quote replacing several paragraphs opens every paragraph with “ and closes only the last
(2022-03-29 国务院关于修改和废止部分行政法规的决定, 附件1 二: 将第四十四条改为第四十三条，修改为
“违反…处罚。\\n\\n“违反…执业活动。”). Quotes inside a quote are written ‘…’ and are “…” in the
amended text (2024-12-06 decision, 十七: 申请办理‘卫生许可证’).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = {"“": "”", "「": "」", '"': '"', "＂": "＂", "『": "』"}
MARK = re.compile("\ue000(\\d+)\ue001")
_INNER = str.maketrans({"‘": "“", "’": "”"})
# Inside a “…” quote an opening “ can only open a paragraph (quotes within are ‘…’); pages that
# print a decision on one line keep it without the line break (2022-07-12 交通运输部 decision 一:
# …承担《国际民用航空公约》规定的职责和义务。“中华人民共和国根据…).
_PARAGRAPH_OPEN = re.compile(r"\s*\n\s*[“「\"＂『]?|(?<=[。；：！？])[“「＂『]")


@dataclass(frozen=True)
class Masked:
    """A paragraph with each quote replaced by a mark \\ue000i\\ue001; ``quotes[i]`` is its text."""

    skeleton: str
    quotes: tuple[str, ...]

    def paragraphs(self, index: int) -> tuple[str, ...]:
        """The quote's paragraphs as the amended text will hold them."""
        text = self.quotes[index]
        lines = [line.strip() for line in _PARAGRAPH_OPEN.split(text)]
        return tuple(line.translate(_INNER) for line in lines if line)

    def text(self, index: int) -> str:
        return "\n".join(self.paragraphs(index))

    def unmask(self, skeleton: str) -> str:
        """``skeleton`` (a part of this one) with its quotes written back as “…”."""
        return MARK.sub(lambda m: f"“{self.quotes[int(m[1])]}”", skeleton)

    def lines(self) -> list[tuple[int, str]]:
        """Skeleton lines with the 1-based line of the text each starts on (a quote may hold several)."""
        found: list[tuple[int, str]] = []
        line = 1
        for part in self.skeleton.split("\n"):
            found.append((line, part))
            line += 1 + sum(self.quotes[int(m[1])].count("\n") for m in MARK.finditer(part))
        return found


def mask(text: str) -> Masked:
    """Mask quotes; an unclosed quote runs to the end of ``text``."""
    out: list[str] = []
    quotes: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        close = _PAIRS.get(char)
        if close is None:
            out.append(char)
            i += 1
            continue
        end = text.find(close, i + 1)
        end = len(text) if end < 0 else end
        out.append(f"\ue000{len(quotes)}\ue001")
        quotes.append(text[i + 1 : end])
        i = end + 1
    return Masked("".join(out), tuple(quotes))
