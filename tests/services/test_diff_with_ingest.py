"""The differ on units from the real ingest parser: a restyled reprint of a document plus one edit."""

from __future__ import annotations

import pytest

from diffing.compare import compare
from tests.support.diff_corpus import DOCUMENTS, rebreak_lines, to_halfwidth_punctuation

structure = pytest.importorskip("ingest.structure")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda doc: doc.name)
def test_reprint_with_one_edit_reports_only_the_edit(document):
    text = document.text()
    old = structure.parse_structure(text, document.start)
    target = old[len(old) // 2]
    lines = text.split("\n")
    at = target.line - document.start  # the line the unit starts on gets the new words
    lines[at] = lines[at].rstrip() + "（试行）"
    reprint = rebreak_lines(to_halfwidth_punctuation("\n".join(lines)), 31)
    new = structure.parse_structure(reprint, document.start)
    diff = compare(old, new)
    changed = [(a.change, a.old_label, a.new_label) for a in diff.changed_articles]
    assert changed == [("modified", target.label, target.label)]
