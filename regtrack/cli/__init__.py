"""`regtrack` command line: a thin layer over the stages. Errors end as one line on stderr."""

from __future__ import annotations

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

# Command modules; each defines `register(app)`. Order is the order of `regtrack --help`. A command
# named on the command line loads its own module alone: a read command does not pay for ingest's
# PDF reader, the notification stack or Prefect (benchmarks/bench_cli.py).
COMMAND_MODULES = {
    "regtrack.cli.ingest": ("ingest", "backfill"),
    "regtrack.cli.documents": ("documents", "show"),
    "regtrack.cli.links": ("relations", "chain", "impact"),
    "regtrack.cli.diff": ("diff",),
    "regtrack.cli.consolidate": ("consolidate",),
    "regtrack.cli.notify": ("subscribe", "subscriptions", "unsubscribe", "confirm", "digest"),
    "regtrack.cli.sources": ("sources", "reingest"),
    "regtrack.cli.run": ("run",),
    "regtrack.cli.serve": ("serve",),
    "regtrack.cli.transfer": ("export", "import"),
    "regtrack.cli.db": ("db",),
}


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


_loaded: set[str] = set()
_ORDER = [name for names in COMMAND_MODULES.values() for name in names]


def _command_word(argv: list[str]) -> str | None:
    """The command ``argv`` names: its first word that is neither an option nor --db's value."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _load_commands(argv: list[str] | None = None) -> None:
    """Register the module of the command ``argv`` names, or every module (help, an unknown word).

    Each module is registered once per process (main() may be called many times); `regtrack --help`
    lists the commands in COMMAND_MODULES' order whatever was loaded first.
    """
    word = _command_word(argv) if argv is not None else None
    wanted = [m for m, names in COMMAND_MODULES.items() if word in names] or list(COMMAND_MODULES)
    for name in wanted:
        if name not in _loaded:
            importlib.import_module(name).register(app)
            _loaded.add(name)
    rank = {name: i for i, name in enumerate(_ORDER)}
    app.registered_commands.sort(key=lambda c: rank.get(c.name or "", len(rank)))
    app.registered_groups.sort(key=lambda g: rank.get(g.name or "", len(rank)))


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns named errors into one line and exit code 1."""
    _load_commands(sys.argv[1:] if argv is None else argv)
    # psycopg logs "error ignored terminating <Pipeline>" when a connection drops mid-batch; with no
    # handler configured Python prints it to stderr beside our own one-line error. Keep stderr ours.
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    try:
        # Outside standalone mode click returns the code of `raise typer.Exit(code)` instead of exiting.
        code = app(args=argv, standalone_mode=False, prog_name="regtrack")
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

        # typer ≥ 0.20 raises its own copy of click's usage errors (typer._click), under TyperException.
        if isinstance(exc, (click.ClickException, typer.TyperException)) and hasattr(exc, "show"):
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        if os.environ.get("REGTRACK_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {errors.one_line(exc)} (REGTRACK_DEBUG=1 shows the traceback)",
            markup=False,
        )
        sys.exit(2)
