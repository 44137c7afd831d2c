"""`regtrack ingest` and `regtrack reingest`."""

from __future__ import annotations

import typer

from regtrack.cli.output import err, out, print_json, progress


def ingest_cmd(
    ctx: typer.Context,
    inputs: list[str] = typer.Argument(
        ..., metavar="PATH_OR_URL...", help="Files (text, PDF, HTML, Word) or http(s) URLs."
    ),
    force: bool = typer.Option(False, "--force", help="Re-parse even when these bytes were ingested before."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Ingest compilations: store the raw bytes, split into documents, link and diff them."""
    from regtrack.services import ingest  # PDF and Word readers load for the commands that read files

    app = ctx.obj
    engine = app.engine()
    outcomes = []
    with progress() as bar:
        task = bar.add_task("ingesting", total=len(inputs))
        for ref in inputs:
            bar.update(task, description=f"ingesting {ref[-40:]}")
            outcomes.append(ingest.ingest_ref(engine, ref, app.settings, force=force))
            bar.advance(task)
    if as_json:
        print_json({"compilations": [o.as_json() for o in outcomes]})
    else:
        for o in outcomes:
            if o.status == "failed":
                continue
            named = f" ({o.name})" if o.name else ""
            out.print(
                f"{o.source}: {o.status} — compilation {o.compilation_id}{named}, "
                f"{o.documents_added} added, {o.documents_updated} updated, {len(o.warnings)} warnings",
                markup=False,
            )
            for w in o.warnings[:10]:
                out.print(f"  warning: {w}", markup=False, style="yellow")
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:  # one line each on stderr; the others were ingested all the same
        err.print(f"error: {o.error if len(inputs) == 1 else f'{o.source}: {o.error}'}", markup=False)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)
