"""Score regtrack's reading of the real-world corpus against the hand-written expectations.

Each case's text goes through what production runs on an ingested file (``ingest.parse``, then
``linking.extract`` on every document found); nothing here knows a case. A stated relation is
found when one extracted relation has the same kind class, the same target and the same acting
document. Run ``python -m tests.corpus.evaluate`` for the table (README shows it).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from ingest.docnumber import canonical_doc_number
from ingest.errors import IngestError
from ingest.model import ParsedDocument
from ingest.normalize import clean_lines
from ingest.parse import parse_text
from linking.extract import extract_relations
from linking.model import Citation, ExtractedRelation
from linking.sources import sources_from_compilation
from linking.titles import title_key
from tests.corpus.load import Case, cases

# What a reader cares about is the effect; repeals and replaces both end the target.
KIND_CLASS = {"repeals": "ends", "replaces": "ends", "amends": "amends", "partially_repeals": "partial"}
TITLE_MATCH = 90.0  # fuzz.ratio of title keys: citations shorten and misquote titles
_STATE_KEY = title_key("中华人民共和国")
META_FIELDS = ("title", "identifier", "issuers", "published_date", "effective_date")


@dataclass(frozen=True)
class Found:
    kind_class: str
    source: Citation | None  # None: the case's own text acts
    target: Citation | None  # None: the case's own text is acted on
    quote: str
    scope: str  # ExtractedRelation.scope: "whole" or places joined by 、


@dataclass
class Tally:
    expected: int = 0
    found: int = 0
    matched_expected: int = 0
    matched_found: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    scopes: int = 0  # amends found whose scope was compared
    scopes_exact: int = 0
    scope_errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched_found / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched_expected / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Tally) -> None:
        self.expected += other.expected
        self.found += other.found
        self.matched_expected += other.matched_expected
        self.matched_found += other.matched_found
        self.misses += other.misses
        self.false_alarms += other.false_alarms
        self.scopes += other.scopes
        self.scopes_exact += other.scopes_exact
        self.scope_errors += other.scope_errors


def _canonical(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return canonical_doc_number(raw)
    except ValueError:
        return "".join(raw.split())  # order numbers (国务院令第25号) compare as written


@cache
def parsed(case_id: str) -> tuple[tuple[ParsedDocument, ...], tuple[Found, ...]]:
    case = next(c for c in cases() if c.id == case_id)
    try:
        compilation = parse_text(case.text)
    except IngestError:
        return (), ()
    found = []
    for source in sources_from_compilation(compilation, clean_lines(case.text)):
        for relation in extract_relations(source):
            if relation.kind in KIND_CLASS:
                found.append(_found(relation))
    return compilation.documents, tuple(found)


def _found(relation: ExtractedRelation) -> Found:
    return Found(
        KIND_CLASS[relation.kind], relation.subject, relation.citation, relation.quote, relation.scope
    )


def _places(scope: list[str] | str) -> set[str]:
    """Places as a set, brackets of 项 numbers dropped: ["第九条第一款第（四）项"] = "第九条第一款第四项"."""
    items = [] if scope == "whole" else scope.split("、") if isinstance(scope, str) else scope
    return {"".join(ch for ch in item if ch not in "（）() \u3000") for item in items}


def _same_document(expected: Any, found: Citation | None, own_title: str) -> bool:
    """``expected`` is "self" or {title, identifier, date}; ``found`` a citation or None (self)."""
    if expected == "self":
        return found is None or bool(found.title and title_key(found.title) == title_key(own_title))
    if found is None:
        return False
    number = _canonical(expected.get("identifier"))
    if number and found.doc_number_canonical:
        return number == _canonical(found.doc_number_canonical)
    if expected.get("title") and found.title:
        want, got = _unprefixed(expected["title"]), _unprefixed(found.title)
        return fuzz.ratio(want, got) >= TITLE_MATCH
    return False


def _unprefixed(title: str) -> str:
    """A title key without 中华人民共和国, which laws' titles may drop (a 修正案 amends "刑法")."""
    return title_key(title).removeprefix(_STATE_KEY)


def _matches(expected: dict[str, Any], found: Found, own_title: str) -> bool:
    return (
        KIND_CLASS[expected["kind"]] == found.kind_class
        and _same_document(expected["target"], found.target, own_title)
        and _same_document(expected["source"], found.source, own_title)
    )


