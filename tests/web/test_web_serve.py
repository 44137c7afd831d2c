"""`regtrack serve` starts uvicorn on the configured database and answers on the given port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_port, wait_until

COMMAND = [sys.executable, "-c", "from regtrack.cli import main; main()"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_command_answers_and_stops(tmp_path: Path, workers: str) -> None:
    port = free_port()
    url = f"sqlite:///{tmp_path / 'fresh.db'}"  # empty: serve migrates it first
    server = subprocess.Popen(
        [*COMMAND, "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", workers],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def answered() -> httpx.Response | None:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            except httpx.HTTPError:
                return None

        # two workers each import the app: slow on a busy machine
        health = wait_until(answered, 90, "regtrack serve to answer", every=0.1)
        assert health.json() == {"status": "ok"}
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.status_code == 200 and "还没有收录任何汇编" in home.text
        assert "default-src 'self'" in home.headers["content-security-policy"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_a_worker_count_below_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    done = subprocess.run([*COMMAND, "--db", url, "serve", "--workers", "0"], capture_output=True, text=True)
    assert done.returncode != 0
    assert "--workers takes a whole number from 1" in done.stderr and "Traceback" not in done.stderr


def test_half_open_connections_are_closed_and_the_site_keeps_answering(tmp_path: Path) -> None:
    """Slowloris: connections that send nothing, or half a request line, are closed once the
    header deadline passes (here 1 s: REGTRACK_HEADER_TIMEOUT_S), while real requests are served."""
    port = free_port()
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = {**os.environ, "REGTRACK_HEADER_TIMEOUT_S": "1"}
    server = subprocess.Popen(
        [*COMMAND, "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        wait_until(lambda: _answers(port), 90, "regtrack serve to answer", every=0.1)
        silent = socket.create_connection(("127.0.0.1", port))
        partial = socket.create_connection(("127.0.0.1", port))
        partial.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the blank line never comes
        for held in (silent, partial):
            held.settimeout(30)
            assert held.recv(1024) == b""  # closed by the server, not by this timeout
            held.close()
        assert _answers(port)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
