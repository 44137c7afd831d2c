"""`regtrack documents` and `regtrack show`: what is stored, as tables or JSON."""

from __future__ import annotations

from typing import Any

import typer

from regtrack.cli.output import out, print_json, print_table
from regtrack.errors import UsageError
from regtrack.services import views
from regtrack.services.views import parse_as_of
from storage.db import transaction
from storage.documents import DocumentFilter, find_document


def documents_cmd(
    ctx: typer.Context,
    q: str | None = typer.Option(None, "--q", help="Text in the title or 文号."),
    issuer: str | None = typer.Option(None, "--issuer", help="Issuing body (part of its name)."),
    category: str | None = typer.Option(None, "--category", help="类别 (part of it)."),
    status: str | None = typer.Option(
        None,
        "--status",
        help="in_force, not_yet_effective, amended, partially_repealed, repealed, replaced, expired.",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Status on this date (YYYY-MM-DD); default today."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """List stored documents with their status on a date."""
    day = parse_as_of(as_of)
    if status and status not in views.STATUSES:
        raise UsageError(f"unknown status {status!r}; use one of {', '.join(views.STATUSES)}")
    with transaction(ctx.obj.engine()) as session:
        rows = views.document_rows(session, DocumentFilter(q=q, issuer=issuer, category=category), day)
    if status:
        rows = [r for r in rows if r["status"] == status]
    if as_json:
        print_json(rows)
        return
    print_table(
        f"{len(rows)} documents (status on {day})",
        ["id", "文号", "title", "issuer", "written", "status", "articles"],
        (
            [
                r["id"],
                r["doc_number"],
                r["title"],
                r["issuer"],
                r["written_date"],
                r["status"],
                r["article_count"],
            ]
            for r in rows
        ),
    )


def show_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="Document id, 文号 in any bracket form, or title."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Status and text in force on this date (YYYY-MM-DD)."
    ),
    version: int | None = typer.Option(
        None, "--version", min=1, help="Show this version's text (default: the latest)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON only."),
) -> None:
    """Show one document: metadata, versions and the articles of one version."""
    day = parse_as_of(as_of)
    with transaction(ctx.obj.engine()) as session:
        doc = find_document(session, ref)
        data = views.document_detail(session, doc, day, version, text_as_of=as_of is not None)
    if as_json:
        print_json(data)
        return
    out.print(f"{data['title']}  {data['doc_number'] or ''}  [{data['status']}]", markup=False, style="bold")
    for key in ("issuer", "written_date", "published_date", "effective_date", "expiry_date", "category"):
        if data[key]:
            out.print(f"  {key}: {data[key]}", markup=False)
    if data["text_note"]:
        since = data["text_note"]["in_force_from"]
        out.print(
            f"  note: not yet in force on {day} (from {since}): its first text is shown", style="yellow"
        )
    for row in data["versions"]:
        shown = "*" if row["version"] == data["version"] else " "
        out.print(f" {shown}version {row['version']}: {version_line(row)}", markup=False)
    for art in data["articles"]:
        out.print(f"{art['label']} {art['text']}", markup=False)


def version_line(row: dict[str, Any]) -> str:
    """Where a version's text came from, in one line."""
    if not row["derived"]:
        source = f"compilation {row['compilation_id']}" if row["compilation_id"] else "imported"
        return f"read from {source}"
    decision = row["decision"] or {}
    line = f"derived from version {row['basis_version']} by 《{decision.get('title', '?')}》"
    if row["effective_date"]:
        line += f", effective {row['effective_date']}"
    check = row["verification"]
    if row["verified"]:
        line += f"; verified against version {check['official_version']}"
    elif check:
        differing = ", ".join(check["differing_articles"][:10])
        line += f"; differs from the official version {check['official_version']} in {differing}"
    return line


def register(app: typer.Typer) -> None:
    app.command("documents")(documents_cmd)
    app.command("show")(show_cmd)
