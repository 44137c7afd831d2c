"""One link run over many documents reads the ledger once (regtrack.services.linking.prefetch); it must write what
linking the same documents one run at a time writes, even where one document's stored lines cover
rows another document of the run has just written."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from regtrack.services.ingest import ingest_bytes
from regtrack.services.linking.link import link_documents
from regtrack.settings import load_settings
from storage.models import ChangeEvent, Document, DocumentVersion, Relation
from tests.conftest import sample_path


def _overlapping_pair(engine: Engine) -> tuple[int, int]:
    """Ingest 004, then widen one document's text over the lines of the document before it, whose
    relations are removed: relinking the two, the first writes new rows the second's lines hold."""
    data = sample_path("004").read_bytes()
    ingest_bytes(engine, data, "004.txt", load_settings())
    with Session(engine) as session, session.begin():
        versions = session.scalars(select(DocumentVersion).order_by(DocumentVersion.start_line)).all()
        stating = {r.source_id for r in session.scalars(select(Relation).where(Relation.line.is_not(None)))}
        first, second = next(
            (a, b) for a, b in zip(versions, versions[1:], strict=False) if a.document_id in stating
        )
        second.start_line = first.start_line
        session.execute(delete(Relation).where(Relation.source_id == first.document_id))
        return first.document_id, second.document_id


def _ledger(session: Session) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """Relations and events by what they say (ids differ with the order rows were written in)."""
    name = dict(session.execute(select(Document.id, Document.identity_key)).tuples().all())
    relations = {
        (name[r.source_id], name[r.target_id], r.kind, r.scope, r.line, r.quote, r.effective_date)
        for r in session.scalars(select(Relation))
    }
    kinds = dict(session.execute(select(Relation.id, Relation.kind)).tuples().all())
    events = {
        (e.kind, name[e.document_id], name.get(e.related_document_id), kinds.get(e.relation_id), e.summary)
        for e in session.scalars(select(ChangeEvent))
    }
    return relations, events


def test_one_run_writes_what_runs_one_document_at_a_time_write(engine) -> None:
    first, second = _overlapping_pair(engine)
    with Session(engine) as session:
        before = _ledger(session)
        together = link_documents(session, [first, second])
        session.flush()
        one_run = _ledger(session)
        session.rollback()
        assert _ledger(session) == before
        apart = [link_documents(session, [doc_id]) for doc_id in (first, second)]
        session.flush()
        two_runs = _ledger(session)
        session.rollback()
    assert one_run == two_runs
    assert together.relations_added == sum(r.relations_added for r in apart) > 0
    assert together.relations_removed == sum(r.relations_removed for r in apart) > 0  # the first's new rows
    assert one_run != before