def relation_tally(case: Case) -> Tally:
    _, found = parsed(case.id)
    expected = case.expected["relations"]
    own = case.expected["metadata"].get("title") or ""
    tally = Tally(expected=len(expected), found=len(found))
    used: set[int] = set()
    for item in expected:
        hit = next((i for i, f in enumerate(found) if i not in used and _matches(item, f, own)), None)
        if hit is None:
            tally.misses.append(f"{case.id}: {item['kind']} {item['quote'][:60]}")
        else:
            used.add(hit)
            if item["kind"] == "amends":
                tally.scopes += 1
                want, got = _places(item["scope"]), _places(found[hit].scope)
                tally.scopes_exact += want == got
                if want != got:
                    missing, extra = sorted(want - got), sorted(got - want)
                    tally.scope_errors.append(
                        f"{case.id}: {item['quote'][:30]} missing {missing} extra {extra}"
                    )
    tally.matched_expected = len(used)
    # a found relation that repeats a matched one (the same sentence read twice) is no false alarm
    for f in found:
        if any(_matches(e, f, own) for e in expected):
            tally.matched_found += 1
        else:
            tally.false_alarms.append(f"{case.id}: {f.kind_class} {f.quote[:60]}")
    return tally


def _meta_value(document: ParsedDocument, name: str) -> Any:
    if name == "identifier":
        return _canonical(document.doc_number)
    if name == "issuers":
        return _issuers(document.issuers)
    value = getattr(document, name)
    return value.isoformat() if isinstance(value, date) else value


def _issuers(names: Any) -> list[str]:
    """Issuers as a sorted list, 中华人民共和国卫生部 and 卫生部 alike (as identifiers drop it)."""
    return sorted(name.removeprefix("中华人民共和国") for name in names)


def metadata_tally(case: Case) -> tuple[int, int, list[str]]:
    """(fields stated, fields read right, what was wrong) for the case's own document."""
    documents, _ = parsed(case.id)
    expected = case.expected["metadata"]
    stated = {k: v for k, v in expected.items() if k in META_FIELDS and v not in (None, [])}
    if not documents:
        return len(stated), 0, [f"{case.id}: no document"]
    document = documents[0]
    right, wrong = 0, []
    for name, value in stated.items():
        want = _canonical(value) if name == "identifier" else _issuers(value) if name == "issuers" else value
        got = _meta_value(document, name)
        ok = title_key(str(got or "")) == title_key(str(want)) if name == "title" else got == want
        right += ok
        if not ok:
            wrong.append(f"{case.id}: {name} {got!r} != {want!r}")
    return len(stated), right, wrong


@dataclass
class Report:
    relations: dict[tuple[str, str], Tally]  # (split, form) -> tally
    metadata: dict[str, tuple[int, int]]  # split -> (stated, right)
    negatives: dict[str, list[str]]  # split -> relations found in hard negatives
    problems: list[str]


def report() -> Report:
    relations: dict[tuple[str, str], Tally] = defaultdict(Tally)
    metadata: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    negatives: dict[str, list[str]] = defaultdict(list)
    problems: list[str] = []
    for case in cases():
        tally = relation_tally(case)
        for form in (*case.forms, "all"):
            relations[(case.split, form)].add(tally)
        if "negative" in case.forms:
            negatives[case.split] += tally.false_alarms
        stated, right, wrong = metadata_tally(case)
        metadata[case.split][0] += stated
        metadata[case.split][1] += right
        problems += wrong
    return Report(dict(relations), {k: (v[0], v[1]) for k, v in metadata.items()}, dict(negatives), problems)


def table(result: Report) -> str:
    forms = sorted({form for _, form in result.relations}, key=lambda f: (f == "all", f))
    lines = ["| form | dev P / R / F1 (n) | held-out P / R / F1 (n) |", "|---|---|---|"]
    for form in forms:
        cells = []
        for split in ("dev", "heldout"):
            t = result.relations.get((split, form))
            cells.append(f"{t.precision:.2f} / {t.recall:.2f} / {t.f1:.2f} ({t.expected})" if t else "—")
        lines.append(f"| {form} | {cells[0]} | {cells[1]} |")
    scope = [
        f"{t.scopes_exact}/{t.scopes}" if (t := result.relations.get((s, "all"))) else "—"
        for s in ("dev", "heldout")
    ]
    lines.append(f"| amends found with the exact scope | {scope[0]} | {scope[1]} |")
    meta = [f"{right}/{stated} = {right / stated:.2f}" if stated else "—" for stated, right in
            (result.metadata.get(s, (0, 0)) for s in ("dev", "heldout"))]  # fmt: skip
    lines.append(f"| metadata fields exact | {meta[0]} | {meta[1]} |")
    neg = [str(len(result.negatives.get(s, []))) for s in ("dev", "heldout")]
    lines.append(f"| relations found in hard negatives | {neg[0]} | {neg[1]} |")
    return "\n".join(lines)


def dev_ids() -> set[str]:
    return {case.id for case in cases() if case.split == "dev"}


def main() -> None:
    result = report()
    print(table(result))
    if "-v" in sys.argv:  # what went wrong, on the development part only: held-out texts are never read
        dev = result.relations.get(("dev", "all"), Tally())
        for line in dev.misses:
            print(f"miss {line}")
        for line in dev.false_alarms:
            print(f"false {line}")
        for line in dev.scope_errors:
            print(f"scope {line}")
        for line in result.problems:
            if line.split(":")[0] in dev_ids():
                print(f"meta {line}")


if __name__ == "__main__":
    main()
