"""Repository for sources (feeds, listing pages, local files) and what polling needs to know.

Functions take a caller-owned Session and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import NotFound, StorageError
from storage.models import Compilation, Source

SOURCE_KINDS = ("feed", "page", "file")


class SourceConflict(StorageError):
    """A source with this URL exists already, with another kind."""


def add_source(session: Session, url: str, kind: str, name: str | None = None) -> tuple[Source, bool]:
    """The source for ``url``, created when new; True when it was created.

    Adding the same URL twice with the same kind is a no-op, so setup scripts can re-run.
    """
    if kind not in SOURCE_KINDS:
        raise StorageError(f"unknown source kind {kind!r}: use one of {', '.join(SOURCE_KINDS)}")
    existing = session.scalars(select(Source).where(Source.url == url)).one_or_none()
    if existing is not None:
        if existing.kind != kind:
            raise SourceConflict(f"source {existing.id} already follows {url} as a {existing.kind}")
        if name and not existing.name:
            existing.name = name
        return existing, False
    source = Source(url=url, kind=kind, name=name, enabled=True)
    session.add(source)
    session.flush()
    return source, True


def list_sources(session: Session, *, enabled_only: bool = False) -> Sequence[Source]:
    stmt = select(Source).order_by(Source.id)
    if enabled_only:
        stmt = stmt.where(Source.enabled.is_(True))
    return session.scalars(stmt).all()


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"no source with id {source_id} (see `regtrack sources`)")
    return source


def record_poll(
    session: Session,
    source_id: int,
    *,
    error: str | None,
    etag: str | None = None,
    last_modified: str | None = None,
    keep_validators: bool = False,
) -> None:
    """Note a poll's outcome; the validators are what the next conditional GET sends."""
    source = get_source(session, source_id)
    source.last_polled_at = dt.datetime.now(dt.UTC)
    source.last_error = error
    if not keep_validators:
        source.etag = etag
        source.last_modified = last_modified


def ingested_origins(session: Session, urls: Sequence[str]) -> set[str]:
    """Which of these URLs were already ingested as compilations (a failed one is tried again)."""
    if not urls:
        return set()
    rows = session.scalars(
        select(Compilation.origin).where(Compilation.origin.in_(list(urls)), Compilation.status == "ingested")
    )
    return set(rows)


def source_stats(session: Session) -> dict[int, int]:
    """{source id: number of ingested compilations from it}."""
    rows = session.execute(
        select(Compilation.source_id, func.count(Compilation.id))
        .where(Compilation.source_id.is_not(None), Compilation.status == "ingested")
        .group_by(Compilation.source_id)
    ).all()
    return {int(sid): int(count) for sid, count in rows if sid is not None}
