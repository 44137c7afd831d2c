"""A local Prefect server and the process that serves our deployments, as child processes.

Used by `regtrack run`. The server keeps its database and logs under var/prefect (PREFECT_HOME),
with analytics off; both children get their own process group, so Ctrl-C reaches only us and
we stop them in order (deployments first, then the server).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from flows.crashes import HEARTBEAT_ENV
from regtrack.errors import UsageError
from regtrack.settings import PROJECT_ROOT, Settings

HEALTH_DEADLINE_S = 180.0  # a cold first start migrates Prefect's own database


@dataclass
class LocalPrefect:
    settings: Settings
    host: str = "127.0.0.1"
    port: int = 4200
    children: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. the server's own database URL

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    @property
    def home(self) -> Path:
        return self.settings.var_dir / "prefect"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PREFECT_HOME=str(self.home),
            PREFECT_API_URL=self.api_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            DO_NOT_TRACK="1",
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
            # serve looks for runs to start every 10 s by default: a new user should not wait.
            PREFECT_RUNNER_POLL_FREQUENCY="3",
            # The flows read the same database as this process, wherever --db pointed it.
            REGTRACK_DATABASE_URL=self.settings.database_url,
            REGTRACK_VAR_DIR=str(self.settings.var_dir),
            # served runs send heartbeats like the deployments' runs on workers (flows/crashes.py)
            **HEARTBEAT_ENV,
        )
        env.update(self.extra_env)
        return env

    def start_server(self) -> bool:
        """Start `prefect server start` unless one already answers here; True when we started it."""
        if healthy(self.api_url):
            return False
        self.home.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        self._spawn("prefect server", command, self.home / "server.log")
        wait_healthy(self.api_url, HEALTH_DEADLINE_S, self.children[-1][1])
        return True

    def start_serving(self) -> None:
        """Serve the deployments (flows/deployments.py) from a child process."""
        self._spawn("prefect serve", [sys.executable, "-m", "flows.deployments"], self.home / "serve.log")

    def _spawn(self, name: str, command: list[str], log: Path) -> None:
        with log.open("ab") as handle:
            proc = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=self.env(),
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.children.append((name, proc))

    def alive(self) -> list[str]:
        return [name for name, proc in self.children if proc.poll() is None]

    def stop(self, grace_s: float = 15.0) -> None:
        """Stop our children, newest first: SIGTERM, then SIGKILL after the grace period."""
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=grace_s)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.children.clear()


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def wait_healthy(api_url: str, deadline_s: float, proc: subprocess.Popen[bytes] | None = None) -> float:
    """Seconds until the server's health endpoint answered; an error past the deadline or if it died."""
    start = time.monotonic()
    while not healthy(api_url):
        if proc is not None and proc.poll() is not None:
            raise UsageError(
                f"the Prefect server exited with code {proc.returncode}: see var/prefect/server.log"
            )
        if time.monotonic() - start > deadline_s:
            raise UsageError(f"the Prefect server at {api_url} was not healthy within {deadline_s:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - start
