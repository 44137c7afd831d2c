"""Relations of a list: each row is repealed (or amended) by the source, in whole or in part (第三条 /
附件一), and a row's note may say another document repealed or replaced it ("该文件已被《…》（…）替代")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from linking import list_headings, lists
from linking.history import history_after
from linking.list_headings import AMENDS, REPEALS
from linking.mentions import Mention
from linking.rules import Context, Found, relation

# Corpus l05 "…高检发控字〔2010〕5号该文件已被最高人民检察院关于印发《…》的通知（高检发控字〔2015〕3号）替代。",
# "…审法发〔1990〕228号该文件已被《…的通知》（审办审理发〔2019〕6号）废止。"
_PASSIVE_NOTE = re.compile(
    r"(?:该文件|该规定|该通知|其)?已(?:经)?被(?P<by>.{0,200}?)(?P<verb>废止|替代|代替|取代)"
)
# What may sit between the rows of a list without ending it: table borders and the rest of a row's
# cells (l23 " |"), a category sub-heading ("一、卫生类（12件）", "（二）司法解释性质文件"), a page number.
_FURNITURE = re.compile(r"^[|:：\-—\s0-9]*$|^[^。；;，,]{0,24}[|]?$")
# A numbered row this reader cannot read (p04 附件2 二、"煤炭送货办法（煤炭工业部、铁道部修订 1965年12月6日
# 国务院批转）") is still a row: the rows after it are read. Prose numbered so closes the list below.
_NUMBERED_ROW = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[0-9０-９]+[.．、])(?!本决定|本通知|本公告|以上|上述)"
)
# Prose that closes a list: "本决定自公布之日起施行。" (l07), "以上法规废止后，…" (l24).
_CLOSES_LIST = re.compile(r"^(?:本决定|本通知|本公告|本规定|本办法|以上|上述|特此|此前|各)")

# The heading of another list ends this one: a clean-up decision also lists what stays in force
# ("继续有效的规范性文件目录", "保留的…清单"), which no heading of ours names.
_OTHER_LIST = re.compile(r"目录|清单|名单|名录|一览表|继续有效|予以保留|现行有效")


@dataclass(frozen=True)
class ListState:
    """Inside a list: what its rows undergo (list_headings.REPEALS, AMENDS, MIXED or PASSIVE)."""

    kind: str = REPEALS


def list_relations(ctx: Context, state: ListState | None) -> tuple[Found | None, ListState | None]:
    """The rows in the sentence and the list state after it; None when the sentence holds no list."""
    text = ctx.sentence.text
    heads = list_headings.headings(ctx.blanked)
    segments: list[tuple[int, int, str]] = []
    if state is not None:
        segments.append((0, heads[0].start if heads else len(text), state.kind))
    for i, head in enumerate(heads):
        segments.append((head.end, heads[i + 1].start if i + 1 < len(heads) else len(text), head.kind))
    if not segments:
        return None, None  # no list open and no heading here: nine sentences in ten
    breaks = _line_starts(ctx)
    found: Found = []
    for start, end, kind in segments:
        for row in lists.rows(text, start, end, breaks):
            found += _row_relations(ctx, row, kind)
    after = ListState(heads[-1].kind) if heads else state
    if not found and not heads:
        kept = state is not None and (_furniture(text) or _NUMBERED_ROW.match(text) is not None)
        return None, state if kept else None
    found += [(None, m) for m in ctx.mentions if not any(m is taken for _, taken in found)]
    return found, after


def _line_starts(ctx: Context) -> list[int]:
    lines = ctx.sentence.lines
    return [i for i in range(1, len(lines)) if lines[i] != lines[i - 1]]


def _furniture(text: str) -> bool:
    """A sentence inside a list that is no row and does not end it."""
    stripped = text.strip()
    if _CLOSES_LIST.match(stripped.lstrip("|")) or _OTHER_LIST.search(stripped):
        return False
    return "|" in stripped or bool(_FURNITURE.match(stripped))


def _row_relations(ctx: Context, row: lists.Row, list_kind: str) -> Found:
    mention = Mention(row.start, row.end, row.citation)
    out: Found = []
    kind = list_headings.row_kind(list_kind, ctx.sentence.text[row.start : row.end])
    if kind == REPEALS:
        rel = relation(ctx, "partially_repeals", mention, scope=row.part) if row.part else None
        rel = rel or relation(ctx, "repeals", mention)
        out.append((replace(rel, quote=_quote(ctx, row)), mention))
    elif kind == AMENDS:
        rel = relation(ctx, "amends", mention, scope=row.part or "whole")
        out.append((replace(rel, quote=_quote(ctx, row)), mention))
    title = row.citation.title or ""
    title_end = ctx.sentence.text.find(title, row.start) + len(title) if title else -1
    if title_end > row.start and ctx.sentence.text[title_end - 1 : title_end] != "》":
        out += [(rel, mention) for rel in history_after(ctx.sentence, title_end, row.citation)]
    note_end = ctx.sentence.text.find("。", row.end)
    note = _PASSIVE_NOTE.match(ctx.blanked, row.end, note_end if note_end >= 0 else len(ctx.blanked))
    if note:
        by = [m for m in ctx.mentions if note.start("by") <= m.start and m.end <= note.end("by")]
        if by:
            verb = "repeals" if note["verb"] == "废止" else "replaces"
            out.append((relation(ctx, verb, mention, subject=by[-1].citation), by[-1]))
    return out


def _quote(ctx: Context, row: lists.Row) -> str:
    """The row itself: a flattened list is one sentence of many rows."""
    return ctx.sentence.text[row.start : row.end]
