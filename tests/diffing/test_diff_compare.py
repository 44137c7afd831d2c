"""compare() on articled documents from the samples, each put through known edits.

Every test states what a correct differ must report: which old article pairs with which new one,
which were edited, added or removed. Anything else reported is a phantom change and fails.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from diffing.chardiff import new_side, old_side
from diffing.compare import compare
from diffing.model import DELETE, EQUAL, INSERT, DocumentDiff
from diffing.units import paragraph_units
from ingest.model import Article
from tests.support.diff_corpus import (
    ARTICLED,
    DOCUMENTS,
    amended,
    inserted_article,
    rebreak_lines,
    renumber,
    to_fullwidth_punctuation,
    to_halfwidth_punctuation,
)

NEW_BODY = "国家卫生应急队伍应当建立健全信息报告制度，按季度向委托建设单位报送队伍建设情况。"
PHRASE = "（经省级主管部门批准）"
TRADITIONAL = str.maketrans("员条医卫应发国门", "員條醫衛應發國門")


@cache
def corpus(name: str) -> tuple[Article, ...]:
    return next(doc for doc in DOCUMENTS if doc.name == name).units()


@pytest.fixture(params=[doc.name for doc in ARTICLED])
def units(request) -> list[Article]:
    return list(corpus(request.param))


def assert_reported(
    diff: DocumentDiff,
    pairs: dict[str, str],
    *,
    edited: frozenset[str] = frozenset(),
    added: tuple[str, ...] = (),
    removed: tuple[str, ...] = (),
    out_of_order: frozenset[str] = frozenset(),
) -> None:
    """The diff reports exactly these pairs, edits, additions and removals, and nothing else."""
    seen_pairs, seen_added, seen_removed = {}, [], []
    for article in diff.articles:
        assert old_side(article.ops) == article.old_text and new_side(article.ops) == article.new_text
        if article.change == "added":
            seen_added.append(article.new_label)
            continue
        if article.change == "removed":
            seen_removed.append(article.old_label)
            continue
        seen_pairs[article.old_label] = article.new_label
        relabelled = article.old_label != article.new_label
        # the change says what happened to the text; a new place or number is said apart
        if article.old_label in edited:
            expected = "modified"
        elif relabelled or article.old_label in out_of_order:
            expected = "moved"
        else:
            expected = "unchanged"
        assert article.change == expected, (article.old_label, article.new_label, article.change)
        assert article.renumbered == relabelled, (article.old_label, article.new_label)
        if article.old_label in edited:
            assert article.similarity < 1.0
            assert any(op != EQUAL for op, _ in article.ops)
    assert seen_pairs == pairs
    assert sorted(seen_added) == sorted(added)
    assert sorted(seen_removed) == sorted(removed)
    assert sum(diff.summary.as_dict().values()) == len(diff.articles)


def test_identical_documents_are_all_unchanged(units):
    diff = compare(units, units)
    assert diff.summary.as_dict() == {
        "added": 0,
        "removed": 0,
        "modified": 0,
        "moved": 0,
        "unchanged": len(units),
    }
    assert all(article.ops == ((EQUAL, article.new_text),) for article in diff.articles)


def test_insertion_renumbers_following_articles_as_moves(units):
    k = len(units) // 3
    new, pairs, inserted = amended(units[:k] + [inserted_article(units[k], NEW_BODY)] + units[k:])
    diff = compare(units, new)
    assert_reported(diff, pairs, added=tuple(inserted))
    assert diff.summary.moved == len(units) - k
    added = next(a for a in diff.articles if a.change == "added")
    assert added.ops == ((INSERT, new[k].text),)
    assert [a.new_label for a in diff.articles] == [u.label for u in new]


def test_deletion_is_reported_at_its_old_place(units):
    k = len(units) // 2
    new, pairs, _ = amended(units[:k] + units[k + 1 :])
    diff = compare(units, new)
    assert_reported(diff, pairs, removed=(units[k].label,))
    labels = [a.old_label for a in diff.articles]
    assert labels.index(units[k].label) == labels.index(units[k - 1].label) + 1
    removed = diff.articles[labels.index(units[k].label)]
    assert removed.ops == ((DELETE, units[k].text),) and removed.new_label is None


def test_reword_is_reported_at_the_article_and_shows_the_words(units):
    k = len(units) // 2
    target = units[k]
    at = len(target.heading) + 8
    reworded = replace(target, text=target.text[:at] + PHRASE + target.text[at:])
    diff = compare(units, units[:k] + [reworded] + units[k + 1 :])
    assert_reported(diff, {u.label: u.label for u in units}, edited=frozenset({target.label}))
    change = next(a for a in diff.articles if a.change == "modified")
    assert "".join(text for op, text in change.ops if op == INSERT) == PHRASE
    assert not any(op == DELETE for op, _ in change.ops)


def test_deleted_sentence_inside_an_article(units):
    k = max(range(len(units)), key=lambda i: units[i].text.count("。"))
    target = units[k]
    first_end = target.text.index("。") + 1
    second_end = target.text.index("。", first_end) + 1
    shortened = replace(target, text=target.text[:first_end] + target.text[second_end:])
    diff = compare(units, units[:k] + [shortened] + units[k + 1 :])
    assert_reported(diff, {u.label: u.label for u in units}, edited=frozenset({target.label}))
    change = next(a for a in diff.articles if a.change == "modified")
    deleted = "".join(text for op, text in change.ops if op == DELETE)
    assert len(deleted) == second_end - first_end


def test_moved_article_keeping_its_number_is_out_of_order(units):
    moved = units[2]
    new = units[:2] + units[3:-2] + [moved] + units[-2:]
    diff = compare(units, new)
    assert_reported(diff, {u.label: u.label for u in units}, out_of_order=frozenset({moved.label}))
    assert diff.summary.moved == 1


def test_moved_and_renumbered_article_with_an_edit(units):
    k = 3
    target = units[k]
    at = len(target.heading) + 5
    edited = replace(target, text=target.text[:at] + PHRASE + target.text[at:])
    new, pairs, _ = amended(units[:k] + units[k + 1 : -3] + [edited] + units[-3:])
    diff = compare(units, new)
    assert_reported(diff, pairs, edited=frozenset({target.label}))
    change = next(a for a in diff.articles if a.old_label == target.label)
    assert (change.change, change.moved, change.renumbered) == ("modified", True, True)
    assert PHRASE in "".join(t for op, t in change.ops if op == INSERT)
    assert diff.summary.modified == 1  # the summary counts the text change


def test_split_article_pairs_both_pieces_with_the_old_one(units):
    k = max(range(len(units)), key=lambda i: units[i].text.count("。"))
    whole = units[k]
    cut = whole.text.index("。") + 1
    first = replace(whole, text=whole.text[:cut])
    second = replace(whole, text=f"{whole.heading} {whole.text[cut:].lstrip()}")
    new = renumber(units[:k] + [first, second] + units[k + 1 :])
    diff = compare(units, new)
    pieces = [a for a in diff.articles if a.restructure]
    assert [(a.old_label, a.new_label, a.restructure) for a in pieces] == [
        (whole.label, new[k].label, "split"),
        (whole.label, new[k + 1].label, "split"),
    ]
    assert all(a.change == "modified" for a in pieces)
    assert "".join(a.old_text for a in pieces) == whole.text
    assert [a.new_text for a in pieces] == [new[k].text, new[k + 1].text]
    assert not [a for a in diff.articles if a.change in ("added", "removed")]
    assert not [a for a in diff.articles if a.change == "modified" and not a.restructure]


def test_merged_articles_pair_with_the_new_one(units):
    k = max(range(len(units) - 1), key=lambda i: units[i].text.count("。"))
    first, second = units[k], units[k + 1]
    merged = replace(first, text=first.text + "\n" + second.text[len(second.heading) :].strip())
    new = renumber(units[:k] + [merged] + units[k + 2 :])
    diff = compare(units, new)
    pieces = [a for a in diff.articles if a.restructure]
    assert [(a.old_label, a.new_label, a.restructure) for a in pieces] == [
        (first.label, new[k].label, "merged"),
        (second.label, new[k].label, "merged"),
    ]
    assert "".join(a.new_text for a in pieces) == merged.text
    assert not [a for a in diff.articles if a.change in ("added", "removed")]


@pytest.mark.parametrize(
    "restyle",
    [
        to_halfwidth_punctuation,
        to_fullwidth_punctuation,
        rebreak_lines,
        lambda text: text.replace("\n", ""),
        lambda text: text.replace("，", "， ").replace("。", "。\n\n"),
        lambda text: text.translate(TRADITIONAL),
        lambda text: text.translate(str.maketrans("0123456789〔〕", "０１２３４５６７８９[]")),
    ],
    ids=["halfwidth", "fullwidth", "rebreak", "unbreak", "blanks", "traditional", "digits-brackets"],
)
def test_style_only_changes_are_not_amendments(units, restyle):
    new = [replace(u, text=restyle(u.text)) for u in units]
    assert any(n.text != u.text for n, u in zip(new, units, strict=True))
    diff = compare(units, new)
    assert_reported(diff, {u.label: u.label for u in units})


def test_real_amendment_among_style_noise(units):
    """Two rewords, one insertion and one deletion under half-width punctuation and new line breaks."""
    noisy = [replace(u, text=rebreak_lines(to_halfwidth_punctuation(u.text), 23)) for u in units]
    a, b, gone, at = 1, len(units) - 2, len(units) // 2, len(units) // 3
    noisy[a] = replace(noisy[a], text=noisy[a].text + "省级卫生健康行政部门另有规定的，从其规定。")
    noisy[b] = replace(noisy[b], text=noisy[b].text.replace(noisy[b].text[-6:-1], "", 1))
    edited_list = noisy[:at] + [inserted_article(units[at], NEW_BODY)] + noisy[at:gone] + noisy[gone + 1 :]
    new, pairs, inserted = amended(edited_list)
    diff = compare(units, new)
    assert_reported(
        diff,
        pairs,
        edited=frozenset({units[a].label, units[b].label}),
        added=tuple(inserted),
        removed=(units[gone].label,),
    )


def test_items_document_reword_and_punctuation():
    units = list(corpus("health_system_items"))
    k = 5
    target = units[k]
    new = [replace(u, text=to_halfwidth_punctuation(u.text)) for u in units]
    new[k] = replace(new[k], text=new[k].text + PHRASE)
    diff = compare(units, new)
    assert_reported(diff, {u.label: u.label for u in units}, edited=frozenset({target.label}))


def test_items_document_subitem_moved_to_another_item():
    units = list(corpus("health_system_items"))
    moved = units[2]  # 一、（二）
    position = next(i for i, u in enumerate(units) if u.label == "i2/si1")
    new = units[:2] + units[3 : position + 1] + [replace(moved, label="i2/si0")] + units[position + 1 :]
    diff = compare(units, new)
    change = next(a for a in diff.articles if a.old_label == moved.label)
    assert (change.change, change.new_label) == ("moved", "i2/si0")
    assert diff.summary.moved == 1 and diff.summary.unchanged == len(units) - 1


def test_paragraph_units_reordered_paragraphs():
    text = next(doc for doc in DOCUMENTS if doc.name == "health_system_items").text()
    old = paragraph_units(text)
    new = old[:3] + old[4:10] + old[3:4] + old[10:]
    diff = compare(old, new)
    assert diff.summary.moved == 1 and diff.summary.unchanged == len(old) - 1
    moved = next(a for a in diff.articles if a.change == "moved")
    assert moved.old_label == old[3].label


def test_paragraph_units_reflowed_text_has_no_change():
    text = next(doc for doc in DOCUMENTS if doc.name == "hospital_inspection").text()
    old = paragraph_units(text)
    reflowed = paragraph_units("\n".join(u.text for u in old))
    assert [u.text for u in reflowed] == [u.text for u in old]
    narrow = paragraph_units(rebreak_lines("\n\n".join(u.text for u in old), 13))
    diff = compare(old, narrow)
    assert {a.change for a in diff.articles} == {"unchanged"}


def test_refs_and_titles_are_carried():
    units = list(corpus("emergency_teams"))
    diff = compare(
        units[:3],
        units[:3],
        old_ref="卫办应急发〔2010〕183号",
        old_title="旧",
        new_ref="国卫医急发〔2024〕11号",
        new_title="新",
    )
    assert (diff.old_ref, diff.old_title, diff.new_ref, diff.new_title) == (
        "卫办应急发〔2010〕183号",
        "旧",
        "国卫医急发〔2024〕11号",
        "新",
    )


def test_empty_sides():
    units = list(corpus("emergency_teams"))[:4]
    assert compare([], []).articles == ()
    assert [a.change for a in compare([], units).articles] == ["added"] * 4
    assert [a.change for a in compare(units, []).articles] == ["removed"] * 4
