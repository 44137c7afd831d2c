"""Real triples (old text, decision, official new text) from tests/corpus/triples/<tid>/: the old text
consolidated with the decision's instructions for it must equal the new text article by article,
after whitespace and bracket-width normalisation (``ingest.normalize.comparison_key``).

A decision whose instructions cannot be applied counts every article of that triple as unequal and
is reported with the instruction and the reason; nothing is compared half-applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.normalize import comparison_key
from ingest.structure import parse_structure
from linking.amendments.decision import parse_decision
from linking.amendments.model import TargetInstructions
from linking.consolidate import ConsolidationError, apply
from tests.corpus.load import plain_text

TRIPLES = Path(__file__).resolve().parents[1] / "corpus" / "triples"
TARGET_ACCURACY = 0.98


@dataclass(frozen=True)
class Outcome:
    tid: str
    equal: int
    total: int
    problem: str | None  # the instruction that failed and why, or the articles that differ


def _read(folder: Path, name: str) -> str:
    path = folder / name
    return plain_text(path.read_text(encoding="utf-8"), path.suffix)


def _target(groups: tuple[TargetInstructions, ...], meta: dict, old_title: str) -> TargetInstructions | None:
    wanted = [meta.get("target"), meta.get("title"), old_title]
    for name in filter(None, wanted):
        for group in groups:
            if group.target == name or group.target.removeprefix("中华人民共和国") == name.removeprefix(
                "中华人民共和国"
            ):
                return group
    return groups[0] if len(groups) == 1 else None


def consolidate_triple(folder: Path) -> Outcome:
    meta = (
        json.loads((folder / "triple.json").read_text(encoding="utf-8"))
        if (folder / "triple.json").exists()
        else {}
    )
    old_text, new_text = _read(folder, "old.md"), _read(folder, "new.md")
    old_title = next((line.strip() for line in old_text.split("\n") if line.strip()), "")
    expected = parse_structure(new_text, 1)
    group = _target(parse_decision(_read(folder, "decision.md"), meta.get("decision_title")), meta, old_title)
    if group is None:
        return Outcome(folder.name, 0, len(expected), f"no instructions for {old_title!r} in the decision")
    try:
        got = {a.label: a for a in apply(parse_structure(old_text, 1), group.instructions)}
    except ConsolidationError as failure:
        return Outcome(folder.name, 0, len(expected), str(failure))
    differing = [
        a.label
        for a in expected
        if a.label not in got or comparison_key(got[a.label].text) != comparison_key(a.text)
    ]
    extra = sorted(set(got) - {a.label for a in expected})
    problem = f"differ: {differing} extra: {extra}" if differing or extra else None
    return Outcome(folder.name, len(expected) - len(differing), len(expected) + len(extra), problem)


def _folders() -> list[Path]:
    return sorted(p for p in TRIPLES.glob("*") if (p / "old.md").exists()) if TRIPLES.exists() else []


def test_consolidated_triples_equal_the_official_new_texts():
    folders = _folders()
    if not folders:
        pytest.skip("no triples committed under tests/corpus/triples yet")
    outcomes = [consolidate_triple(folder) for folder in folders]
    equal, total = sum(o.equal for o in outcomes), sum(o.total for o in outcomes)
    report = "\n".join(f"{o.tid}: {o.equal}/{o.total} {o.problem or ''}" for o in outcomes)
    print(f"\narticles equal: {equal}/{total} = {equal / total:.1%}\n{report}")
    assert equal / total >= TARGET_ACCURACY, report
