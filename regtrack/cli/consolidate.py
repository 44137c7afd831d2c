"""`regtrack consolidate REF`: (re)build the texts amendment decisions derive from a stored text."""

from __future__ import annotations

import typer

from regtrack.cli.output import err, out, print_json
from storage.db import transaction
from storage.documents import find_document


def consolidate_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The amended document: id, 文号 in any bracket form, or title."),
    decision: str | None = typer.Option(
        None, "--decision", help="Apply this decision only (default: every stored decision amending REF)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Apply amendment decisions to the latest stored text and store each result as a derived
    version; a decision whose instructions cannot all be applied stores nothing (exit 1)."""
    with transaction(ctx.obj.engine(), write=True) as session:
        target = find_document(session, ref)
        chosen = find_document(session, decision) if decision else None
        from regtrack.services import consolidation

        outcomes = consolidation.consolidate(session, target, chosen)
        rows = [o.as_json() for o in outcomes]
        lines = [(o.status, o.line()) for o in outcomes]
    failed = any(status == "failed" for status, _ in lines)
    if as_json:
        print_json({"results": rows})
    else:
        for status, line in lines:
            (err if status == "failed" else out).print(line, markup=False)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("consolidate")(consolidate_cmd)
