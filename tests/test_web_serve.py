"""`regtrack serve` starts uvicorn on the configured database and answers on the given port."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.browser.fixtures import free_port


def test_serve_command_answers_and_stops(tmp_path: Path) -> None:
    port = free_port()
    url = f"sqlite:///{tmp_path / 'fresh.db'}"  # empty: serve migrates it first
    command = [sys.executable, "-c", "from regtrack.cli import main; main()", "--db", url]
    server = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "regtrack serve did not answer within 30 s"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.status_code == 200 and "还没有收录任何汇编" in home.text
        assert "default-src 'self'" in home.headers["content-security-policy"]
    finally:
        server.terminate()
        server.wait(timeout=10)
