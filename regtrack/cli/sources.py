"""`regtrack sources [add|list|poll]` and `regtrack reingest`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from sqlalchemy import Engine

from regtrack.cli.output import err, out, print_json, print_table
from regtrack.errors import UsageError
from storage.db import transaction
from storage.sources import SOURCE_KINDS, add_source, list_sources, source_stats

if TYPE_CHECKING:
    from regtrack.services import sources

sources_app = typer.Typer(
    help="Sources that announce compilations: RSS/Atom feeds, HTML listing pages, local files or folders.",
    invoke_without_command=True,
)


@sources_app.callback()
def sources_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """List the sources (same as `regtrack sources list`)."""
    if ctx.invoked_subcommand is None:
        _print_sources(ctx.obj.engine(), as_json)


@sources_app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """List the sources with their last poll and how many compilations came from each."""
    _print_sources(ctx.obj.engine(), as_json)


@sources_app.command("add")
def add_cmd(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="http(s) URL, file:// URL, or a local path (file or folder)."),
    kind: str = typer.Option(
        ..., "--kind", help="feed (RSS/Atom), page (HTML listing) or file (file/folder)."
    ),
    name: str | None = typer.Option(None, "--name", help="A name to show instead of the URL."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Follow a source; polling it ingests the compilations it announces."""
    if kind not in SOURCE_KINDS:
        raise UsageError(f"--kind must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
    with transaction(ctx.obj.engine(), write=True) as session:
        source, created = add_source(session, source_url(url), kind, name)
        row = source_json(source, 0)
    if as_json:
        print_json({**row, "created": created})
        return
    verb = "added" if created else "already followed as"
    out.print(f"source {row['id']} {verb} {row['kind']}: {row['url']}")


@sources_app.command("poll")
def poll_cmd(
    ctx: typer.Context,
    source_ids: list[int] = typer.Argument(
        None, metavar="[SOURCE_ID]...", help="Default: every enabled source."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Poll sources now, in this process: ingest what is new (linked as it goes in), then diff."""
    from regtrack.services import ingest, sources

    engine, settings = ctx.obj.engine(), ctx.obj.settings
    ids = list(source_ids or sources.enabled_source_ids(engine))
    reports = [sources.poll_source(engine, settings, sid) for sid in ids]
    new = [cid for r in reports for cid in r.new_compilation_ids]
    if new:
        ingest.compute_diffs(engine, settings)
    if as_json:
        print_json({"sources": [r.as_json() for r in reports], "new_compilations": new})
    else:
        for r in reports:
            _print_report(r)
    if any(r.failed for r in reports):
        raise typer.Exit(1)  # reported above


def reingest_cmd(
    ctx: typer.Context,
    compilation_ids: list[int] = typer.Argument(
        None, metavar="[COMPILATION_ID]...", help="Compilations to re-parse."
    ),
    all_: bool = typer.Option(False, "--all", help="Re-parse every stored compilation."),
    local: bool = typer.Option(False, "--local", help="Run here even when a Prefect server is configured."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Re-parse stored raw bytes with the current code (a Prefect run when PREFECT_API_URL is set)."""
    from flows.reingest import FlowRunStarted, run_reingest, without_prefect

    if bool(compilation_ids) == all_:
        raise UsageError("give compilation ids, or --all (not both)")
    app = ctx.obj
    settings = app.settings if not local else without_prefect(app.settings)
    result = run_reingest(app.engine(), settings, list(compilation_ids) if compilation_ids else None)
    if isinstance(result, FlowRunStarted):
        print_json(result.as_json()) if as_json else out.print(str(result))
        return
    if as_json:
        print_json({"compilations": [o.as_json() for o in result]})
    else:
        for o in result:
            if o.status != "failed":
                out.print(
                    f"compilation {o.compilation_id}: {o.status}, "
                    f"{o.documents_added} added, {o.documents_updated} updated"
                )
    failed = [o for o in result if o.status == "failed"]
    for o in failed:  # the others were re-parsed all the same
        err.print(f"error: {o.source}: {o.error}", markup=False)
    if failed:
        raise typer.Exit(1)


# --- presentation ---------------------------------------------------------------------------


def source_url(ref: str) -> str:
    """URLs are kept as given; a local path becomes an absolute file:// URL."""
    if "://" in ref:
        return ref
    path = Path(ref).expanduser()
    if not path.exists():
        raise UsageError(f"no such file or folder: {ref} (give an http(s) URL or an existing path)")
    return path.resolve().as_uri()


def source_json(source: Any, compilations: int) -> dict[str, Any]:
    return {
        "id": source.id,
        "url": source.url,
        "kind": source.kind,
        "name": source.name,
        "enabled": source.enabled,
        "last_polled_at": source.last_polled_at.isoformat() if source.last_polled_at else None,
        "last_error": source.last_error,
        "etag": source.etag,
        "last_modified": source.last_modified,
        "compilations": compilations,
    }


def _print_sources(engine: Engine, as_json: bool) -> None:
    with transaction(engine) as session:
        counts = source_stats(session)
        rows = [source_json(s, counts.get(s.id, 0)) for s in list_sources(session)]
    if as_json:
        print_json(rows)
        return
    print_table(
        f"{len(rows)} sources",
        ["id", "kind", "name / url", "compilations", "last polled", "last error"],
        (
            [
                r["id"],
                r["kind"],
                r["name"] or r["url"],
                r["compilations"],
                r["last_polled_at"],
                r["last_error"],
            ]
            for r in rows
        ),
    )


def _print_report(report: sources.PollReport) -> None:
    colour = "red" if report.failed else "green"
    out.print(
        f"[{colour}]{report.status}[/] source {report.source_id} {report.url}: {report.announced} announced"
    )
    if report.error:
        out.print(f"  [red]error:[/] {report.error}", markup=True)
    for item in report.items:
        detail = item.error or f"compilation {item.compilation_id}, {item.documents_added} documents added"
        out.print(f"  {item.status}: {item.title or item.url} — {detail}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command("reingest")(reingest_cmd)
