"""Consolidation against the database: an amendment decision's instructions applied to the latest
stored text of the document it amends, stored as a new version marked derived, with provenance.

The pure work is ``linking.consolidate`` (apply) and ``linking.derived``; this module moves rows,
inside the caller's transaction. A decision either gives a whole new text or nothing: a failing
instruction stores nothing and comes back as one line naming it. One decision derives one
version of a document (unique in the schema), so ingesting it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.normalize import comparison_key
from ingest.notices import Notice
from linking.amendments.decision import parse_decision
from linking.amendments.model import Instruction, TargetInstructions
from linking.consolidate import ConsolidationError, apply
from linking.derived import derived_text, instruction_record, instructions_for
from regtrack.errors import UsageError
from regtrack.services import diffs
from storage.documents import chunked, iso, latest_version
from storage.models import ChangeEvent, Document, DocumentVersion, Relation
from storage.versions import add_derived_version, articles_of, derived_by, with_hash

AMENDS = "amends"
CONSOLIDATED = "consolidated"  # the change event of a derived version (notifications.model)


@dataclass
class Outcome:
    """What became of one (target, decision) pair. ``status``: stored | unchanged | failed | skipped."""

    target: Document
    decision: Document
    status: str
    version_no: int | None = None
    basis_version_no: int | None = None
    reason: str | None = None
    quote: str | None = None  # the instruction that could not be applied, as written

    def notice(self) -> Notice:
        pair = {"target": self.target.title, "decision": self.decision.title}
        if self.status == "stored":
            return Notice(
                "consolidated", {**pair, "version": self.version_no, "basis": self.basis_version_no}
            )
        if self.status == "unchanged":
            return Notice("consolidation_unchanged", {**pair, "version": self.version_no})
        return Notice("consolidation_failed", {**pair, "reason": self.reason, "instruction": self.quote})

    def line(self) -> str:
        return self.notice().english()

    def as_json(self) -> dict[str, object]:
        return {
            "target": _ref(self.target),
            "decision": _ref(self.decision),
            "status": self.status,
            "version": self.version_no,
            "basis_version": self.basis_version_no,
            "reason": self.reason,
            "instruction": self.quote,
        }


def _ref(doc: Document) -> dict[str, object]:
    return {"id": doc.id, "doc_number": doc.doc_number, "title": doc.title}


def decision_of(session: Session, doc: Document) -> Document:
    """The decision a document belongs to: itself, or the document its attachment (附件1) hangs on."""
    seen = {doc.id}
    while doc.parent_id is not None and doc.parent_id not in seen:
        parent = session.get(Document, doc.parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        doc = parent
    return doc


def after_ingest(session: Session, document_ids: Iterable[int], compilation_id: int) -> list[Notice]:
    """Consolidate every stored document amended by these documents; the warnings to record.

    A target known only by citation, one the decision gives no instruction for (an amendment
    stated in prose: 进行了修订完善), or one whose text already records the decision is left alone
    without a warning: there is nothing to apply.
    """
    ids = list(dict.fromkeys(document_ids))
    rels: list[Relation] = []
    for chunk in chunked(ids):
        rels += session.scalars(
            select(Relation)
            .where(Relation.kind == AMENDS, Relation.suppressed.is_(False), Relation.source_id.in_(chunk))
            .order_by(Relation.id)
        )
    # The relations' documents read at once (held here: the session keeps no unreferenced ones).
    docs: dict[int, Document] = {}
    for chunk in chunked(sorted({i for rel in rels for i in (rel.source_id, rel.target_id)})):
        docs.update((d.id, d) for d in session.scalars(select(Document).where(Document.id.in_(chunk))))
    pairs: dict[tuple[int, int], Relation] = {}
    for rel in rels:
        source = docs.get(rel.source_id)
        if source is not None:
            pairs.setdefault((decision_of(session, source).id, rel.target_id), rel)
    warnings = []
    for (decision_id, target_id), rel in pairs.items():
        target = docs.get(target_id) or session.get(Document, target_id)
        decision = docs.get(decision_id) or session.get(Document, decision_id)
        if target is None or decision is None or target.id == decision.id:
            continue
        outcome = consolidate_pair(session, target, decision, rel.effective_date, compilation_id)
        if outcome.status == "failed" and outcome.reason not in _QUIET:
            warnings.append(outcome.notice())
    return warnings


_NO_TEXT = "there is no stored text to amend (known only by citation)"
_NO_INSTRUCTIONS = "the decision gives no instruction for it that can be read"
_QUIET = (_NO_TEXT, _NO_INSTRUCTIONS)


def consolidate(session: Session, target: Document, decision: Document | None = None) -> list[Outcome]:
    """(Re)build the derived versions of ``target``: from ``decision``, or from every decision that
    amends it, oldest effective date first, each on the text the one before left."""
    decisions: list[tuple[Document, dt.date | None]]
    if decision is not None:
        decisions = [(decision_of(session, decision), None)]
    else:
        rels = session.scalars(
            select(Relation).where(
                Relation.kind == AMENDS, Relation.suppressed.is_(False), Relation.target_id == target.id
            )
        ).all()
        found: dict[int, tuple[Document, dt.date | None]] = {}
        for rel in rels:
            source = session.get(Document, rel.source_id)
            if source is not None and source.id != target.id:
                root = decision_of(session, source)
                found.setdefault(root.id, (root, rel.effective_date))
        decisions = sorted(
            found.values(), key=lambda p: (p[0].effective_date or p[1] or dt.date.max, p[0].id)
        )
    if not decisions:
        raise UsageError(f"no stored decision amends {target.title}: name one with --decision")
    return [consolidate_pair(session, target, d, effective) for d, effective in decisions]


def consolidate_pair(
    session: Session,
    target: Document,
    decision: Document,
    effective_date: dt.date | None = None,
    compilation_id: int | None = None,
) -> Outcome:
    """Apply the decision to the target's latest text and store the result as a derived version."""
    existing = derived_by(session, target.id, decision.id)
    if existing is not None:
        return Outcome(target, decision, "unchanged", existing.version_no, _basis_no(session, existing))
    basis = latest_version(session, target.id)
    if basis is None:
        return Outcome(target, decision, "failed", reason=_NO_TEXT)
    if _records(basis.text, decision):
        reason = f"its latest text (version {basis.version_no}) already records this decision"
        return Outcome(target, decision, "skipped", reason=reason)
    group = instructions_for(_instructions(session, decision), target.title)
    if group is None:
        return Outcome(target, decision, "failed", reason=_NO_INSTRUCTIONS)
    old = articles_of(basis)
    try:
        new = apply(old, group.instructions)
    except ConsolidationError as failure:
        return Outcome(target, decision, "failed", reason=failure.reason, quote=failure.instruction.quote)
    if not new:
        return Outcome(target, decision, "failed", reason=f"version {basis.version_no} has no 条 to amend")
    text = derived_text(basis.text, old, new)
    same = with_hash(session, target.id, text)
    if same is not None:
        return Outcome(target, decision, "unchanged", same.version_no, _basis_no(session, same))
    effective = decision.effective_date or effective_date
    version = add_derived_version(
        session,
        basis,
        decision.id,
        text,
        new,
        effective_date=effective,
        provenance=_provenance(basis, decision, effective, group.instructions),
    )
    _record_event(session, version, basis, decision, compilation_id)
    return Outcome(target, decision, "stored", version.version_no, basis.version_no)


