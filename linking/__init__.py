"""Linking: relations between documents (repeals, replaces, amends, partially_repeals, expires, cites).

Pure functions over frozen dataclasses (``linking.model``); no database, no Prefect.

- ``extract.extract_relations(SourceDoc) -> list[ExtractedRelation]``: what a document states.
- ``sources.sources_from_compilation(ParsedCompilation, lines)``: extraction inputs from the parser.
- ``resolve.resolve(Citation, catalogue | index_catalogue(catalogue), source_year=, source_id=)``.
- ``families.version_families(docs)``: editions of one instrument, oldest → newest.
- ``status.status_on(doc_id, as_of, ledger, effective_date=, expiry_date=)``: 时效性 on a date.
- ``chain.chain(doc_id, ledger, families=)`` and ``chain.impact(ledger_cites, statuses)``.
- ``amendments.decision.parse_decision(text, title=None)``: a 修改决定/修正案 as typed instructions per target.
- ``consolidate.apply(articles, instructions)``: the amended text, or ``ConsolidationError``.
"""
