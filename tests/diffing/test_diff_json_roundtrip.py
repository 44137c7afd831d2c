"""A diff survives its JSON form: ``from_dict(to_dict(d, extended=True)) == d`` through real JSON
text, for diffs of the corpus documents under real kinds of edit (an amendment, punctuation
restyling, a split and a merge, a document added whole or removed whole); and the public form
(no extension) reads back to the same public form."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

import pytest

from diffing.compare import compare
from diffing.model import DocumentDiff
from diffing.serialize import from_dict, to_dict
from ingest.model import Article
from tests.support.diff_corpus import (
    DOCUMENTS,
    amended,
    inserted_article,
    renumber,
    to_halfwidth_punctuation,
)

EDITS = ("unchanged", "amended", "restyled", "split", "merged", "added_whole", "removed_whole")


def _most_sentences(units: list[Article]) -> int:
    return max(range(len(units) - 1), key=lambda i: units[i].text.count("。"))


def edited(units: list[Article], edit: str) -> tuple[list[Article], list[Article]]:
    """(old units, new units) for one kind of edit."""
    k = _most_sentences(units)
    if edit == "unchanged":
        return units, units
    if edit == "amended":
        new = list(units)
        new[1] = replace(new[1], text=new[1].text + "（经省级主管部门批准）")
        new.insert(3, inserted_article(units[3], "应当建立信息报告制度。"))
        del new[-1]
        return units, amended(new)[0]
    if edit == "restyled":
        return units, [replace(u, text=to_halfwidth_punctuation(u.text)) for u in units]
    if edit == "split":
        whole = units[k]
        cut = whole.text.index("。") + 1
        first = replace(whole, text=whole.text[:cut])
        second = replace(whole, text=f"{whole.heading} {whole.text[cut:].lstrip()}")
        return units, renumber(units[:k] + [first, second] + units[k + 1 :])
    if edit == "merged":
        first, second = units[k], units[k + 1]
        merged = replace(first, text=first.text + "\n" + second.text[len(second.heading) :].strip())
        return units, renumber(units[:k] + [merged] + units[k + 2 :])
    if edit == "added_whole":
        return [], units
    assert edit == "removed_whole"
    return units, []


@cache
def diff_of(document: str, edit: str) -> DocumentDiff:
    units = list(next(d for d in DOCUMENTS if d.name == document).units())
    old, new = edited(units, edit)
    return compare(old, new, old_ref="旧", old_title=f"{document}（旧）", new_ref="新", new_title=document)


CASES = [(d.name, edit) for d in DOCUMENTS for edit in EDITS]


@pytest.mark.parametrize("document,edit", CASES, ids=[f"{d}-{e}" for d, e in CASES])
def test_a_diff_read_back_from_its_json_is_the_same_diff(document: str, edit: str) -> None:
    diff = diff_of(document, edit)
    text = json.dumps(to_dict(diff, extended=True), ensure_ascii=False)
    assert from_dict(json.loads(text)) == diff


@pytest.mark.parametrize("document,edit", CASES, ids=[f"{d}-{e}" for d, e in CASES])
def test_the_public_json_reads_back_to_the_same_public_json(document: str, edit: str) -> None:
    data = to_dict(diff_of(document, edit))
    assert json.loads(json.dumps(data)) == data
    assert to_dict(from_dict(json.loads(json.dumps(data)))) == data


def test_the_corpus_edits_give_every_kind_of_record() -> None:
    """The cases above are not all alike: together they hold every kind of change record."""
    records = [a for name, edit in CASES[: len(EDITS)] for a in diff_of(name, edit).articles]
    assert {a.change for a in records} == {"added", "removed", "modified", "moved", "unchanged"}
    assert {a.restructure for a in records} == {"", "split", "merged"}
    assert any(any(a.cosmetic) for a in records)
