"""Relations of a repeal list: each row is repealed by the source (or part of it, 第三条 / 附件2),
and a row's note may say another document repealed or replaced it ("该文件已被《…》（…）替代")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from linking import lists
from linking.mentions import Mention
from linking.rules import Context, Found, relation

# Corpus l05 "…高检发控字〔2010〕5号该文件已被最高人民检察院关于印发《…》的通知（高检发控字〔2015〕3号）替代。",
# "…审法发〔1990〕228号该文件已被《…的通知》（审办审理发〔2019〕6号）废止。"
_PASSIVE_NOTE = re.compile(
    r"(?:该文件|该规定|该通知|其)?已(?:经)?被(?P<by>.{0,200}?)(?P<verb>废止|替代|代替|取代)"
)
# A row naming a part: "…的通知第三条", "…附件2".
_PART = lists.PART_AT_END


@dataclass(frozen=True)
class ListState:
    """Inside a list: whether its rows are repealed by the source (False: repealed by others)."""

    passive: bool


def list_relations(ctx: Context, state: ListState | None) -> tuple[Found | None, ListState | None]:
    """The rows in the sentence and the list state after it; None when the sentence holds no list."""
    text = ctx.sentence.text
    heads = lists.headings(ctx.blanked)
    segments: list[tuple[int, int, bool]] = []
    if state is not None:
        segments.append((0, heads[0].start if heads else len(text), state.passive))
    for i, head in enumerate(heads):
        segments.append((head.end, heads[i + 1].start if i + 1 < len(heads) else len(text), head.passive))
    found: Found = []
    after: ListState | None = ListState(heads[-1].passive) if heads else None
    for start, end, passive in segments:
        rows = lists.rows(text, start, end)
        if rows and not heads and state is not None:
            after = state
        for row in rows:
            found += _row_relations(ctx, row, passive)
    if not found and not heads:
        return None, None
    found += [(None, m) for m in ctx.mentions if not any(m is taken for _, taken in found)]
    return found, after


def _row_relations(ctx: Context, row: lists.Row, passive: bool) -> Found:
    mention = Mention(row.start, row.end, _whole(row))
    out: Found = []
    if not passive:
        part = _PART.search(row.citation.title or "")
        kind, scope = ("partially_repeals", _scope(part.group())) if part else ("repeals", "whole")
        out.append((replace(relation(ctx, kind, mention, scope=scope), quote=_quote(ctx, row)), mention))
    note_end = ctx.sentence.text.find("。", row.end)
    note = _PASSIVE_NOTE.match(ctx.blanked, row.end, note_end if note_end >= 0 else len(ctx.blanked))
    if note:
        by = [m for m in ctx.mentions if note.start("by") <= m.start and m.end <= note.end("by")]
        if by:
            kind = "repeals" if note["verb"] == "废止" else "replaces"
            out.append((relation(ctx, kind, mention, subject=by[-1].citation), by[-1]))
    return out


def _scope(part: str) -> str:
    return re.sub(r"\s+|^中的", "", part)


def _quote(ctx: Context, row: lists.Row) -> str:
    """The row itself: a flattened list is one sentence of many rows."""
    return ctx.sentence.text[row.start : row.end]


def _whole(row: lists.Row) -> lists.Citation:
    title = row.citation.title or ""
    part = _PART.search(title)
    if not part:
        return row.citation
    return lists.Citation(
        row.citation.doc_number_raw, row.citation.doc_number_canonical, title[: part.start()]
    )