def _basis_no(session: Session, version: DocumentVersion) -> int | None:
    basis = session.get(DocumentVersion, version.basis_version_id) if version.basis_version_id else None
    return basis.version_no if basis else None


def _instructions(session: Session, decision: Document) -> list[TargetInstructions]:
    """The instructions of a decision and of its attachments (附件1 国务院决定修改的行政法规), per
    target; each part read under its own title (关于修改《X》的决定 names the target of the whole)."""
    parts, seen, frontier = [decision], {decision.id}, [decision.id]
    while frontier:
        stmt = select(Document).where(Document.parent_id.in_(frontier)).order_by(Document.id)
        children = [c for c in session.scalars(stmt) if c.id not in seen]
        parts += children
        seen.update(c.id for c in children)
        frontier = [c.id for c in children]
    merged: dict[str, list[Instruction]] = {}
    for part in parts:
        version = latest_version(session, part.id)
        if version is None:
            continue
        for group in parse_decision(version.text, part.title):
            merged.setdefault(group.target, []).extend(group.instructions)
    return [TargetInstructions(target, tuple(found)) for target, found in merged.items()]


def _records(text: str, decision: Document) -> bool:
    """Whether a text already names the decision in its header (根据2022年3月29日《…决定》修订):
    applying the decision again would amend it twice. A decision titled like many others
    (国务院关于修改部分行政法规的决定) counts only with its date beside it, when its date is known."""
    if comparison_key(decision.title) not in comparison_key(text):
        return False
    days = [d for d in (decision.written_date, decision.published_date) if d is not None]
    return not days or any(f"{d.year}年{d.month}月{d.day}日" in text for d in days)


def _provenance(
    basis: DocumentVersion, decision: Document, effective: dt.date | None, instructions: Sequence[Instruction]
) -> dict[str, object]:
    return {
        "basis_version": basis.version_no,
        "decision": _ref(decision),
        "effective_date": iso(effective),
        "instructions": [instruction_record(i) for i in instructions],
    }


def _record_event(
    session: Session,
    version: DocumentVersion,
    basis: DocumentVersion,
    decision: Document,
    compilation_id: int | None,
) -> None:
    """The 新旧对照表 of basis → derived text, and the event a digest reports it by."""
    diff = diffs.store_diff(session, basis, version)
    session.add(
        ChangeEvent(
            event_key=f"{CONSOLIDATED}:{version.id}",
            kind=CONSOLIDATED,
            document_id=version.document_id,
            related_document_id=decision.id,
            version_diff_id=diff.id if diff else None,
            effective_date=version.effective_date,
            summary=f"已根据《{decision.title}》生成修正文本",
            compilation_id=compilation_id or decision.compilation_id,
        )
    )
