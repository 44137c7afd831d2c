"""Prefect tasks: each is one call of an application service (regtrack.services.sources, regtrack.services.ingest …).

Retries only where I/O can fail (reading a source, downloading a compilation, sending mail).
Ingesting is cached by the content hash of the bytes (and parser version, within a flow run), so a
retried flow run does not parse the same compilation twice. Modules that other stages provide
(linking, diffing, digests) are imported inside their task: a missing one fails only that task.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from sqlalchemy import select

from flows.runtime import runtime
from ingest.errors import FetchError
from regtrack.services import ingest, sources
from storage.db import transaction
from storage.models import Compilation, Source

# Programming errors (a missing module, a bad call) fail at once: waiting will not fix them.
_BUGS = (ImportError, NameError, TypeError, AttributeError, AssertionError)


def _exception(state: Any) -> BaseException | None:
    return state.data if isinstance(state.data, BaseException) else None


def retry_download(_task: Any, _run: Any, state: Any) -> bool:
    """Retry what the network may fix (timeouts, refused connections, HTTP errors), not bad content."""
    return isinstance(_exception(state), FetchError | OSError)


def retry_unless_bug(_task: Any, _run: Any, state: Any) -> bool:
    return not isinstance(_exception(state), _BUGS)


@task(name="list-sources", cache_policy=NO_CACHE)
def enabled_sources(kinds: list[str] | None = None) -> list[tuple[int, str]]:
    engine, _ = runtime()
    with transaction(engine) as session:
        rows = session.execute(select(Source.id, Source.url, Source.kind).where(Source.enabled.is_(True)))
        return [(sid, url) for sid, url, kind in rows if not kinds or kind in kinds]


@task(
    name="discover-new-compilations",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_download,
    cache_policy=NO_CACHE,
)
def discover_source(source_id: int) -> sources.Discovery:
    engine, settings = runtime()
    return sources.discover(engine, settings, source_id)


@task(
    name="fetch-compilation",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_download,
    cache_policy=NO_CACHE,
)
def fetch_compilation(url: str, local: bool) -> bytes:
    _, settings = runtime()
    return sources.fetch_item(settings, url, local=local)


def content_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Same bytes and parser within one flow run (and its retries): the ingest is already done.

    Scoped to the flow run because the result describes database rows: a cache shared across
    runs would answer "ingested" for a database that was reset since.
    """
    content = hashlib.sha256(parameters["data"]).hexdigest()
    return f"ingest-{content}-p{ingest.PARSER_VERSION}-run-{context.task_run.flow_run_id}"


@task(
    name="ingest-compilation",
    cache_key_fn=content_cache_key,
    cache_expiration=dt.timedelta(days=1),
)
def ingest_compilation(source_id: int | None, url: str, data: bytes) -> sources.ItemReport:
    engine, settings = runtime()
    return sources.ingest_fetched(engine, settings, source_id, url, data)


@task(name="record-poll", cache_policy=NO_CACHE)
def record_poll(discovery: sources.Discovery, items: list[sources.ItemReport]) -> sources.PollReport:
    engine, _ = runtime()
    return sources.finish_poll(engine, discovery, items)


@task(name="compilation-ids", cache_policy=NO_CACHE)
def all_compilation_ids() -> list[int]:
    engine, _ = runtime()
    with transaction(engine) as session:
        return list(session.scalars(select(Compilation.id).order_by(Compilation.id)))


@task(name="reparse-compilation", cache_policy=NO_CACHE)
def reparse_compilation(compilation_id: int) -> dict[str, object]:
    engine, settings = runtime()
    return ingest.reingest(engine, settings, [compilation_id])[0].as_json()


@task(name="relink", cache_policy=NO_CACHE)
def relink() -> object:
    from regtrack.services.ingest import relink_all  # the lead's linking entry point

    engine, settings = runtime()
    return relink_all(engine, settings)


@task(name="compute-diffs", cache_policy=NO_CACHE)
def compute_diffs() -> object:
    from regtrack.services.ingest import compute_diffs as compute

    engine, settings = runtime()
    return compute(engine, settings)


@task(
    name="send-due-digests",
    retries=2,
    retry_delay_seconds=[10, 60],
    retry_condition_fn=retry_unless_bug,
    cache_policy=NO_CACHE,
)
def send_due_digests(frequency: str) -> object:
    from regtrack.services.digests import send_due  # the notifications stage's entry point

    engine, settings = runtime()
    return send_due(engine, settings, frequency)
