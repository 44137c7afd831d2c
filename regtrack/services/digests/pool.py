"""Sending a large run from several processes: rendering and MIME encoding are Python work that
one interpreter does on one core, so threads could not make a run faster.

Each worker process gets whole groups of rows with the same content (``sender.content_groups``),
so every digest body is still rendered once in all, and sends them with its own database and
SMTP connections through the same claim-then-send state machine as a single sender
(``sender.send_rows``). The pool is started before the run is planned, so the workers import
and connect while the parent plans; then each is sent its rows. A worker dies with its parent
(``PR_SET_PDEATHSIG``, Linux), so killing a run stops all of its sending at once: what was in
flight is found ``sending`` by the next run, as with one process.

Workers are ``python -m regtrack.services.digests.worker`` with the job pickled on stdin and the
report pickled on stdout, not ``multiprocessing``, whose spawn re-runs the caller's main script.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import Engine

from notifications.errors import SendingFailed
from regtrack.services.digests.sender import MailConfig, SendReport, merge_reports

PARALLEL_FROM = 200  # subscribers (or due rows) from which a run is worth starting processes
WORKER_MODULE = "regtrack.services.digests.worker"  # not imported here: ``-m`` must load it first
STOP = pickle.dumps(None)  # instead of the rows: nothing to send


@dataclass(frozen=True)
class Job:
    db_url: str
    mail: MailConfig
    frequency: str
    now: datetime
    delays: tuple[float, ...]
    parent: int


class SenderPool:
    """N worker processes, started at once and set going once the outbox is planned."""

    def __init__(
        self,
        engine: Engine,
        mail: MailConfig,
        frequency: str,
        now: datetime,
        delays: Sequence[float],
        workers: int,
    ) -> None:
        db_url = engine.url.render_as_string(hide_password=False)
        self._workers: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(workers):
                job = Job(db_url, mail, frequency, now, tuple(delays), os.getpid())
                worker = subprocess.Popen(
                    [sys.executable, "-m", WORKER_MODULE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
                )
                self._workers.append(worker)
                _write(worker.stdin, pickle.dumps(job))
        except BaseException:
            self.close()
            raise

    def run(self, report: SendReport, groups: Sequence[Sequence[int]]) -> bool:
        """Send these groups of rows, each group by one worker (the least loaded one, largest
        groups first); False when the mail server stayed unreachable for some worker."""
        shares: list[list[int]] = [[] for _ in self._workers]
        for group in sorted(groups, key=len, reverse=True):
            min(shares, key=len).extend(group)
        for worker, ids in zip(self._workers, shares, strict=True):
            _write(worker.stdin, pickle.dumps(ids))
        parts, reachable, failures = [], True, []
        for k, worker in enumerate(self._workers):
            assert worker.stdout is not None
            try:
                outcome, part, detail = pickle.load(worker.stdout)
            except (EOFError, pickle.UnpicklingError):
                failures.append(f"worker {k} ended without a report (exit code {worker.wait()})")
                continue
            parts.append(part)
            if outcome == "failed":
                failures.append(f"worker {k}: {detail}")
            else:
                reachable = reachable and bool(detail)
        self.close()
        merge_reports(report, parts)
        if failures:
            raise SendingFailed("a digest sender failed: " + "; ".join(failures))
        return reachable

    def close(self) -> None:
        """Stop workers that were never set going, and wait for every worker to end."""
        for worker in self._workers:
            with contextlib.suppress(OSError, ValueError):
                _write(worker.stdin, STOP)
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        for worker in self._workers:
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self._workers = []


def _write(pipe: IO[bytes] | None, data: bytes) -> None:
    assert pipe is not None
    pipe.write(data)
    pipe.flush()
