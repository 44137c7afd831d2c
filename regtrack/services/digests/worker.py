"""A digest-sending worker process (see ``pool``): ``python -m regtrack.services.digests.worker``."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
from typing import IO, Any

from regtrack.services.digests.pool import Job
from regtrack.services.digests.sender import SendReport

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _work(job: Job, commands: IO[bytes]) -> tuple[str, SendReport, Any]:
    from notifications.catalog import Catalog
    from regtrack.services.digests.sender import send_rows
    from storage.db import make_engine

    engine = make_engine(job.db_url)
    report = SendReport(job.frequency)
    try:
        ids = pickle.load(commands)
        if ids is None:
            return "stopped", report, True
        reachable = send_rows(engine, job.mail, Catalog(), job.now, report, job.delays, ids)
        return "done", report, reachable
    except Exception as exc:  # reported to the parent, which raises it
        return "failed", report, f"{type(exc).__name__}: {exc}"
    finally:
        engine.dispose()


def main() -> None:
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the report
    job: Job = pickle.load(sys.stdin.buffer)
    _die_with_parent(job.parent)
    pickle.dump(_work(job, sys.stdin.buffer), results)
    results.flush()


if __name__ == "__main__":
    main()
