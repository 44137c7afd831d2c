"""Monthly 汇编 (001): a table of contents, then documents each opened by a metadata block
(发文机关 / 成文日期 / 标题 / 发文字号 / 发布日期 / 类别 / 关键字)."""

from __future__ import annotations

import re

from ingest import segment_circulars as circ
from ingest.segment import DocumentSpan, Segmentation
from ingest.segment_toc import check_toc, toc_entries

# Labels may be letter-spaced ("标 题：", "关 键 字：", 001 line 325) and share a line with another
# field ("发文机关： 内蒙古自治区卫生健康委 成文日期： 2024年3月15日", 001 line 1790).
_LABELS = {
    "发文机关": r"发\s*文\s*机\s*关",
    "成文日期": r"成\s*文\s*日\s*期",
    "标题": r"标\s*题",
    "发文字号": r"发\s*文\s*字\s*号",
    "发布日期": r"发\s*布\s*日\s*期",
    "类别": r"类\s*别",
    "关键字": r"关\s*键\s*字|关\s*键\s*词",
}
LABEL_RE = re.compile("|".join(f"(?P<f{i}>{p})\\s*[:：]" for i, p in enumerate(_LABELS.values())))
_NAMES = tuple(_LABELS)
_BLOCK_START_RE = re.compile(rf"^\s*(?:{'|'.join(_LABELS.values())})\s*[:：]")
_MIN_FIELDS = 3
_IDENTIFYING = {"标题", "发文机关", "发文字号"}
_MAX_BLOCK_LINES = 24
_CONTINUATION_LOOKAHEAD = 2  # a line without a label belongs to the block if a label line follows soon


def _fields_in(line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs on one metadata line; text before the first label is dropped."""
    matches = list(LABEL_RE.finditer(line))
    pairs = []
    for k, m in enumerate(matches):
        name = _NAMES[int(m.lastgroup[1:])]  # type: ignore[index]
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        pairs.append((name, line[m.end() : stop].strip()))
    return pairs


def _has_label(line: str) -> bool:
    return bool(LABEL_RE.search(line))


def read_block(lines: list[str], start: int) -> tuple[list[tuple[str, str]], int]:
    """The fields of the metadata block opening at ``start`` and the index just after it."""
    fields: list[tuple[str, str]] = []
    i, last = start, start
    limit = min(len(lines), start + _MAX_BLOCK_LINES)
    while i < limit:
        text = lines[i].strip()
        if not text:
            i += 1
            continue
        if _has_label(text):
            found = _fields_in(text)
            if i != start and {name for name, _ in found} & {name for name, _ in fields}:
                break  # a field seen already: the next block begins
            fields.extend(found)
        elif fields and _label_follows(lines, i, limit, {name for name, _ in fields}):
            # 001 line 321: "发文机关：国家卫生健康委办公厅、中央" continues on "网信办秘书局等"
            name, value = fields[-1]
            fields[-1] = (name, value + text)
        else:
            break
        last = i
        i += 1
    return fields, last + 1


def _label_follows(lines: list[str], index: int, limit: int, seen_fields: set[str]) -> bool:
    """Is a line of the same block (a field not seen yet) coming within a couple of lines?"""
    seen = 0
    for j in range(index + 1, limit):
        text = lines[j].strip()
        if not text:
            continue
        if _has_label(text):
            return not {name for name, _ in _fields_in(text)} & seen_fields
        seen += 1
        if seen >= _CONTINUATION_LOOKAHEAD:
            return False
    return False


def _heading(lines: list[str], body: int, end: int) -> tuple[str, int | None, str | None]:
    """The heading printed under the block: (title, title line index, 文号 as written)."""
    window = min(end, body + 16)
    headers = circ.find_headers(lines, body, window)
    if headers and headers[0].title_lines:
        header = headers[0]
        return "".join(lines[j].strip() for j in header.title_lines), header.title_lines[0], header.doc_number
    picked: list[int] = []
    for j in range(body, window):
        text = lines[j].strip()
        if not text:
            if picked and j - picked[-1] > 2:
                break
            continue
        if not circ.is_title_line(text):
            break
        picked.append(j)
        if len(picked) == 2:
            break
    title = "".join(lines[j].strip() for j in picked)
    return title, (picked[0] if picked else None), None


def _next_text(lines: list[str], index: int, end: int) -> int:
    while index < end and not lines[index].strip():
        index += 1
    return index


def span_for_block(lines: list[str], start: int, end: int) -> DocumentSpan:
    fields, after = read_block(lines, start)
    body = _next_text(lines, after, end)
    title, title_index, doc_number = _heading(lines, body, end)
    parent_end, attachments = circ.split_attachments(lines, body, end)
    return DocumentSpan(
        start_line=start + 1,
        end_line=circ.last_text_line(lines, start, parent_end) + 1,
        body_line=min(body, end - 1) + 1,
        title=title,
        title_line=None if title_index is None else title_index + 1,
        doc_number=doc_number,
        metadata=tuple(fields),
        attachments=attachments,
    )


def _compilation_title(lines: list[str], first_block: int) -> str | None:
    """The cover's name: the non-blank lines before 目录, e.g. "全国医药政策 月度汇编"."""
    for i in range(first_block):
        text = lines[i].strip()
        if "汇编" in text:
            return text
    return None


def block_starts(lines: list[str]) -> list[int]:
    """Lines opening a metadata block: a label at the line start, then at least three different
    fields including 标题, 发文机关 or 发文字号 (a stray "类别：" in a table opens nothing)."""
    starts: list[int] = []
    i = 0
    while i < len(lines):
        if _BLOCK_START_RE.match(lines[i]):
            fields, after = read_block(lines, i)
            names = {name for name, _ in fields}
            if len(names) >= _MIN_FIELDS and names & _IDENTIFYING:
                starts.append(i)
                i = after
                continue
        i += 1
    return starts


def split(lines: list[str]) -> Segmentation | None:
    """Monthly compilation when at least two metadata blocks open documents, a single document
    when one does (a page saved from a government site), else None."""
    starts = block_starts(lines)
    if not starts:
        return None
    if len(starts) == 1:
        return Segmentation("single", None, (span_for_block(lines, starts[0], len(lines)),))
    spans = [
        span_for_block(lines, start, starts[k + 1] if k + 1 < len(starts) else len(lines))
        for k, start in enumerate(starts)
    ]
    warnings = check_toc(toc_entries(lines, 0, starts[0]), spans)
    return Segmentation("monthly", _compilation_title(lines, starts[0]), tuple(spans), tuple(warnings))
