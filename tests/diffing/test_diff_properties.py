"""Properties of the differ that must hold for any input (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffing.chardiff import char_ops, cut_ops, new_side, old_side
from diffing.compare import compare
from diffing.model import CHANGE_KINDS, DELETE, EQUAL, INSERT
from ingest.model import Article
from ingest.normalize import comparison_key
from tests.support.diff_corpus import rebreak_lines, to_halfwidth_punctuation

# Characters the samples are made of: CJK, both punctuation widths, brackets, blanks, digits.
ALPHABET = st.sampled_from(
    list("的国家卫生应急队伍管理办法第一二三四五六七八九十条章（）()〔〕[]，,。.；;：:、—-―–“”《》 \n\u3000")
    + list("0123456789０１２３ABCabc條員醫")
)
TEXTS = st.text(ALPHABET, max_size=120)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def article(label: str, text: str, number: int | None) -> Article:
    heading = f"第{number}条" if number is not None else ""
    return Article(
        label=label, kind="article", number=number, heading=heading, path=(), text=heading + text, line=1
    )


UNIT = st.builds(
    article,
    st.sampled_from(["a1", "a2", "a3", "ch1/a4", "p1"]),
    TEXTS,
    st.one_of(st.none(), st.integers(1, 9)),
)
UNITS = st.lists(UNIT, max_size=12)


@FAST
@given(TEXTS, TEXTS)
def test_ops_reproduce_both_texts(old, new):
    ops = char_ops(old, new)
    assert old_side(ops) == old
    assert new_side(ops) == new
    assert all(text and op in (DELETE, EQUAL, INSERT) for op, text in ops)


@FAST
@given(TEXTS, TEXTS, st.lists(st.integers(0, 240), max_size=4), st.sampled_from(["old", "new"]))
def test_cut_ops_pieces_reproduce_the_cut_text(old, new, cuts, side):
    ops = char_ops(old, new)
    text = new if side == "new" else old
    cuts = sorted(min(c, len(text)) for c in cuts)
    pieces = cut_ops(ops, cuts, side=side)
    assert len(pieces) == len(cuts) + 1
    assert "".join(old_side(p) for p in pieces) == old
    assert "".join(new_side(p) for p in pieces) == new
    bounds = [0, *cuts, len(text)]
    read = new_side if side == "new" else old_side
    assert [read(p) for p in pieces] == [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


@FAST
@given(TEXTS)
def test_comparison_key_ignores_style(text):
    key = comparison_key(text)
    assert comparison_key(to_halfwidth_punctuation(text)) == key
    assert comparison_key(rebreak_lines(text, 7)) == key
    assert comparison_key(key) == key  # idempotent


@FAST
@given(UNITS, UNITS)
def test_compare_is_total_and_ops_are_consistent(old, new):
    diff = compare(old, new)
    assert sum(diff.summary.as_dict().values()) == len(diff.articles)
    for change in diff.articles:
        assert change.change in CHANGE_KINDS
        assert 0.0 <= change.similarity <= 1.0
        assert old_side(change.ops) == change.old_text
        assert new_side(change.ops) == change.new_text
        assert len(change.spans) == len(change.ops)


def labelled(units: list[Article], prefix: str) -> list[Article]:
    return [replace(unit, label=f"{prefix}{index}") for index, unit in enumerate(units)]


@FAST
@given(UNITS, UNITS)
def test_every_unit_is_reported_once_in_new_order(old, new):
    old, new = labelled(old, "o"), labelled(new, "n")
    diff = compare(old, new)
    for unit in old:
        pieces = [c.old_text for c in diff.articles if c.old_label == unit.label]
        assert "".join(pieces) == unit.text
    for unit in new:
        pieces = [c.new_text for c in diff.articles if c.new_label == unit.label]
        assert "".join(pieces) == unit.text
    order = [c.new_label for c in diff.articles if c.new_label is not None]
    assert list(dict.fromkeys(order)) == [unit.label for unit in new]


@FAST
@given(UNITS)
def test_identical_inputs_are_all_unchanged(units):
    diff = compare(units, units)
    assert {change.change for change in diff.articles} <= {"unchanged"}
    assert len(diff.articles) == len(units)


@FAST
@given(UNITS)
def test_restyled_inputs_are_all_unchanged(units):
    restyled = [replace(u, text=rebreak_lines(to_halfwidth_punctuation(u.text), 5)) for u in units]
    diff = compare(units, restyled)
    assert {change.change for change in diff.articles} <= {"unchanged"}
