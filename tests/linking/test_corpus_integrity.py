"""The real-world corpus is what it says: provenance, the fixed split, and quotes taken from the texts."""

from __future__ import annotations

import re

import pytest

from linking.model import RELATION_KINDS
from tests.corpus.load import cases
from tests.corpus.split import split_of

FORMS = {"header", "closing_repeal", "repeal_list", "amendment_decision", "judicial_interpretation",
         "short_title", "negative"}  # fmt: skip
CASES = cases()


def test_the_corpus_is_not_empty_and_a_third_is_held_out() -> None:
    held_out = [c for c in CASES if c.split == "heldout"]
    assert len(CASES) >= 30
    assert 0.2 <= len(held_out) / len(CASES) <= 0.45


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_file_is_well_formed(case) -> None:
    expected = case.expected
    assert expected["split"] == split_of(case.id), "the split is fixed by the id"
    assert re.fullmatch(r"[a-z][0-9]{2,3}", case.id)
    assert set(case.forms) <= FORMS and case.forms
    assert re.fullmatch(r"[0-9a-f]{40}", expected["source"]["commit"]) and expected["source"]["path"]
    for relation in expected["relations"]:
        assert relation["kind"] in RELATION_KINDS
        assert relation["quote"] in case.text, relation["quote"]
    if case.forms == ("negative",):  # a text that states no effect on any document
        assert expected["relations"] == []
