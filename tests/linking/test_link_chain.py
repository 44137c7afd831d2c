"""Chains walk supersession both ways, oldest → newest, and survive cycles; impact finds stale citations."""

from __future__ import annotations

from datetime import date

from linking.chain import ChainStep, Impact, chain, impact
from linking.model import LedgerEntry


def test_headline_chain_trial_to_formal():
    # 001 line 876: 2024 办法 (1) repeals its 2010 试行 text (2), a family edge confirms the same instrument.
    ledger = [LedgerEntry(1, 2, "repeals", "whole", date(2024, 3, 19))]
    families = [(2, 1, "trial_to_formal")]
    assert chain(1, ledger, families=families) == ([ChainStep(2, "repeals", date(2024, 3, 19))], [])
    assert chain(2, ledger, families=families) == ([], [ChainStep(1, "repeals", date(2024, 3, 19))])


def test_a_repeal_by_another_instrument_is_no_chain():
    ledger = [LedgerEntry(1, 2, "repeals", "whole", date(2024, 3, 19))]
    assert chain(1, ledger) == ([], [])


def test_transitive_and_ordered_oldest_first():
    ledger = [
        LedgerEntry(3, 2, "replaces", "whole", date(2024, 1, 1)),
        LedgerEntry(2, 1, "amends", "whole", date(2020, 1, 1)),
        LedgerEntry(4, 3, "amends", "whole", date(2025, 1, 1)),
    ]
    predecessors, successors = chain(3, ledger)
    assert [s.doc_id for s in predecessors] == [1, 2]
    assert predecessors[1] == ChainStep(2, "replaces", date(2024, 1, 1))
    assert successors == [ChainStep(4, "amends", date(2025, 1, 1))]
    assert [s.doc_id for s in chain(1, ledger)[1]] == [2, 3, 4]


def test_family_edges_only():
    predecessors, successors = chain(12, [], families=[(11, 12, "edition"), (12, 13, "edition")])
    assert predecessors == [ChainStep(11, "version", None)]
    assert successors == [ChainStep(13, "version", None)]


def test_cycles_end_the_walk():
    ledger = [LedgerEntry(1, 2, "replaces", "whole", None), LedgerEntry(2, 1, "replaces", "whole", None)]
    predecessors, successors = chain(1, ledger)
    assert [s.doc_id for s in predecessors] == [2]
    assert [s.doc_id for s in successors] == [2]


def test_impact_lists_in_force_documents_citing_superseded_ones():
    cites = [
        LedgerEntry(10, 2, "cites"),
        LedgerEntry(11, 2, "cites"),
        LedgerEntry(10, 3, "cites"),
        LedgerEntry(12, 2, "repeals"),
    ]
    statuses = {10: "in_force", 11: "repealed", 2: "replaced", 3: "in_force", 12: "in_force"}
    assert impact(cites, statuses) == [Impact(10, 2, "replaced")]
