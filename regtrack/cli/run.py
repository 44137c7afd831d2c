"""`regtrack run`: everything a new user needs, in one command (what `make run` calls).

Migrates the database, follows the bundled sample feed, starts a local Prefect server and
serves the deployments, starts the first poll-and-ingest of the samples through Prefect, and
serves the web UI. Ctrl-C stops it all.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from dataclasses import replace
from typing import Any

import typer
from sqlalchemy import Engine, func, select

from regtrack.cli.output import out
from regtrack.errors import UsageError
from regtrack.settings import Settings
from storage.db import transaction
from storage.models import Compilation, Document
from storage.sources import add_source

SAMPLE_SOURCE_NAME = "bundled samples (data/samples/feed.atom)"


def run_cmd(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address of the web UI."),
    port: int = typer.Option(8000, "--port", help="Port of the web UI."),
    prefect_port: int = typer.Option(4200, "--prefect-port", help="Port of the local Prefect server and UI."),
    no_web: bool = typer.Option(
        False, "--no-web", help="Only Prefect: no web UI (e.g. when it runs elsewhere)."
    ),
) -> None:
    """Start the product: Prefect server, scheduled deployments, first ingest of the samples, web UI."""
    from flows.local import LocalPrefect  # prefect loads only for this command

    # SIGTERM (a service manager, `timeout`, `kill`) stops everything like Ctrl-C does, so the
    # Prefect server and the serving process are never left behind.
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    if not no_web:
        _check_free(host, port, "--port")
    settings: Settings = ctx.obj.settings
    from web.security import admin_token_problem

    if problem := admin_token_problem(settings.admin_token):
        raise UsageError(problem)
    engine = ctx.obj.engine()  # migrates
    source_id = register_samples(engine, settings)
    prefect = LocalPrefect(settings, port=prefect_port)
    try:
        reused = not prefect.start_server()
        out.print(
            f"Prefect server {'already running' if reused else 'healthy'} at {prefect.api_url} "
            f"after {time.monotonic() - started:.1f} s (logs: {prefect.home / 'server.log'})"
        )
        prefect.start_serving()
        run = _first_ingest(prefect.api_url, source_id, started)
        _watch_first_ingest(engine, prefect.api_url, run.id, started)
        _print_urls(host, port, prefect.api_url, run.ui_url)
        if no_web:
            _wait_for_children(prefect)
        else:
            _serve_web(replace(settings, prefect_api_url=prefect.api_url), host, port, prefect)
    except KeyboardInterrupt:
        pass
    finally:
        out.print("stopping the deployments and the Prefect server …")
        prefect.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _check_free(host: str, port: int, option: str) -> None:
    """Fail before starting anything when the web UI's port is taken."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(
                f"{host}:{port} is in use ({exc.strerror}); choose another with {option}"
            ) from exc


def register_samples(engine: Engine, settings: Settings) -> int:
    """Follow the bundled sample feed (idempotent); returns its source id."""
    feed = (settings.samples_dir / "feed.atom").resolve()
    with transaction(engine, write=True) as session:
        source, _created = add_source(session, feed.as_uri(), "feed", SAMPLE_SOURCE_NAME)
        return source.id


def _first_ingest(api_url: str, source_id: int, started: float) -> Any:
    from flows.deployments import FIRST_INGEST
    from flows.trigger import start_deployment, wait_for_deployment

    wait_for_deployment(api_url, FIRST_INGEST, deadline_s=120)
    run = start_deployment(api_url, FIRST_INGEST, {"kinds": None, "digest_frequency": "immediate"})
    out.print(
        f"deployments served; first poll and ingest of the samples (source {source_id}) started "
        f"after {time.monotonic() - started:.1f} s: {run.ui_url}"
    )
    return run


def _watch_first_ingest(engine: Engine, api_url: str, flow_run_id: str, started: float) -> None:
    """Say when the first ingest is done, from a thread (the web UI is already up meanwhile)."""
    from flows.trigger import wait_for_run

    def watch() -> None:
        state = wait_for_run(api_url, flow_run_id, deadline_s=1800)
        with transaction(engine) as session:
            compilations = session.scalar(
                select(func.count(Compilation.id)).where(Compilation.status == "ingested")
            )
            documents = session.scalar(select(func.count(Document.id)).where(Document.placeholder.is_(False)))
        out.print(
            f"first ingest {state} after {time.monotonic() - started:.0f} s: "
            f"{compilations} compilations, {documents} documents stored"
        )

    threading.Thread(target=watch, name="first-ingest-watch", daemon=True).start()


def _print_urls(host: str, port: int, api_url: str, run_url: str) -> None:
    from flows.trigger import ui_url

    out.print(f"\n  regtrack UI:  http://{host}:{port}")
    out.print(f"  Prefect UI:   {ui_url(api_url)}  (deployments, schedules, runs)")
    out.print(f"  first ingest: {run_url}\n  Ctrl-C stops everything.\n")


def _serve_web(settings: Settings, host: str, port: int, prefect: Any) -> None:
    try:
        from web.app import create_app
        from web.serving import UVICORN_OPTIONS
    except ImportError as exc:
        out.print(f"[yellow]the web UI is not available in this version ({exc}); serving Prefect only[/]")
        _wait_for_children(prefect)
        return
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", **UVICORN_OPTIONS)


def _wait_for_children(prefect: Any) -> None:
    """Block until Ctrl-C, or until a child died (then say which)."""
    while len(prefect.alive()) == len(prefect.children):
        time.sleep(1)
    out.print(f"[red]a child process stopped; still running: {prefect.alive() or 'none'}[/]")


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)
