"""`regtrack serve`: the web UI and JSON API (uvicorn), on the configured database."""

from __future__ import annotations

import typer

from regtrack.output import out


def serve_cmd(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the web UI and the JSON API (migrates the database first)."""
    import uvicorn

    from web.app import create_app  # fastapi loads only for this command

    ctx.obj.engine()  # migrates to the newest schema before the first request
    app = create_app(ctx.obj.settings)
    out.print(f"regtrack web UI at http://{host}:{port} (OpenAPI: /openapi.json); Ctrl-C stops it")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
