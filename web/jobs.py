"""Re-ingest jobs started from the admin page: run in a background thread, state kept in memory.

The job calls what `regtrack reingest` calls (``run_reingest``: a Prefect deployment run when
a server is configured, else the pipeline in this process); its state shows on the admin page
(and as JSON) until the process restarts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from flows.reingest import run_reingest
from regtrack import errors
from regtrack.settings import Settings

_ids = itertools.count(1)

Reingest = Callable[[Engine, Settings, "list[int] | None"], Any]


@dataclass
class Job:
    id: int
    compilation_ids: list[int] | None
    status: str = "running"  # running | done | failed
    started_at: str = field(default_factory=lambda: _now())
    finished_at: str | None = None
    summary: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "compilation_ids": self.compilation_ids,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "summary": self.summary,
        }


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def describe(result: Any) -> str:
    """One line about what a re-ingest returned (a list of outcomes, or a started flow run)."""
    if isinstance(result, list):
        added = sum(getattr(o, "documents_added", 0) for o in result)
        updated = sum(getattr(o, "documents_updated", 0) for o in result)
        return f"{len(result)} 份汇编已重新解析：新增 {added} 份文件，更新 {updated} 份"
    return str(result) if result is not None else "已完成"


class JobBoard:
    """The jobs of this process; at most one re-ingest runs at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[int, Job] = {}

    def running(self) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs.values() if j.status == "running"), None)

    def recent(self, limit: int = 10) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.id, reverse=True)[:limit]

    def get(self, job_id: int) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(
        self, engine: Engine, settings: Settings, compilation_ids: list[int] | None
    ) -> tuple[Job, bool]:
        """Start a re-ingest (or return the one already running); True when a new one started."""
        with self._lock:
            busy = next((j for j in self._jobs.values() if j.status == "running"), None)
            if busy is not None:
                return busy, False
            job = Job(id=next(_ids), compilation_ids=compilation_ids)
            self._jobs[job.id] = job
        run = run_reingest
        thread = threading.Thread(
            target=self._run, args=(job, run, engine, settings), name=f"reingest-{job.id}", daemon=True
        )
        thread.start()
        return job, True

    def _run(self, job: Job, run: Reingest, engine: Engine, settings: Settings) -> None:
        try:
            result = run(engine, settings, job.compilation_ids)
        except Exception as exc:  # a background thread has no caller: the error is the job's state
            status, summary = "failed", errors.one_line(exc)
        else:
            status, summary = "done", describe(result)
        with self._lock:
            job.status, job.summary, job.finished_at = status, summary, _now()
