"""Fuzzing the differ with real documents edited the way amendments edit them (Hypothesis):
articles inserted, deleted, reworded and renumbered, punctuation restyled. Whatever the edits,
an article whose body was not touched is paired with its renumbered self (never reported as
removed + added), a reworded one is paired and its ops show the new words, an inserted one is
added, a deleted one removed, and the character ops rebuild both texts.

test_diff_properties.py proves the same laws on synthetic units; these inputs are the real
条 of the samples, whose long shared phrases are what alignment must not be fooled by.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffing.chardiff import new_side, old_side
from diffing.compare import compare
from diffing.model import INSERT
from ingest.model import Article
from ingest.parse import parse_text
from tests.conftest import sample_path
from tests.support.diff_corpus import to_halfwidth_punctuation

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..999 as written in 第…条 (十一, 二十, 一百零二, 一百一十)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, units = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[units] if units else "")
    hundreds, rest = divmod(n, 100)
    head = _DIGITS[hundreds] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    tens, units = divmod(rest, 10)
    return head + _DIGITS[tens] + "十" + (_DIGITS[units] if units else "")


@functools.cache
def documents() -> tuple[tuple[Article, ...], ...]:
    """Article lists (第…条 only, at least 8) of every sample document that has them."""
    found = []
    for prefix in ("000", "001", "002", "004"):
        for doc in parse_text(sample_path(prefix).read_text(encoding="utf-8")).documents:
            articles = tuple(a for a in doc.articles if a.kind == "article" and a.number)
            bodies = [a.text[len(a.heading) :] for a in articles]
            if len(articles) >= 8 and len(set(bodies)) == len(bodies):
                found.append(articles)
    return tuple(found)


@dataclass(frozen=True)
class Edits:
    document: int
    inserted_at: list[int]
    deleted: list[int]
    reworded: list[tuple[int, int]]  # (article index, character position)
    restyled: bool


EDITS = st.builds(
    Edits,
    document=st.integers(0, 10_000),
    inserted_at=st.lists(st.integers(0, 200), max_size=2, unique=True),
    deleted=st.lists(st.integers(0, 200), max_size=2, unique=True),
    reworded=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 10_000)), max_size=3),
    restyled=st.booleans(),
)

# Bodies nothing in the samples resembles, so that an inserted article can only be "added".
INSERTED = (
    "队员每年参加不少于四十学时的专业培训，培训记录存档备查。",
    "本条所称装备包括帐篷、净水设备和发电机组。",
)


def renumbered(article: Article, number: int) -> Article:
    heading = f"第{chinese_number(number)}条"
    body = article.text[len(article.heading) :]
    label = f"{article.label.rsplit('a', 1)[0]}a{number}"
    return replace(article, label=label, number=number, heading=heading, text=heading + body)


def amend(
    old: tuple[Article, ...], edits: Edits
) -> tuple[list[Article], dict[str, str | None], set[str], set[str]]:
    """(new articles, old label → expected new label or None, reworded old labels, inserted new labels)."""
    deleted = {i % len(old) for i in edits.deleted}
    reworded = {  # a few characters added to a body of 30 or more: still the same article
        i % len(old): p
        for i, p in edits.reworded
        if i % len(old) not in deleted and len(old[i % len(old)].text) - len(old[i % len(old)].heading) >= 30
    }
    pieces: list[tuple[Article | None, str | None]] = []  # (old article or None when inserted, inserted body)
    for index, article in enumerate(old):
        pieces += [
            (None, INSERTED[n]) for n, at in enumerate(edits.inserted_at) if at % (len(old) + 1) == index
        ]
        if index not in deleted:
            pieces.append((article, None))
    pieces += [
        (None, INSERTED[n]) for n, at in enumerate(edits.inserted_at) if at % (len(old) + 1) == len(old)
    ]
    new: list[Article] = []
    expected: dict[str, str | None] = {old[i].label: None for i in deleted}
    inserted: set[str] = set()
    for number, (article, body) in enumerate(pieces, start=old[0].number or 1):
        if article is None:
            fresh = renumbered(replace(old[0], heading="", text=body or ""), number)
            new.append(fresh)
            inserted.add(fresh.label)
            continue
        moved = renumbered(article, number)
        index = old.index(article)
        if index in reworded:
            body_text = moved.text[len(moved.heading) :]
            at = reworded[index] % max(1, len(body_text) - 2)
            moved = replace(moved, text=moved.heading + body_text[:at] + "应当及时" + body_text[at:])
        if edits.restyled:
            moved = replace(moved, text=to_halfwidth_punctuation(moved.text))
        new.append(moved)
        expected[article.label] = moved.label
    return new, expected, {old[i].label for i in reworded}, inserted


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_real_articles_keep_their_identity_through_insertions_deletions_and_renumbering(edits: Edits) -> None:
    docs = documents()
    old = docs[edits.document % len(docs)]
    new, expected, reworded, inserted = amend(old, edits)
    diff = compare(old, new)
    records = {(c.old_label, c.new_label): c for c in diff.articles}
    for change in diff.articles:
        assert old_side(change.ops) == change.old_text and new_side(change.ops) == change.new_text
        assert change.restructure == "", change  # nothing here splits or merges an article
    for old_label, new_label in expected.items():
        if new_label is None:
            assert records[(old_label, None)].change == "removed"
        elif old_label in reworded:  # "moved" when renumbered too; the ops show the rewording
            record = records[(old_label, new_label)]
            assert record.change in ("modified", "moved")
            typed = Counter("".join(text for op, text in record.ops if op == INSERT))
            assert not Counter("应当及时") - typed  # the diff may place them beside a twin 应当/及时
        else:
            record = records[(old_label, new_label)]
            assert record.change in ("unchanged", "moved") and record.similarity == 1.0
    for label in inserted:
        assert records[(None, label)].change == "added"
    assert len(diff.articles) == len(expected) + len(inserted)


def test_a_reworded_article_never_reports_full_similarity() -> None:
    old = documents()[0]
    new, _expected, reworded, _inserted = amend(old, Edits(0, [], [], [(200, 0)], False))
    (label,) = reworded
    (record,) = [c for c in compare(old, new).articles if c.old_label == label]
    assert record.change == "modified"
    assert record.similarity < 1.0


def test_the_corpus_is_big_enough() -> None:
    docs = documents()
    assert len(docs) >= 3 and sum(len(d) for d in docs) >= 100
    assert [chinese_number(n) for n in (1, 10, 11, 20, 32, 99, 100, 102, 110)] == [
        "一", "十", "十一", "二十", "三十二", "九十九", "一百", "一百零二", "一百一十",
    ]  # fmt: skip
