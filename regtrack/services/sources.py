"""Application service: poll a source for new compilations and ingest them.

A poll is two steps, so the Prefect flow can retry and report each one on its own:
``discover`` reads the source (conditional GET with the stored ETag/Last-Modified) and lists
the announced compilations not ingested yet; ``fetch_item`` + ``ingest_fetched`` handle one
compilation. ``finish_poll`` stores the validators only when every item went in, so a failed
compilation is tried again on the next poll. ``poll_source`` runs it all in-process (CLI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine

from ingest.announce import COMPILATION_SUFFIXES, AnnouncedItem, links_from_feed, links_from_page
from ingest.errors import FetchError, IngestError
from ingest.fetch import fetch
from regtrack.errors import one_line
from regtrack.services import ingest
from regtrack.settings import Settings
from storage.db import transaction
from storage.sources import get_source, ingested_origins, list_sources, record_poll


@dataclass(frozen=True)
class Discovery:
    """What one read of a source found: the announced compilations not ingested yet."""

    source_id: int
    url: str
    status: str  # changed | not_modified
    local: bool  # a local source may point to local files; a remote one never
    announced: int = 0
    new_items: tuple[AnnouncedItem, ...] = ()
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class ItemReport:
    url: str
    status: str  # ingested | unchanged | failed
    title: str | None = None
    compilation_id: int | None = None
    documents_added: int = 0
    documents_updated: int = 0
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class PollReport:
    source_id: int
    url: str
    status: str  # polled | not_modified | failed
    announced: int = 0
    items: list[ItemReport] = field(default_factory=list)
    error: str | None = None

    @property
    def new_compilation_ids(self) -> list[int]:
        return [i.compilation_id for i in self.items if i.status == "ingested" and i.compilation_id]

    @property
    def failed(self) -> bool:
        return self.status == "failed" or any(i.status == "failed" for i in self.items)

    def as_json(self) -> dict[str, object]:
        return {
            "source_id": self.source_id,
            "url": self.url,
            "status": self.status,
            "announced": self.announced,
            "error": self.error,
            "items": [i.as_json() for i in self.items],
        }


def discover(engine: Engine, settings: Settings, source_id: int) -> Discovery:
    """Read a source and list what it announces that is not ingested yet; errors are recorded."""
    with transaction(engine) as session:
        source = get_source(session, source_id)
        url, kind, etag, last_modified = source.url, source.kind, source.etag, source.last_modified
    try:
        found = _read_source(url, kind, etag, last_modified, settings, source_id)
    except IngestError as exc:
        with transaction(engine, write=True) as session:
            record_poll(session, source_id, error=one_line(exc), keep_validators=True)
        raise
    if found.status == "not_modified":
        with transaction(engine, write=True) as session:
            record_poll(session, source_id, error=None, keep_validators=True)
        return found
    with transaction(engine) as session:
        known = ingested_origins(session, [i.url for i in found.new_items])
    return Discovery(
        source_id,
        url,
        found.status,
        found.local,
        found.announced,
        tuple(i for i in found.new_items if i.url not in known),
        found.etag,
        found.last_modified,
    )


def fetch_item(settings: Settings, url: str, *, local: bool) -> bytes:
    """The bytes of one announced compilation (file URLs only when the source is local)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return ingest.download(url, settings)
    if parts.scheme in ("file", "") and local:
        return ingest.read_file(local_path(url), settings)
    raise FetchError(f"refusing {url}: a {'remote' if not local else 'local'} source cannot point there")


def ingest_fetched(
    engine: Engine, settings: Settings, source_id: int | None, url: str, data: bytes
) -> ItemReport:
    """Ingest one compilation's bytes (a no-op when these bytes were ingested before)."""
    outcome = ingest.ingest_bytes(engine, data, url, settings, source_id=source_id)
    return ItemReport(
        url,
        outcome.status,
        compilation_id=outcome.compilation_id,
        documents_added=outcome.documents_added,
        documents_updated=outcome.documents_updated,
    )


