"""`regtrack diff OLD NEW`: a 新旧对照表 in the terminal, HTML, Word or JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from regtrack.cli.output import out
from regtrack.errors import UsageError
from storage.db import transaction


def diff_cmd(
    ctx: typer.Context,
    old: str = typer.Argument(
        ..., help="Old version: a stored document (id, 文号, title) or a text/PDF/HTML/Word file."
    ),
    new: str = typer.Argument(..., help="New version, likewise."),
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON only."),
    html: Path | None = typer.Option(None, "--html", help="Write a standalone HTML 新旧对照表 to this file."),
    docx: Path | None = typer.Option(None, "--docx", help="Write a Word 新旧对照表 to this file."),
    changed_only: bool = typer.Option(False, "--changed-only", help="Leave unchanged articles out."),
) -> None:
    """Compare two versions article by article, with the changed characters marked."""
    from regtrack.services.diffs import diff_documents

    if sum(bool(x) for x in (as_json, html, docx)) > 1:
        raise UsageError("choose one of --json, --html, --docx")
    app = ctx.obj
    with transaction(app.engine()) as session:
        diff = diff_documents(session, old, new, app.settings.max_input_bytes)
    # each renderer loads only when asked for: python-docx and Jinja2 are start-up a table does not need
    if as_json:
        from diffing.render_json import render_json

        typer.echo(render_json(diff, indent=2))
    elif html:
        from diffing.render_html import render_html

        _write(html, render_html(diff, changed_only=changed_only).encode("utf-8"))
    elif docx:
        from diffing.render_docx import render_docx

        _write(docx, render_docx(diff, changed_only=changed_only))
    else:
        from diffing.render_terminal import render_terminal

        render_terminal(diff, console=out, changed_only=changed_only)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
    out.print(f"written {path} ({len(data):,} bytes)")


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_cmd)
