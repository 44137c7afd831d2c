"""Extraction against the hand-checked relations of the five samples (tests/expected/relations.json).

Precision and recall per kind must each reach 0.95 and no trap may be extracted. Documents come from
the hand-checked segmentation (tests/expected/documents), so that this measures extraction alone;
``test_link_accuracy_parsed`` does the same end to end, on what ``ingest.parse`` finds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import pytest
from rapidfuzz import fuzz

from ingest.docnumber import canonical_doc_number
from ingest.normalize import clean_lines, comparison_key
from ingest.parse import parse_text
from linking.extract import extract_relations
from linking.model import RELATION_KINDS, ExtractedRelation, SourceDoc
from linking.sources import sources_from_compilation
from linking.titles import title_key
from regtrack.settings import PROJECT_ROOT

EXPECTED = PROJECT_ROOT / "tests" / "expected"
SAMPLES = PROJECT_ROOT / "data" / "samples"
THRESHOLD = 0.95
_TITLE_MATCH = 85.0  # fuzz.ratio between title keys: citations misprint titles (000 line 1881)


@dataclass(frozen=True)
class Found:
    sample: str  # "001"
    relation: ExtractedRelation


@cache
def reference() -> dict:
    return json.loads((EXPECTED / "relations.json").read_text(encoding="utf-8"))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _canonical(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return canonical_doc_number(raw)
    except ValueError:
        return None


def reference_documents(sample_file: str) -> list[SourceDoc]:
    """The hand-checked documents of a sample; each runs to the next document's first line."""
    ref = json.loads(
        (EXPECTED / "documents" / sample_file.replace(".txt", ".json")).read_text(encoding="utf-8")
    )
    lines = (SAMPLES / sample_file).read_text(encoding="utf-8").split("\n")
    docs = ref["documents"]
    starts = sorted({d["start_line"] for d in docs})
    children: dict[int, list[str]] = {}
    for d in docs:
        if d.get("parent_index") is not None:
            children.setdefault(d["parent_index"], []).append(d["title"])
    out = []
    for index, d in enumerate(docs):
        start = d["start_line"]
        end = next((s - 1 for s in starts if s > start), len(lines))
        out.append(
            SourceDoc(
                key=f"{sample_file[:3]}:{start}",
                text="\n".join(lines[start - 1 : end]),
                start_line=start,
                doc_number_canonical=_canonical(d["doc_number"]),
                title=d["title"],
                issuers=tuple(d["issuers"]),
                written_date=_date(d["written_date"]),
                published_date=_date(d["published_date"]),
                effective_date=_date(d["effective_date"]),
                own_titles=tuple(children.get(index, ())),
            )
        )
    return out


def extract_all(documents: dict[str, Iterable[SourceDoc]]) -> list[Found]:
    return [
        Found(sample, rel)
        for sample, docs in documents.items()
        for doc in docs
        for rel in extract_relations(doc)
    ]


def _numbers_equal(expected_raw: str, relation: ExtractedRelation) -> bool:
    citation = relation.citation
    mine = citation.doc_number_canonical or re.sub(r"\s+", "", citation.doc_number_raw or "")
    theirs = _canonical(expected_raw) or re.sub(r"\s+", "", expected_raw)
    return mine == theirs


def _titles_equal(expected_title: str | None, relation: ExtractedRelation) -> bool:
    title = relation.citation.title
    if not expected_title or not title:
        return False
    return fuzz.ratio(title_key(expected_title), title_key(title)) >= _TITLE_MATCH


def _same_target(entry: dict, relation: ExtractedRelation) -> bool:
    if relation.citation is None:
        return entry["kind"] == "expires"
    number, title = entry.get("target_doc_number"), entry.get("target_title")
    has_mine = relation.citation.doc_number_canonical or relation.citation.doc_number_raw
    if number and has_mine:
        return _numbers_equal(number, relation)
    return _titles_equal(title, relation)


def _near(entry: dict, relation: ExtractedRelation) -> bool:
    last = max(entry["line"], entry.get("target_line") or entry["line"])
    return entry["line"] - 1 <= relation.line <= last + 1


def matches(entry: dict, found: Found) -> bool:
    rel = found.relation
    return (
        entry["sample"].startswith(found.sample)
        and rel.kind in (entry["kind"], entry.get("alt_kind"))
        and rel.scope == entry["scope"]
        and _near(entry, rel)
        and _same_target(entry, rel)
    )


def in_scope(found: Found) -> bool:
    """Title-only citations were annotated only in some samples (``cites_title_only_scope``)."""
    citation = found.relation.citation
    if found.relation.kind != "cites" or citation is None:
        return True
    numbered = citation.doc_number_canonical or citation.doc_number_raw
    return bool(numbered) or found.sample in reference()["cites_title_only_scope"]


