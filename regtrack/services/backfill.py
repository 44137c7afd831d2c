"""Backfill: ingest a back catalogue of compilations, then relink, diff and notify once.

A ten-year history of monthly compilations is hundreds of inputs. ``expand`` turns what a person
names (files, folders, http(s) URLs, registered sources) into one location per compilation;
each is ingested on its own (``ingest_one``: a no-op for bytes already ingested), either here one
after the other (``run_here``) or as one Prefect flow run each over a work pool
(flows/backfill.py). ``finish`` runs once at the end: relinking makes the links what a serial
ingest of the same files stores, whatever order the compilations went in
(tests/services/test_link_order.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine

from ingest.announce import COMPILATION_SUFFIXES
from ingest.errors import IngestError
from notifications.model import FREQUENCIES
from regtrack.errors import UsageError, one_line
from regtrack.services import ingest, sources
from regtrack.settings import Settings
from storage.db import transaction
from storage.sources import get_source


def expand(
    engine: Engine, settings: Settings, refs: Sequence[str], source_ids: Sequence[int] = ()
) -> list[str]:
    """One location per compilation, in the order given, each once: a file as itself, a folder's
    compilation files sorted by path, an http(s) URL as given, and every compilation a registered
    source lists now (its announcements are read again in full, not only the new ones)."""
    found: list[str] = []
    for ref in refs:
        if ref.startswith(("http://", "https://")):
            found.append(ref)
        elif "://" in ref:
            raise UsageError(f"unsupported URL scheme in {ref!r}: use a path or http(s)://")
        else:
            found += _local(Path(ref).expanduser(), settings)
    for source_id in source_ids:
        found += listed(engine, settings, source_id)
    if not found:
        raise UsageError("nothing to backfill: give files, folders, URLs or --source ids")
    return list(dict.fromkeys(found))


def _local(path: Path, settings: Settings) -> list[str]:
    files = sources.compilation_files(path, settings)  # the listing a folder source polls
    if not files:
        raise UsageError(f"{path}: no compilation files ({', '.join(COMPILATION_SUFFIXES)}) in this folder")
    return [str(p.resolve()) for p in files]


def listed(engine: Engine, settings: Settings, source_id: int) -> list[str]:
    """Every compilation a source announces now, as locations ``ingest_one`` reads."""
    with transaction(engine) as session:
        source = get_source(session, source_id)
        url, kind = source.url, source.kind
    try:
        items = sources.announced(url, kind, settings, source_id)
    except IngestError as exc:
        raise UsageError(f"source {source_id} ({url}): {one_line(exc)}") from exc
    return [_location(item.url) for item in items]


def _location(url: str) -> str:
    """A file URL of a local source as its path (what ``ingest.read_input`` reads); others as given."""
    return str(sources.local_path(url)) if urlsplit(url).scheme == "file" else url


def digest_frequency(value: str | None) -> str | None:
    """The digests a backfill sends at its end: None for none ("none" or nothing), else a known
    frequency; anything else is refused before a single compilation is read."""
    if not value or value == "none":
        return None
    if value not in FREQUENCIES:
        raise UsageError(f"--digest takes one of {', '.join(FREQUENCIES)} or none, not {value!r}")
    return value


def ingest_one(engine: Engine, settings: Settings, location: str) -> ingest.IngestOutcome:
    """Read and ingest one compilation; a bad input is a ``failed`` outcome, not an exception."""
    return ingest.ingest_ref(engine, location, settings)


@dataclass
class BackfillReport:
    compilations: list[dict[str, object]] = field(default_factory=list)  # one per location, in order
    steps: dict[str, object] = field(default_factory=dict)  # what ``finish`` did

    @property
    def failed(self) -> list[dict[str, object]]:
        return [c for c in self.compilations if c["status"] == "failed"]

    def as_json(self) -> dict[str, object]:
        return {"compilations": self.compilations, "steps": self.steps, "failed": len(self.failed)}


def finish(engine: Engine, settings: Settings, digest_frequency: str | None) -> dict[str, object]:
    """Relink everything, store the missing diffs, send the digests now due (once per backfill)."""
    steps: dict[str, object] = {
        "relink": ingest.relink_all(engine, settings),
        "diffs": ingest.compute_diffs(engine, settings),
    }
    if digest_frequency:
        from regtrack.services import digests  # the notification stack loads only when digests go out

        steps["digests"] = dataclasses.asdict(digests.send_due(engine, settings, digest_frequency))
    return steps


def run_here(
    engine: Engine,
    settings: Settings,
    locations: Sequence[str],
    digest_frequency: str | None,
    on_done: Callable[[ingest.IngestOutcome], None] = lambda _: None,
) -> BackfillReport:
    """The whole backfill in this process, one compilation after the other."""
    report = BackfillReport()
    for location in locations:
        outcome = ingest_one(engine, settings, location)
        report.compilations.append(outcome.as_json())
        on_done(outcome)
    report.steps = finish(engine, settings, digest_frequency)
    return report
