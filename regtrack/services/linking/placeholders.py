"""Documents known only by citation: created when nothing matches a citation, renamed when a later
citation gives the title the first lacked, merged into the real document once it arrives, and
removed when nothing cites them any more.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from linking.model import Citation
from linking.resolve import Resolution, index_catalogue, resolve
from regtrack.services.linking.candidates import known_docs, set_title_key, title_key, title_neighbours
from regtrack.services.linking.run import LinkRun
from storage.documents import chunked
from storage.models import ChangeEvent, Document, Relation


def identity_key(citation: Citation) -> str:
    """One key per instrument: decisions of one title are told apart by their date (h29's 2013 and
    2016 《国务院关于修改部分行政法规的决定》)."""
    if citation.doc_number_canonical:
        return f"dn:{citation.doc_number_canonical}"
    dated = f"@{citation.date.isoformat()}" if citation.date else ""
    return f"t:{title_key(citation.title or '')}{dated}"


class Placeholders:
    """The target of each unresolved citation: a stored document with its identity key, else a new placeholder.

    Rows are looked up once for the whole run (``prefetch``) and created together (``create``),
    in the order the citations come, as if each had been looked up and flushed on its own.
    """

    def __init__(self, session: Session, run: LinkRun, citations: Sequence[Citation]) -> None:
        self.session, self.run = session, run
        keys = sorted({identity_key(c) for c in citations})
        self.rows: dict[str, Document] = {}
        for chunk in chunked(keys):
            stmt = select(Document).where(Document.identity_key.in_(chunk))
            self.rows.update((row.identity_key, row) for row in session.scalars(stmt))
        self.created: list[Document] = []

    def target(self, citation: Citation, found: Resolution) -> int | Document:
        """The resolved id, else the placeholder row (its id exists after ``create``)."""
        if found.doc_id is not None:
            if citation.doc_number_canonical and found.method != "doc_number":
                self._learn_number(found.doc_id, citation)
            return found.doc_id
        key = identity_key(citation)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = Document(
                identity_key=key,
                title=citation.title or citation.doc_number_raw or key,
                doc_number=citation.doc_number_raw,
                doc_number_canonical=citation.doc_number_canonical,
                published_date=citation.date,  # the date the citation gives it (a 题注 line's)
                placeholder=True,
            )
            set_title_key(row)
            self.session.add(row)
            self.created.append(row)
            self.run.report.placeholders_created += 1
        elif row.placeholder and citation.title and row.title == (row.doc_number or row.identity_key):
            row.title = citation.title  # a later citation gives the title the first one lacked
            set_title_key(row)
            self.run.touched.add(row.id)
        return row

    def _learn_number(self, doc_id: int, citation: Citation) -> None:
        """A placeholder found by title learns the 文号 a later citation gives: 000 cites the 2010
        国家卫生应急队伍管理办法（试行） by title only, 001 line 876 with 卫办应急发〔2010〕183号."""
        row = self.session.get(Document, doc_id)
        key = identity_key(citation)
        if row is None or not row.placeholder or row.doc_number_canonical or key in self.rows:
            return
        if self.session.scalars(select(Document.id).where(Document.identity_key == key)).first() is not None:
            return
        row.identity_key, row.doc_number = key, citation.doc_number_raw
        row.doc_number_canonical = citation.doc_number_canonical
        self.rows[key] = row
        self.run.touched.add(row.id)

    def create(self) -> None:
        self.session.flush()
        ids = {row.id for row in self.created}
        self.run.touched |= ids
        self.run.maybe_orphaned |= ids


def id_of(target: int | Document) -> int:
    return target.id if isinstance(target, Document) else target


def merge_title_placeholders(session: Session, new_ids: Sequence[int], run: LinkRun) -> None:
    """A placeholder becomes the real document once one of ``new_ids`` matches it.

    Only placeholders that can match are read: same 文号, same title key, or a title key that
    sorts beside one of the new documents' (see ``regtrack.services.linking.candidates``).
    """
    real = known_docs(session, ids=new_ids)
    if not real:
        return
    index = index_catalogue([real[i] for i in sorted(real)])
    keys = {title_key(d.title) for d in real.values()}
    numbers = {d.doc_number_canonical for d in real.values() if d.doc_number_canonical}
    near = title_neighbours(session, keys)
    for ph in _placeholders(session, numbers, keys, near):
        citation = Citation(ph.doc_number, ph.doc_number_canonical, ph.title, ph.published_date)
        found = resolve(citation, index)
        if found.doc_id is None or found.doc_id == ph.id or _states_about(session, found.doc_id, ph.id):
            continue
        _repoint(session, ph.id, found.doc_id, run)
        session.delete(ph)
        run.touched.add(found.doc_id)
        run.report.placeholders_merged += 1
    session.flush()


def _states_about(session: Session, doc_id: int, placeholder_id: int) -> bool:
    """True when the document itself cites or acts on the placeholder: then it is the new text of
    that instrument, not the cited old one (001 line 2535: 沪卫规〔2024〕5号 amends and cites the
    earlier 《上海市传染病防治行政处罚裁量基准》, whose title key is its own)."""
    stmt = select(Relation.id).where(Relation.source_id == doc_id, Relation.target_id == placeholder_id)
    return session.scalars(stmt.limit(1)).first() is not None


def _placeholders(
    session: Session, numbers: Collection[str], keys: Collection[str], ids: Collection[int]
) -> list[Document]:
    found: dict[int, Document] = {}
    for column, values in (
        (Document.doc_number_canonical, numbers),
        (Document.title_key, keys),
        (Document.id, ids),
    ):
        for chunk in chunked(sorted(values)):  # type: ignore[type-var]
            stmt = select(Document).where(Document.placeholder.is_(True), column.in_(chunk))
            found.update((d.id, d) for d in session.scalars(stmt))
    return [found[i] for i in sorted(found)]


def _repoint(session: Session, old_id: int, new_id: int, run: LinkRun) -> None:
    """Move every relation and event of ``old_id`` onto ``new_id``, dropping exact duplicates."""
    for column in (Relation.target_id, Relation.source_id):
        for rel in session.scalars(select(Relation).where(column == old_id)):
            source = new_id if rel.source_id == old_id else rel.source_id
            target = new_id if rel.target_id == old_id else rel.target_id
            clash = session.scalars(
                select(Relation.id).where(
                    Relation.source_id == source,
                    Relation.target_id == target,
                    Relation.kind == rel.kind,
                    Relation.scope == rel.scope,
                )
            ).first()
            if clash is not None or (source == target and rel.kind != "expires"):
                run.forget(rel)
                session.delete(rel)
            else:
                rel.source_id, rel.target_id = source, target
                run.stated(rel)
        session.flush()
    session.execute(update(ChangeEvent).where(ChangeEvent.document_id == old_id).values(document_id=new_id))
    session.execute(
        update(ChangeEvent)
        .where(ChangeEvent.related_document_id == old_id)
        .values(related_document_id=new_id)
    )


def delete_orphans(session: Session, candidates: Collection[int] | None) -> int:
    """Placeholders no relation points at any more (their citing text changed) are removed.

    ``candidates`` limits the check to documents that may have lost their last relation; None
    checks every placeholder.
    """
    unused = ~exists().where(Relation.source_id == Document.id) & ~exists().where(
        Relation.target_id == Document.id
    )
    stmt = select(Document.id).where(Document.placeholder.is_(True), unused)
    if candidates is None:
        orphans = list(session.scalars(stmt))
    else:
        orphans = []
        for chunk in chunked(sorted(candidates)):
            orphans += session.scalars(stmt.where(Document.id.in_(chunk)))
    for chunk in chunked(orphans):
        session.execute(delete(Document).where(Document.id.in_(chunk)))
    return len(orphans)