def score(found: list[Found]) -> dict[str, tuple[float, float, int, int]]:
    """kind → (precision, recall, predicted, expected), one-to-one greedy matching."""
    expected = reference()["relations"]
    used: set[int] = set()
    hit_expected: set[int] = set()
    for e_index, entry in enumerate(expected):
        for f_index, item in enumerate(found):
            if f_index not in used and matches(entry, item):
                used.add(f_index)
                hit_expected.add(e_index)
                break
    table = {}
    for kind in RELATION_KINDS:
        predicted = [i for i, f in enumerate(found) if f.relation.kind == kind and (in_scope(f) or i in used)]
        wanted = [i for i, e in enumerate(expected) if e["kind"] == kind]
        precision = sum(i in used for i in predicted) / len(predicted) if predicted else 1.0
        recall = sum(i in hit_expected for i in wanted) / len(wanted) if wanted else 1.0
        table[kind] = (precision, recall, len(predicted), len(wanted))
    return table


def _same_sentence(quote: str, mine: str) -> bool:
    """The trap's sentence is the relation's (either may carry the 第X条 label or not)."""
    theirs, ours = comparison_key(quote), comparison_key(mine)
    return theirs in ours or ours in theirs


def trap_hits(found: list[Found]) -> list[str]:
    """Extracted relations that a trap forbids."""
    hits = []
    for trap in reference()["traps"]:
        last = max(trap["line"], trap.get("target_line") or trap["line"])
        for item in found:
            rel = item.relation
            if not trap["sample"].startswith(item.sample) or rel.kind not in trap["forbidden_kinds"]:
                continue
            if not in_scope(item):
                continue  # title-only citations were not annotated in this sample, nor trapped
            if not (trap["line"] <= rel.line <= last and _same_sentence(trap["quote"], rel.quote)):
                continue
            target = trap.get("trap_target")
            if target and not (rel.citation and _titles_equal(target, rel)):
                continue
            hits.append(f"{item.sample} line {rel.line} {rel.kind} {rel.citation}: {trap['why_not']}")
    return hits


def unmatched(found: list[Found]) -> tuple[list[dict], list[Found]]:
    """(expected entries not found, in-scope extractions matching nothing), for the report."""
    expected = reference()["relations"]
    missing = [e for e in expected if not any(matches(e, f) for f in found)]
    extra = [f for f in found if in_scope(f) and not any(matches(e, f) for e in expected)]
    return missing, extra


def report(table: dict[str, tuple[float, float, int, int]], found: list[Found]) -> str:
    lines = [f"{'kind':<18}{'precision':>10}{'recall':>8}{'found':>7}{'expected':>9}"]
    for kind, (p, r, n_found, n_expected) in table.items():
        lines.append(f"{kind:<18}{p:>10.3f}{r:>8.3f}{n_found:>7}{n_expected:>9}")
    missing, extra = unmatched(found)
    lines += [
        f"missing: {e['sample'][:3]} line {e['line']} {e['kind']} {e['target_doc_number']} {e['target_title']}"
        for e in missing
    ]
    lines += [
        f"extra: {f.sample} line {f.relation.line} {f.relation.kind} {f.relation.citation}" for f in extra
    ]
    return "\n".join(lines)


@cache
def _reference_run() -> tuple[Found, ...]:
    samples = sorted(p.name for p in SAMPLES.glob("*.txt"))
    return tuple(extract_all({name[:3]: reference_documents(name) for name in samples}))


@pytest.mark.parametrize("kind", RELATION_KINDS)
def test_precision_and_recall_per_kind(kind):
    found = list(_reference_run())
    table = score(found)
    print(report(table, found))
    precision, recall, _, _ = table[kind]
    assert precision >= THRESHOLD, report(table, found)
    assert recall >= THRESHOLD, report(table, found)


def test_no_trap_is_extracted():
    hits = trap_hits(list(_reference_run()))
    assert hits == [], "\n".join(hits)


@cache
def _parsed_run() -> tuple[Found, ...]:
    documents = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        documents[path.name[:3]] = list(sources_from_compilation(parse_text(text), clean_lines(text)))
    return tuple(extract_all(documents))


@pytest.mark.parametrize("kind", RELATION_KINDS)
def test_precision_and_recall_per_kind_on_parsed_documents(kind):
    found = list(_parsed_run())
    table = score(found)
    print(report(table, found))
    precision, recall, _, _ = table[kind]
    assert precision >= THRESHOLD, report(table, found)
    assert recall >= THRESHOLD, report(table, found)


def test_no_trap_is_extracted_from_parsed_documents():
    hits = trap_hits(list(_parsed_run()))
    assert hits == [], "\n".join(hits)


@pytest.mark.parametrize("run", [_reference_run, _parsed_run], ids=["reference", "parsed"])
def test_effective_dates_of_matched_relations(run):
    found = list(run())
    wrong = []
    for entry in reference()["relations"]:
        if entry["kind"] == "cites":
            continue
        for item in found:
            if matches(entry, item):
                got = item.relation.effective_date
                if (got.isoformat() if got else None) != entry["effective_date"]:
                    wrong.append(
                        f"{entry['sample'][:3]} line {entry['line']} {entry['kind']}: {got} != {entry['effective_date']}"
                    )
                break
    assert wrong == []
