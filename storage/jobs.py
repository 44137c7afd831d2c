"""Jobs started from the web (a re-ingest), in the database so every web worker sees the same
ones: a status poll answered by any worker, ids that never collide, one running job at a time.

A job left ``running`` by a worker that died is given up after ``STALE_AFTER``: it then shows as
failed and no longer blocks a new one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Job

STALE_AFTER = timedelta(hours=6)  # a full re-ingest of years of compilations takes minutes
ABANDONED = "中断：运行它的进程已停止"


def start_job(
    session: Session, kind: str, compilation_ids: list[int] | None, now: datetime
) -> tuple[Job, bool]:
    """A new running job, or the one already running: (job, True when new)."""
    _give_up_stale(session, now)
    job = Job(kind=kind, compilation_ids=compilation_ids, status="running", started_at=now, summary="")
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:  # the partial unique index: another worker's job is running
        running = running_job(session, kind)
        assert running is not None  # the index refused ours because this row exists
        return running, False
    return job, True


def finish_job(session: Session, job_id: int, status: str, summary: str, now: datetime) -> None:
    session.execute(
        update(Job).where(Job.id == job_id).values(status=status, summary=summary, finished_at=now)
    )


def get_job(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def recent_jobs(session: Session, limit: int = 10) -> list[Job]:
    return list(session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def running_job(session: Session, kind: str) -> Job | None:
    return session.scalars(select(Job).where(Job.kind == kind, Job.status == "running")).first()


def _give_up_stale(session: Session, now: datetime) -> None:
    session.execute(
        update(Job)
        .where(Job.status == "running", Job.started_at < now - STALE_AFTER)
        .values(status="failed", summary=ABANDONED, finished_at=now)
    )
