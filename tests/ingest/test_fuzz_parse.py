"""Fuzzing the segmenter and the metadata parser with damaged real compilations (Hypothesis).

Random text rarely looks like a compilation, so these inputs start from a window of a real
sample and damage it the way PDF extraction and retyping do: lines dropped, doubled, swapped,
broken in two or run together, page numbers and form feeds inserted, brackets and digits
rewritten in other widths, stray 文号/date/heading fragments pasted in, the text cut short.
Whatever comes out must be a well-formed parse or a SegmentError — no other exception — and
every 文号, date, line range and label in it must keep the parser's own invariants.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.docnumber import canonical_doc_number
from ingest.errors import SegmentError
from ingest.model import ParsedDocument
from ingest.parse import parse_text
from tests.conftest import sample_path

# Pieces of the samples' own vocabulary: headings, 文号 in odd brackets, dates (some impossible),
# metadata labels, attachment lines, and things that only look like them.
FRAGMENTS = (
    "第一章 总则", "第三十二条", "第1条", "一、", "（三）", "附件1", "附件：", "发文字号：", "成文日期：",
    "国卫医急发〔2024〕11号", "国卫办医政函 [2024] 86 号", "卫办应急发（2010）183号", "〔2024〕号", "WS/T 347—2024",
    "2024年13月45日", "2024年2月30日", "二〇二四年三月十九日", "2024-02-30", "自印发之日起施行", "有效期5年",
    "同时废止", "国家卫生健康委", "关于印发某办法的通知", "第 3 页", "\f", "\u3000\u3000", "《》", "〔", "号",
)  # fmt: skip
_WIDE = str.maketrans("0123456789[]()", "０１２３４５６７８９［］（）")


@functools.cache
def sample_lines(prefix: str) -> tuple[str, ...]:
    return tuple(sample_path(prefix).read_text(encoding="utf-8").split("\n"))


@dataclass(frozen=True)
class Damage:
    kind: str
    at: int
    fragment: str


DAMAGE = st.builds(
    Damage,
    kind=st.sampled_from(["drop", "double", "swap", "break", "join", "paste", "widen", "page", "cut"]),
    at=st.integers(0, 10**6),
    fragment=st.sampled_from(FRAGMENTS),
)


def damaged(lines: list[str], damage: Damage) -> list[str]:
    if not lines:
        return lines
    i = damage.at % len(lines)
    line = lines[i]
    cut = damage.at % (len(line) + 1)
    if damage.kind == "drop":
        return lines[:i] + lines[i + 1 :]
    if damage.kind == "double":
        return lines[: i + 1] + lines[i:]
    if damage.kind == "swap" and i + 1 < len(lines):
        return lines[:i] + [lines[i + 1], line] + lines[i + 2 :]
    if damage.kind == "break":
        return lines[:i] + [line[:cut], line[cut:]] + lines[i + 1 :]
    if damage.kind == "join" and i + 1 < len(lines):
        return lines[:i] + [line + lines[i + 1]] + lines[i + 2 :]
    if damage.kind == "paste":
        return lines[:i] + [line[:cut] + damage.fragment + line[cut:]] + lines[i + 1 :]
    if damage.kind == "widen":
        return lines[:i] + [line.translate(_WIDE)] + lines[i + 1 :]
    if damage.kind == "page":
        return lines[:i] + ["", f"- {damage.at % 300} -", ""] + lines[i:]
    if damage.kind == "cut":
        return lines[:i] + [line[:cut]]
    return lines


def walk(documents: tuple[ParsedDocument, ...]) -> list[ParsedDocument]:
    return [d for doc in documents for d in (doc, *walk(doc.attachments))]


def check_invariants(text: str) -> None:
    """parse_text gives a well-formed compilation or raises SegmentError; nothing else."""
    try:
        parsed = parse_text(text)
    except SegmentError as error:
        assert str(error) and "\n" not in str(error)
        return
    total = len(text.split("\n"))
    assert parsed.documents
    everything = walk(parsed.documents)
    spans = sorted((d.start_line, d.end_line) for d in everything)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    for doc in everything:
        assert 1 <= doc.start_line <= doc.end_line <= total
        assert doc.title.strip() and "\n" not in doc.title
        if doc.doc_number_canonical is not None:
            assert doc.doc_number is not None
            assert canonical_doc_number(doc.doc_number) == doc.doc_number_canonical
            assert canonical_doc_number(doc.doc_number_canonical) == doc.doc_number_canonical
        for day in (doc.written_date, doc.published_date, doc.effective_date, doc.expiry_date):
            assert day is None or 1900 <= day.year <= 2100
        labels = [unit.label for unit in doc.articles]
        assert len(labels) == len(set(labels))
        assert all(doc.start_line <= unit.line <= doc.end_line for unit in doc.articles)
        assert all(att.start_line > doc.start_line for att in doc.attachments)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(["000", "001", "002", "003", "004"]),
    start=st.integers(0, 10**6),
    length=st.integers(1, 300),
    damages=st.lists(DAMAGE, max_size=8),
)
def test_damaged_windows_of_real_compilations_parse_or_raise_segment_error(
    prefix: str, start: int, length: int, damages: list[Damage]
) -> None:
    lines = sample_lines(prefix)
    first = start % len(lines)
    window = list(lines[first : first + length])
    for damage in damages:
        window = damaged(window, damage)
    check_invariants("\n".join(window))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(["000", "002", "003", "004"]), damages=st.lists(DAMAGE, min_size=1, max_size=12)
)
def test_whole_damaged_compilations_keep_the_invariants(prefix: str, damages: list[Damage]) -> None:
    lines = list(sample_lines(prefix))
    for damage in damages:
        lines = damaged(lines, damage)
    check_invariants("\n".join(lines))


def test_the_undamaged_samples_keep_the_invariants() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        check_invariants("\n".join(sample_lines(prefix)))
