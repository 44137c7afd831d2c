"""The headline case end to end on the parsed sample: extract, resolve, family, ledger, status, chain."""

from __future__ import annotations

from datetime import date
from functools import cache

from ingest.normalize import clean_lines
from ingest.parse import parse_text
from linking.chain import ChainStep, chain
from linking.extract import extract_relations
from linking.families import version_families
from linking.model import KnownDoc, LedgerEntry, SourceDoc
from linking.resolve import index_catalogue, resolve
from linking.sources import sources_from_compilation
from linking.status import status_on
from tests.conftest import sample_path

PLACEHOLDER_ID = 10_000


@cache
def sources_001() -> tuple[SourceDoc, ...]:
    text = sample_path("001").read_text(encoding="utf-8")
    return tuple(sources_from_compilation(parse_text(text), clean_lines(text)))


def _known(index: int, doc: SourceDoc) -> KnownDoc:
    year = doc.written_date.year if doc.written_date else None
    return KnownDoc(index, doc.doc_number_canonical, doc.title, doc.issuers, year)


def test_headline_repeal_creates_a_placeholder_linked_to_its_successor():
    sources = sources_001()
    source_id, source = next(
        (i, d) for i, d in enumerate(sources) if d.doc_number_canonical == "国卫医急发〔2024〕11号"
    )
    catalogue = [_known(i, d) for i, d in enumerate(sources)]
    (repeal,) = [r for r in extract_relations(source) if r.kind == "repeals"]
    assert (repeal.line, repeal.effective_date) == (876, date(2024, 3, 19))

    # the 2010 试行 text is in no compilation: nothing resolves, the caller makes a placeholder
    found = resolve(repeal.citation, index_catalogue(catalogue), source_year=2024, source_id=source_id)
    assert found.doc_id is None
    placeholder = KnownDoc(
        PLACEHOLDER_ID, repeal.citation.doc_number_canonical, repeal.citation.title, (), 2010
    )
    assert resolve(repeal.citation, [*catalogue, placeholder], source_year=2024).doc_id == PLACEHOLDER_ID

    families = version_families([*catalogue, placeholder])
    assert (PLACEHOLDER_ID, source_id, "trial_to_formal") in families

    ledger = [LedgerEntry(source_id, PLACEHOLDER_ID, repeal.kind, repeal.scope, repeal.effective_date)]
    status = {"effective_date": None, "expiry_date": None}
    assert status_on(PLACEHOLDER_ID, date(2024, 3, 18), ledger, **status) == "in_force"
    assert status_on(PLACEHOLDER_ID, date(2024, 3, 19), ledger, **status) == "repealed"
    assert chain(source_id, ledger, families=families)[0] == [
        ChainStep(PLACEHOLDER_ID, "repeals", date(2024, 3, 19))
    ]


def test_every_numbered_citation_within_the_compilation_resolves_to_its_document():
    sources = sources_001()
    index = index_catalogue([_known(i, d) for i, d in enumerate(sources)])
    numbers = {d.doc_number_canonical: i for i, d in enumerate(sources) if d.doc_number_canonical}
    checked = 0
    for source_id, source in enumerate(sources):
        for rel in extract_relations(source):
            number = rel.citation.doc_number_canonical if rel.citation else None
            if number in numbers:
                assert resolve(rel.citation, index, source_id=source_id).doc_id == numbers[number]
                checked += 1
    assert checked >= 2  # 001 line 4418 cites line 108's 医保办函〔2024〕14号; line 5203 cites line 5025
