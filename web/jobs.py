"""Re-ingest jobs started from the admin page: run in a background thread of the worker that
took the request, state kept in the database (``storage.jobs``) so that every web worker shows
the same jobs, ids never collide, and one re-ingest runs at a time across workers.

The job calls what `regtrack reingest` calls (``run_reingest``: a Prefect deployment run when
a server is configured, else the pipeline in this process).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from flows.reingest import run_reingest
from regtrack import errors
from regtrack.settings import Settings
from storage import jobs as stored
from storage.db import transaction
from storage.models import Job as JobRow

KIND = "reingest"

Reingest = Callable[[Engine, Settings, "list[int] | None"], Any]


@dataclass(frozen=True)
class Job:
    id: int
    compilation_ids: list[int] | None
    status: str  # running | done | failed
    started_at: str
    finished_at: str | None
    summary: str

    @classmethod
    def of(cls, row: JobRow) -> Job:
        return cls(
            row.id,
            row.compilation_ids,
            row.status,
            _iso(row.started_at) or "",
            _iso(row.finished_at),
            row.summary,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "compilation_ids": self.compilation_ids,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "summary": self.summary,
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def describe(result: Any) -> str:
    """One line about what a re-ingest returned (a list of outcomes, or a started flow run)."""
    if isinstance(result, list):
        added = sum(getattr(o, "documents_added", 0) for o in result)
        updated = sum(getattr(o, "documents_updated", 0) for o in result)
        return f"{len(result)} 份汇编已重新解析：新增 {added} 份文件，更新 {updated} 份"
    return str(result) if result is not None else "已完成"


class JobBoard:
    """The re-ingest jobs of every worker on this database; at most one runs at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def recent(self, limit: int = 10) -> list[Job]:
        with transaction(self.engine) as session:
            return [Job.of(row) for row in stored.recent_jobs(session, limit)]

    def get(self, job_id: int) -> Job | None:
        with transaction(self.engine) as session:
            row = stored.get_job(session, job_id)
            return Job.of(row) if row else None

    def start(self, settings: Settings, compilation_ids: list[int] | None) -> tuple[Job, bool]:
        """Start a re-ingest (or return the one already running); True when a new one started."""
        with transaction(self.engine, write=True) as session:
            row, started = stored.start_job(session, KIND, compilation_ids, _now())
            session.flush()
            job = Job.of(row)
        if started:
            thread = threading.Thread(
                target=self._run,
                args=(job, run_reingest, self.engine, settings),
                name=f"reingest-{job.id}",
                daemon=True,
            )
            thread.start()
        return job, started

    def _run(self, job: Job, run: Reingest, engine: Engine, settings: Settings) -> None:
        try:
            result = run(engine, settings, job.compilation_ids)
        except Exception as exc:  # a background thread has no caller: the error is the job's state
            status, summary = "failed", errors.one_line(exc)
        else:
            status, summary = "done", describe(result)
        with transaction(self.engine, write=True) as session:
            stored.finish_job(session, job.id, status, summary, _now())
