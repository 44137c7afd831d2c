"""Amendments a law's 题注 records: each "根据…《决定》…修订/修正" line is the decision amending this text.

h29 "2013年12月7日 《国务院关于修改部分行政法规的决定》第一次修订": the relation's subject is that
decision, dated by the line (decisions of one title and different dates are different instruments),
its citation None (this text), effective on the line's date.
"""

from __future__ import annotations

from ingest.header import read_header
from linking.model import Citation, ExtractedRelation, SourceDoc

DATED_DECISION = 0.9  # a title and a date: two decisions may share both only in error


def header_relations(doc: SourceDoc) -> tuple[list[ExtractedRelation], range]:
    """The amendments the 题注 records, and the lines of ``doc.text`` it covers (read by nothing else)."""
    header = read_header(doc.text.split("\n"), doc.title)
    if header is None:
        return [], range(0)
    relations = [
        ExtractedRelation(
            kind="amends",
            citation=None,
            scope="whole",
            effective_date=event.date,
            quote=event.quote,
            line=doc.start_line + event.line,
            confidence=DATED_DECISION,
            subject=Citation(None, None, event.decision, event.date),
        )
        for event in header.amendments
        if event.decision
    ]
    return relations, range(header.first_line, header.last_line + 1)
