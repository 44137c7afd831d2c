"""Parser accuracy against the hand-checked references in tests/expected/documents/.

Run with ``-s`` to see the per-field precision/recall table and every mismatch.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ingest.model import ParsedDocument
from ingest.normalize import comparison_key
from ingest.parse import parse_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
EXPECTED = ROOT / "tests" / "expected" / "documents"
FIELDS = (
    "title", "doc_number", "issuers", "written_date", "published_date", "effective_date", "expiry_date",
    "category", "keywords", "article_count", "item_count",
)  # fmt: skip
TARGET = 0.98
_NEAR_LINES = 3


def _flatten(documents: tuple[ParsedDocument, ...]) -> list[tuple[ParsedDocument, int | None]]:
    """Documents in file order, each attachment after its parent: (document, parent index)."""
    flat: list[tuple[ParsedDocument, int | None]] = []
    for document in documents:
        parent = len(flat)
        flat.append((document, None))
        flat += [(child, parent) for child in document.attachments]
    return flat


def _values(document: ParsedDocument) -> dict[str, object]:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "title": document.title,
        "doc_number": document.doc_number,
        "issuers": list(document.issuers),
        "written_date": iso(document.written_date),
        "published_date": iso(document.published_date),
        "effective_date": iso(document.effective_date),
        "expiry_date": iso(document.expiry_date),
        "category": document.category,
        "keywords": list(document.keywords),
        "article_count": sum(unit.kind == "article" for unit in document.articles),
        "item_count": sum(unit.kind == "item" for unit in document.articles),
    }


def _match(expected: dict, found: list[tuple[ParsedDocument, int | None]], used: set[int]) -> int | None:
    for k, (document, _) in enumerate(found):
        if k not in used and document.start_line == expected["start_line"]:
            return k
    key = comparison_key(expected["title"])
    for k, (document, _) in enumerate(found):
        near = abs(document.start_line - expected["start_line"]) <= _NEAR_LINES
        if k not in used and (near or comparison_key(document.title) == key):
            return k
    return None


@dataclass
class Score:
    matched: Counter = field(default_factory=Counter)  # exact field values
    expected_set: Counter = field(default_factory=Counter)  # expected non-empty
    found_set: Counter = field(default_factory=Counter)  # parser non-empty
    correct_set: Counter = field(default_factory=Counter)  # non-empty and exact
    total: Counter = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _score_sample(path: Path, score: Score) -> None:
    reference = json.loads(path.read_text(encoding="utf-8"))
    text = (SAMPLES / reference["sample"]).read_text(encoding="utf-8")
    found = _flatten(parse_text(text).documents)
    used: set[int] = set()
    for index, expected in enumerate(reference["documents"]):
        score.total["document found"] += 1
        k = _match(expected, found, used)
        if k is None:
            score.missing.append(f"{path.stem} #{index} line {expected['start_line']}: {expected['title']}")
            for name in FIELDS:
                score.total[name] += 1
                score.expected_set[name] += expected[name] not in (None, [], 0, "")
            continue
        used.add(k)
        score.matched["document found"] += 1
        values = _values(found[k][0])
        for name in FIELDS:
            want, got = expected[name], values[name]
            score.total[name] += 1
            score.expected_set[name] += want not in (None, [], 0, "")
            score.found_set[name] += got not in (None, [], 0, "")
            if want == got:
                score.matched[name] += 1
                score.correct_set[name] += want not in (None, [], 0, "")
            else:
                score.mismatches.append(
                    f"{path.stem} #{index} line {expected['start_line']} {name}: want {want!r} got {got!r}"
                )
    for k, (document, _) in enumerate(found):
        if k not in used:
            score.mismatches.append(
                f"{path.stem}: extra document at line {document.start_line}: {document.title}"
            )


def _report(score: Score) -> str:
    rows = [f"{'field':16} {'exact':>9} {'precision':>10} {'recall':>8}"]
    for name in ("document found", *FIELDS):
        exact = score.matched[name] / score.total[name] if score.total[name] else 1.0
        precision = score.correct_set[name] / score.found_set[name] if score.found_set[name] else 1.0
        recall = score.correct_set[name] / score.expected_set[name] if score.expected_set[name] else 1.0
        if name == "document found":
            precision = recall = exact
        rows.append(f"{name:16} {exact:9.1%} {precision:10.1%} {recall:8.1%}")
    overall = sum(score.matched[n] for n in FIELDS) / sum(score.total[n] for n in FIELDS)
    rows.append(f"{'all fields':16} {overall:9.1%}")
    return "\n".join(rows + score.missing + score.mismatches)


def _overall(score: Score) -> float:
    return sum(score.matched[n] for n in FIELDS) / max(1, sum(score.total[n] for n in FIELDS))


@pytest.fixture(scope="module")
def score() -> Score:
    paths = sorted(EXPECTED.glob("*.json"))
    if not paths:
        pytest.skip("no expected values in tests/expected/documents yet")
    result = Score()
    for path in paths:
        _score_sample(path, result)
    print("\n" + _report(result))
    return result


def test_every_document_is_found(score):
    assert not score.missing, "\n".join(score.missing)


def test_fields_are_exact(score):
    assert _overall(score) >= TARGET, _report(score)