def finish_poll(engine: Engine, discovery: Discovery, items: list[ItemReport]) -> PollReport:
    """Record the poll; keep the old validators when an item failed so it is fetched again."""
    failures = [i for i in items if i.status == "failed"]
    error = f"{len(failures)} of {len(items)} compilations failed: {failures[0].error}" if failures else None
    with transaction(engine, write=True) as session:
        record_poll(
            session,
            discovery.source_id,
            error=error,
            etag=discovery.etag,
            last_modified=discovery.last_modified,
            keep_validators=bool(failures) or discovery.status == "not_modified",
        )
    status = "not_modified" if discovery.status == "not_modified" else "polled"
    return PollReport(discovery.source_id, discovery.url, status, discovery.announced, items, error)


def poll_source(engine: Engine, settings: Settings, source_id: int) -> PollReport:
    """Discover and ingest everything new from one source, in this process."""
    try:
        discovery = discover(engine, settings, source_id)
    except IngestError as exc:
        with transaction(engine) as session:
            url = get_source(session, source_id).url
        return PollReport(source_id, url, "failed", error=one_line(exc))
    items = []
    for item in discovery.new_items:
        try:
            data = fetch_item(settings, item.url, local=discovery.local)
            report = ingest_fetched(engine, settings, source_id, item.url, data)
        except IngestError as exc:
            report = ItemReport(item.url, "failed", error=one_line(exc))
        report.title = item.title
        items.append(report)
    return finish_poll(engine, discovery, items)


def poll_all(engine: Engine, settings: Settings, kinds: list[str] | None = None) -> list[PollReport]:
    """Poll every enabled source (of the given kinds); one failing source does not stop the others."""
    return [poll_source(engine, settings, sid) for sid in enabled_source_ids(engine, kinds)]


def enabled_source_ids(engine: Engine, kinds: list[str] | None = None) -> list[int]:
    with transaction(engine) as session:
        return [s.id for s in list_sources(session, enabled_only=True) if not kinds or s.kind in kinds]


# --- reading a source ----------------------------------------------------------------------


def announced(url: str, kind: str, settings: Settings, source_id: int) -> tuple[AnnouncedItem, ...]:
    """Everything a source announces now, ingested or not (read without validators: in full)."""
    return _read_source(url, kind, None, None, settings, source_id).new_items


def _read_source(
    url: str, kind: str, etag: str | None, last_modified: str | None, settings: Settings, source_id: int
) -> Discovery:
    local = urlsplit(url).scheme not in ("http", "https")
    if kind == "file":
        items = _folder_items(local_path(url), settings)
        return Discovery(source_id, url, "changed", True, len(items), tuple(items))
    if local:
        data, etag, last_modified = ingest.read_file(local_path(url), settings), None, None
        base = local_path(url).resolve().as_uri()
    else:
        result = fetch(
            url,
            etag=etag,
            last_modified=last_modified,
            timeout=settings.fetch_timeout_s,
            max_bytes=settings.max_input_bytes,
            allow_private=settings.allow_private_urls,
        )
        if result.status == "not_modified" or result.data is None:
            return Discovery(source_id, url, "not_modified", False, 0, (), etag, last_modified)
        data, etag, last_modified, base = result.data, result.etag, result.last_modified, result.final_url
    items = links_from_feed(data, base) if kind == "feed" else links_from_page(data, base)
    return Discovery(source_id, url, "changed", local, len(items), tuple(items), etag, last_modified)


def _folder_items(path: Path, settings: Settings) -> list[AnnouncedItem]:
    """A local file, or every compilation file under a folder, as announcements."""
    return [AnnouncedItem(f.resolve().as_uri(), f.name) for f in compilation_files(path, settings)]


def compilation_files(path: Path, settings: Settings) -> list[Path]:
    """A local file, or every compilation file under a folder (sorted, so polls and backfills are
    repeatable); each within the allowed folders."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in COMPILATION_SUFFIXES)
    elif path.exists():
        files = [path]
    else:
        raise FetchError(f"no such file or folder: {path}")
    roots = list(settings.allowed_roots)
    if roots and not all(any(f.resolve().is_relative_to(r) for r in roots) for f in files):
        raise FetchError(f"refusing {path}: it is outside the allowed folders (REGTRACK_ALLOWED_ROOTS)")
    return files


def local_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(f"refusing {url}: file URLs must name this machine")
        return Path(unquote(parts.path))
    return Path(url).expanduser()
