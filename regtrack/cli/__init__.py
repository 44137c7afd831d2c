"""`regtrack` command line: a thin layer over the stages. Errors end as one line on stderr."""

from __future__ import annotations

import functools
import importlib
import logging
import os
import sys
from dataclasses import dataclass

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from regtrack import errors
from regtrack.settings import Settings, load_settings
from storage.db import make_engine, upgrade

app = typer.Typer(
    name="regtrack",
    help="Follow how Chinese health regulations change: ingest, link, diff, notify.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# Command modules; each defines `register(app)`. Order is the order of `regtrack --help`.
COMMAND_MODULES = (
    "regtrack.cli.ingest",
    "regtrack.cli.documents",
    "regtrack.cli.links",
    "regtrack.cli.diff",
    "regtrack.cli.consolidate",
    "regtrack.cli.notify",
    "regtrack.cli.sources",
    "regtrack.cli.run",
    "regtrack.cli.serve",
    "regtrack.cli.transfer",
    "regtrack.cli.db",
)


@dataclass
class AppContext:
    settings: Settings
    _engine: Engine | None = None

    def engine(self, migrate: bool = True) -> Engine:
        """The database engine, migrated to the newest schema on first use."""
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
            if migrate:
                upgrade(self._engine)
        return self._engine


@app.callback()
def _root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: REGTRACK_DATABASE_URL or var/regtrack.db)."
    ),
) -> None:
    ctx.obj = AppContext(load_settings().with_database(db))


@functools.cache
def _load_commands() -> None:
    """Register every command module once per process (main() may be called many times)."""
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns named errors into one line and exit code 1."""
    _load_commands()
    # psycopg logs "error ignored terminating <Pipeline>" when a connection drops mid-batch; with no
    # handler configured Python prints it to stderr beside our own one-line error. Keep stderr ours.
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    try:
        # Outside standalone mode click returns the code of `raise typer.Exit(code)` instead of exiting.
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # the boundary: every error leaves as one line, never a traceback
        if isinstance(exc, (*errors.USER_ERRORS, SQLAlchemyError)):
            err.print(f"error: {errors.one_line(exc)}", markup=False)
            sys.exit(1)
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("REGTRACK_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {errors.one_line(exc)} (REGTRACK_DEBUG=1 shows the traceback)",
            markup=False,
        )
        sys.exit(2)
