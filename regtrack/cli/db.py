"""`regtrack db …`: schema migrations."""

from __future__ import annotations

import typer

from storage.db import current_revision, downgrade, upgrade

db_app = typer.Typer(help="Database schema: upgrade, downgrade, current revision.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_cmd(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    engine = ctx.obj.engine(migrate=False)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("downgrade")
def downgrade_cmd(
    ctx: typer.Context, revision: str = typer.Argument(..., help="Target revision, e.g. 0001 or base.")
) -> None:
    """Revert migrations down to REVISION."""
    engine = ctx.obj.engine(migrate=False)
    downgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("current")
def current_cmd(ctx: typer.Context) -> None:
    """Print the schema revision the database is at."""
    typer.echo(current_revision(ctx.obj.engine(migrate=False)) or "empty")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
