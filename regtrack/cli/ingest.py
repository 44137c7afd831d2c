"""`regtrack ingest` and `regtrack reingest`."""

from __future__ import annotations

from collections import Counter

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


def backfill_cmd(
    ctx: typer.Context,
    inputs: list[str] = typer.Argument(
        None,
        metavar="[PATH_OR_URL]...",
        help="Compilation files, folders (every compilation file in them, sorted) or http(s) URLs.",
    ),
    source_ids: list[int] = typer.Option(
        [], "--source", help="A registered source's id: every compilation it lists (repeatable)."
    ),
    parallel: int | None = typer.Option(
        None, "--parallel", min=1, help="Flow runs ingesting at once over the Prefect work pool [default: 4]."
    ),
    batch: int | None = typer.Option(
        None,
        "--batch",
        min=1,
        help="Compilations per flow run (a run's process takes seconds to start) [default: 1].",
    ),
    digest: str = typer.Option(
        "immediate", "--digest", help="Digests to send once at the end (a frequency, or 'none')."
    ),
    local: bool = typer.Option(
        False, "--local", help="Run here, one compilation after the other, even with a Prefect server."
    ),
    wait: bool = typer.Option(
        True, "--wait/--no-wait", help="Follow the Prefect run to its end, or return once it started."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Ingest a back catalogue: one Prefect flow run per compilation over the work pool (when
    PREFECT_API_URL is set), then relink, diff and send digests once."""
    from regtrack.services import backfill

    app = ctx.obj
    frequency = backfill.digest_frequency(digest)
    engine = app.engine()
    locations = backfill.expand(engine, app.settings, inputs or [], source_ids)
    if app.settings.prefect_api_url and not local:
        from regtrack.cli.backfill import over_prefect

        over_prefect(
            app.settings.prefect_api_url,
            locations,
            parallel or 4,
            batch or 1,
            frequency,
            wait=wait,
            as_json=as_json,
        )
        return
    if parallel or batch:
        err.print("note: --parallel and --batch apply over Prefect workers; here one goes in after the other")
    with progress() as bar:
        task = bar.add_task("backfill", total=len(locations))
        report = backfill.run_here(
            engine, app.settings, locations, frequency, on_done=lambda _: bar.advance(task)
        )
    if as_json:
        print_json(report.as_json())
    else:
        statuses = Counter(str(c["status"]) for c in report.compilations)
        out.print(
            f"{len(locations)} compilations here (no Prefect server): "
            + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())),
            markup=False,
        )
    for failed in report.failed:
        err.print(f"error: {failed['source']}: {failed['error']}", markup=False)
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)
    app.command("backfill")(backfill_cmd)
