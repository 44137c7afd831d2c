"""`regtrack relations`, `chain`, `impact`: the effects ledger, supersession chains, outstanding effects."""

from __future__ import annotations

import datetime as dt
import getpass

import typer
from sqlalchemy import select

from linking.model import EDITION, RELATION_KINDS
from regtrack.cli.documents import parse_as_of
from regtrack.cli.output import out, print_json, print_table
from regtrack.errors import UsageError
from regtrack.services import views
from storage.db import transaction
from storage.documents import find_document
from storage.models import Relation

relations_app = typer.Typer(help="The effects ledger: list relations, or correct it by hand (add/remove).")
KINDS = (*RELATION_KINDS, EDITION)


@relations_app.callback(invoke_without_command=True)
def relations_cmd(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", help=f"One of {', '.join(KINDS)}."),
    document: str | None = typer.Option(
        None, "--document", help="Only relations of this document (id, 文号 or title)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """List relations (who repeals, replaces, amends, cites whom), with their evidence."""
    if ctx.invoked_subcommand:
        return
    if kind and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    with transaction(ctx.obj.engine()) as session:
        doc_id = find_document(session, document).id if document else None
        rows = views.relation_rows(session, kind=kind, document=doc_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        f"{len(rows)} relations",
        ["id", "kind", "source", "target", "scope", "effective", "line"],
        (
            [
                r["id"],
                r["kind"],
                _name(r["source"]),
                _name(r["target"]) + (" (citation only)" if r["target"]["placeholder"] else ""),
                r["scope"],
                r["effective_date"],
                r["evidence"]["line"],
            ]
            for r in rows
        ),
    )


def _name(ref: dict[str, object]) -> str:
    return f"{ref['doc_number'] or ''} {str(ref['title'] or '')[:40]}".strip()


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--effective-date takes a date like 2024-05-01, not {value!r}") from exc


@relations_app.command("add")
def add_cmd(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="The document that acts (id, 文号 or title)."),
    target: str = typer.Argument(..., help="The document acted upon."),
    kind: str = typer.Option(..., "--kind", help=f"One of {', '.join(RELATION_KINDS)}."),
    scope: str = typer.Option("whole", "--scope", help="whole, 附件2, 第五条 …"),
    effective_date: str | None = typer.Option(None, "--effective-date", help="YYYY-MM-DD"),
    quote: str | None = typer.Option(None, "--quote", help="The sentence that says so."),
    by: str | None = typer.Option(None, "--by", help="Who made the correction (default: the current user)."),
) -> None:
    """Record a relation by hand; it survives re-ingest and re-linking."""
    if kind not in RELATION_KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of {', '.join(RELATION_KINDS)}")
    when = _date(effective_date)
    with transaction(ctx.obj.engine(), write=True) as session:
        src, tgt = find_document(session, source), find_document(session, target)
        row = session.scalars(
            select(Relation).where(
                Relation.source_id == src.id,
                Relation.target_id == tgt.id,
                Relation.kind == kind,
                Relation.scope == scope,
            )
        ).first()
        if row is None:
            row = Relation(source_id=src.id, target_id=tgt.id, kind=kind, scope=scope)
            session.add(row)
        row.origin, row.suppressed, row.confidence = "manual", False, 1.0
        row.effective_date, row.quote = when or row.effective_date, quote or row.quote
        row.created_by = by or getpass.getuser()
        row.created_at = dt.datetime.now(dt.UTC)
        session.flush()
        from regtrack.services.linking.link import record_relation_events  # extraction loads for this alone

        record_relation_events(session, [row])  # subscribers hear of a corrected effect too
        out.print(
            f"relation {row.id}: {src.title} {kind} {tgt.title} (manual, by {row.created_by})", markup=False
        )


@relations_app.command("remove")
def remove_cmd(
    ctx: typer.Context,
    relation_id: int = typer.Argument(..., help="The relation id (see `regtrack relations`)."),
    by: str | None = typer.Option(None, "--by", help="Who made the correction (default: the current user)."),
) -> None:
    """Remove a relation by hand; re-linking will not bring it back."""
    with transaction(ctx.obj.engine(), write=True) as session:
        row = session.get(Relation, relation_id)
        if row is None or row.suppressed:
            raise UsageError(f"no relation with id {relation_id}")
        row.origin, row.suppressed = "manual", True
        row.created_by = by or getpass.getuser()
        row.created_at = dt.datetime.now(dt.UTC)
        out.print(f"relation {relation_id} removed (by {row.created_by}); re-linking keeps it removed")


def chain_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="Document id, 文号 in any bracket form, or title."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Statuses on this date (YYYY-MM-DD); default today."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """The supersession chain of a document: its predecessors and successors, oldest first."""
    day = parse_as_of(as_of)
    with transaction(ctx.obj.engine()) as session:
        view = views.chain_view(session, find_document(session, ref), day)
    if as_json:
        print_json(view)
        return
    steps = [*view["predecessors"], {**view["document"], "kind": "", "current": True}, *view["successors"]]
    for s in steps:
        marker = "▶" if s.get("current") else " "
        edge = f"  ← {s['kind']} from {s['effective_date'] or '?'}" if s["kind"] else ""
        placeholder = " (known only by citation)" if s["placeholder"] else ""
        out.print(
            f"{marker} {s['doc_number'] or ''} {s['title']} [{s['status']}]{placeholder}{edge}", markup=False
        )
        if s.get("evidence") and s["evidence"]["quote"]:
            ev = s["evidence"]
            out.print(
                f"      “{ev['quote']}” (compilation {ev['compilation_id']}, line {ev['line']})", markup=False
            )


def impact_cmd(
    ctx: typer.Context,
    ref: str | None = typer.Argument(None, help="A document; without it, every outstanding effect."),
    as_of: str | None = typer.Option(None, "--as-of", help="On this date (YYYY-MM-DD); default today."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Documents still in force that cite a repealed or replaced document."""
    day = parse_as_of(as_of)
    if ref is None:
        with transaction(ctx.obj.engine()) as session:
            pairs = views.outstanding_impact(session, day)
        if as_json:
            print_json(pairs)
            return
        print_table(
            f"{len(pairs)} outstanding effects on {day}",
            ["in force", "cites", "which is"],
            ([_name(r["source"]), _name(r["target"]), r["target_status"]] for r in pairs),
        )
        return
    with transaction(ctx.obj.engine()) as session:
        doc = find_document(session, ref)
        summary = views.document_detail(session, doc, day) | {"articles": None}
        rows = views.impact_rows(session, doc, day)
    if as_json:
        print_json({"document": summary, "cited_by_in_force": rows})
        return
    out.print(
        f"{summary['title']} [{summary['status']}]: cited by {len(rows)} documents in force", markup=False
    )
    for r in rows:
        out.print(f"  {_name(r['document'])} [{r['status']}] line {r['line']}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(relations_app, name="relations")
    app.command("chain")(chain_cmd)
    app.command("impact")(impact_cmd)
