"""`regtrack run` without starting anything heavy: the bundled sample source, a busy port."""

from __future__ import annotations

import socket

from regtrack.cli.run import register_samples
from regtrack.settings import load_settings
from storage.db import transaction
from storage.sources import list_sources
from tests.conftest import SAMPLES


def test_the_bundled_sample_feed_is_registered_once(engine):
    settings = load_settings()
    first = register_samples(engine, settings)
    assert register_samples(engine, settings) == first
    with transaction(engine) as session:
        (source,) = list_sources(session)
    assert (source.url, source.kind) == ((SAMPLES / "feed.atom").resolve().as_uri(), "feed")


def test_run_refuses_a_busy_web_port_before_starting_anything(cli, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("--db", f"sqlite:///{tmp_path / 'r.db'}", "run", "--port", str(port))
    assert result.exit_code == 1
    assert f"127.0.0.1:{port} is in use" in result.stderr and "--port" in result.stderr
    assert not (tmp_path / "var" / "prefect").exists()
