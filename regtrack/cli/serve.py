"""`regtrack serve`: the web UI and JSON API (uvicorn), on the configured database."""

from __future__ import annotations

import os

import typer

from regtrack.cli.output import out
from regtrack.errors import UsageError


def serve_cmd(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int | None = typer.Option(
        None, "--workers", help="Worker processes (default REGTRACK_WEB_WORKERS, else 1); one per core."
    ),
) -> None:
    """Serve the web UI and the JSON API (migrates the database first)."""
    import uvicorn

    from web.app import create_app  # fastapi loads only for this command
    from web.security import admin_token_problem
    from web.serving import UVICORN_OPTIONS

    settings = ctx.obj.settings
    if problem := admin_token_problem(settings.admin_token):
        raise UsageError(problem)
    count = settings.web_workers if workers is None else workers
    if count < 1:
        raise UsageError(f"--workers takes a whole number from 1, not {count}")
    ctx.obj.engine()  # migrates to the newest schema before the first request
    out.print(f"regtrack web UI at http://{host}:{port} (OpenAPI: /openapi.json); Ctrl-C stops it")
    if count == 1:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=True,
            **UVICORN_OPTIONS,
        )
        return
    # Each worker process builds its app from the environment: hand it the database chosen here.
    os.environ["REGTRACK_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        workers=count,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,
        **UVICORN_OPTIONS,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
