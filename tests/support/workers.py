"""A real Prefect deployment on this machine: the server `regtrack run` starts, a process work pool,
the deployments of prefect.yaml (`prefect deploy --all`) and N `prefect worker start` processes.

Used by tests/flows/test_flows_workers.py and benchmarks/bench_backfill.py. Workers get their
database and mail settings from their environment, as on real worker machines.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from flows.local import LocalPrefect
from regtrack.settings import PROJECT_ROOT, load_settings
from tests.support.net import free_port
from tests.support.processes import descendants

POOL = "regtrack"
# A worker asks for scheduled runs every 10 s by default; a backfill's runs last seconds.
WORKER_QUERY_S = "1"


@dataclasses.dataclass
class Cluster:
    prefect: LocalPrefect
    home: Path
    workers: dict[str, subprocess.Popen[bytes]] = dataclasses.field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return self.prefect.api_url

    def env(self, **regtrack: str) -> dict[str, str]:
        env = self.prefect.env()
        env.pop("REGTRACK_DATABASE_URL", None)
        env.update(
            PREFECT_WORKER_QUERY_SECONDS=WORKER_QUERY_S,
            PREFECT_WORKER_HEARTBEAT_SECONDS="5",
            REGTRACK_HOME=str(PROJECT_ROOT),
            REGTRACK_VAR_DIR=str(self.home / "var"),
            **regtrack,
        )
        return env

    def prefect_cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "prefect", "--no-prompt", *args],
            cwd=PROJECT_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"prefect {' '.join(args)}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        return done.stdout

    def deploy(self) -> str:
        """The work pool and every deployment of prefect.yaml, as docs/SCALING.md tells an operator."""
        self.prefect_cli("work-pool", "create", POOL, "--type", "process", "--overwrite")
        return self.prefect_cli("deploy", "--all")

    def start_worker(self, name: str, limit: int, **regtrack: str) -> None:
        log = (self.home / f"worker-{name}.log").open("ab")
        self.workers[name] = subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--name", name]
            + ["--limit", str(limit)],
            cwd=PROJECT_ROOT,
            env=self.env(**regtrack),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    def kill_worker(self, name: str) -> list[int]:
        """SIGKILL a worker and every process under it (its flow runs run in sessions of their own):
        what losing the machine does. The pids killed."""
        proc = self.workers.pop(name)
        pids = [proc.pid, *descendants(proc.pid)]
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return pids

    def worker_of(self, pid: int) -> str | None:
        """The worker a process (a flow run's) descends from."""
        for name, proc in self.workers.items():
            if pid in descendants(proc.pid):
                return name
        return None

    def stop_workers(self) -> None:
        for name in list(self.workers):
            proc = self.workers.pop(name)
            for pid in [*descendants(proc.pid), proc.pid]:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def prefect_cluster(home: Path, server_database: str | None = None) -> Iterator[Cluster]:
    """A Prefect server of our own with the deployments applied. Its database is SQLite under
    ``home`` unless ``server_database`` (postgresql+asyncpg://…) is given: with several workers
    SQLite's single writer makes the server log "database is locked" (docs/SCALING.md)."""
    settings = dataclasses.replace(load_settings(), var_dir=home / "var")
    extra = {"PREFECT_API_DATABASE_CONNECTION_URL": server_database} if server_database else {}
    prefect = LocalPrefect(settings, port=free_port(), extra_env=extra)
    cluster = Cluster(prefect, home)
    try:
        prefect.start_server()
        cluster.deploy()
        yield cluster
    finally:
        cluster.stop_workers()
        prefect.stop()
