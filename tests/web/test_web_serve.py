"""`regtrack serve` starts uvicorn on the configured database and answers on the given port."""

from __future__ import annotations

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
