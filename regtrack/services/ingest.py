"""Application services: one ingest = store raw bytes, parse, store, link, diff — in one transaction.

The CLI, the web app and the Prefect tasks all call these functions; none of them holds
business logic of its own. Each call owns its transactions.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ingest.decode import DecodedText, decode
from ingest.errors import DecodeError, IngestError
from ingest.fetch import fetch, read_local
from ingest.model import ParsedCompilation
from ingest.naming import display_name
from ingest.normalize import clean_lines
from ingest.notices import Notice
from ingest.parse import PARSER_VERSION, parse_text
from regtrack.errors import UsageError, one_line
from regtrack.services import consolidation, diffs, verification
from regtrack.services.linking import link
from regtrack.settings import Settings
from storage.db import insert_for, lost_race, transaction
from storage.documents import UNREADABLE, StoreResult, put_blob, sha256, store_parsed
from storage.errors import StorageError
from storage.models import Blob, Compilation, DocumentVersion

# What one bad input can raise without the others being affected (a database failure is not one).
INPUT_ERRORS = (IngestError, StorageError, UsageError)
STORE_ATTEMPTS = 5  # a compilation's transaction runs again when it lost a race (storage.db.lost_race)


@dataclass
class IngestOutcome:
    compilation_id: int | None  # None when the input could not even be read
    sha256: str | None
    source: str
    status: str  # ingested | unchanged | failed
    documents_added: int = 0
    documents_updated: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    name: str | None = None  # what people call it (ingest.naming), when this run parsed it

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.compilation_id,
            "sha256": self.sha256,
            "source": self.source,
            "status": self.status,
            "documents_added": self.documents_added,
            "documents_updated": self.documents_updated,
            "warnings": self.warnings,
            "error": self.error,
            "name": self.name,
        }


def read_input(ref: str, settings: Settings) -> bytes:
    """The raw bytes behind a path or an http(s) URL, within the size cap and allowed places."""
    if ref.startswith(("http://", "https://")):
        return download(ref, settings)
    if "://" in ref:
        raise IngestError(f"unsupported URL scheme in {ref!r}: use a path or http(s)://")
    return read_file(Path(ref), settings)


def download(url: str, settings: Settings) -> bytes:
    """The body at an http(s) URL, within the size cap, the timeout and the private-address rule."""
    result = fetch(
        url,
        timeout=settings.fetch_timeout_s,
        max_bytes=settings.max_input_bytes,
        allow_private=settings.allow_private_urls,
    )
    assert result.data is not None  # no validators were sent, so never "not modified"
    return result.data


def read_file(path: Path, settings: Settings) -> bytes:
    """A local file's bytes, within the size cap and the allowed folders (REGTRACK_ALLOWED_ROOTS)."""
    return read_local(
        path, allowed_roots=list(settings.allowed_roots) or None, max_bytes=settings.max_input_bytes
    )


def ingest_bytes(
    engine: Engine,
    data: bytes,
    origin: str,
    settings: Settings,
    *,
    source_id: int | None = None,
    force: bool = False,
) -> IngestOutcome:
    """Ingest one input. Raw bytes are kept first; the parse is stored all-or-nothing."""
    if not data.strip():
        raise DecodeError(f"{origin}: empty file")
    if len(data) > settings.max_input_bytes:
        raise DecodeError(
            f"{origin}: {len(data) / 1e6:.0f} MB, over the {settings.max_input_mb} MB cap (REGTRACK_MAX_INPUT_MB)"
        )
    already = _ingested_compilation(engine, sha256(data))
    if already is not None and not force:
        return IngestOutcome(already, sha256(data), origin, "unchanged")
    # Bytes that are not a document at all (binary, corrupt PDF, wrong encoding) leave no trace;
    # bytes that decode but fail to parse are kept with the error only when a source brought them
    # (``_record_failure``).
    decoded = decode(data, filename=origin, max_bytes=settings.max_input_bytes)
    compilation_id, digest, done = _register(engine, data, origin, source_id)
    if done and not force:
        return IngestOutcome(compilation_id, digest, origin, "unchanged")
    try:
        return _parse_and_store(engine, compilation_id, decoded, origin, force)
    except (IngestError, IntegrityError) as exc:
        _record_failure(engine, compilation_id, exc)
        raise


def _ingested_compilation(engine: Engine, digest: str) -> int | None:
    with transaction(engine) as session:
        return session.scalars(
            select(Compilation.id).where(
                Compilation.sha256 == digest,
                Compilation.status == "ingested",
                Compilation.parser_version == PARSER_VERSION,
            )
        ).first()


def _register(engine: Engine, data: bytes, origin: str, source_id: int | None) -> tuple[int, str, bool]:
    """Store the raw bytes and the compilation row; True when this parser already ingested them."""
    with transaction(engine, write=True) as session:
        digest = put_blob(session, data)
        # Insert-or-nothing: two workers registering the same new bytes at once both go on.
        insert = insert_for(session)
        session.execute(
            insert(Compilation)
            .values(sha256=digest, origin=origin, source_id=source_id, status="pending", parse_report={})
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        comp = session.scalars(select(Compilation).where(Compilation.sha256 == digest)).one()
        return comp.id, digest, comp.status == "ingested" and comp.parser_version == PARSER_VERSION


def _parse_and_store(
    engine: Engine, compilation_id: int, decoded: DecodedText, origin: str, force: bool
) -> IngestOutcome:
    parsed = parse_text(decoded.text, encoding=decoded.encoding)
    for attempt in range(STORE_ATTEMPTS):
        try:
            with transaction(engine, write=True) as session:
                comp = session.scalars(
                    select(Compilation).where(Compilation.id == compilation_id).with_for_update()
                ).one()
                current = comp.status == "ingested" and comp.parser_version == PARSER_VERSION
                if current and not force:  # another worker finished it meanwhile
                    return IngestOutcome(comp.id, comp.sha256, origin, "unchanged")
                stored = store_parsed(session, comp, parsed, PARSER_VERSION)
                warnings = [*parsed.warnings, *_damage_warnings(decoded.text, stored)]
                warnings += _link_and_diff(session, comp, stored, decoded.text)
                name = display_name(parsed, decoded.text)
                _record_success(comp, decoded.media, decoded.encoding, parsed, name, stored, warnings, force)
                english = [w.english() for w in warnings]
                return IngestOutcome(
                    comp.id, comp.sha256, origin, "ingested", stored.added, stored.updated, english,
                    name=name,
                )  # fmt: skip
        except DBAPIError as exc:
            # A concurrent worker stored the same documents first, or locked the same rows in
            # another order (a backfill over several workers): run again on top of its work,
            # after a random pause so that the two do not meet again at once.
            if not lost_race(exc) or attempt == STORE_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.05, 0.4) * (attempt + 1))
    raise AssertionError("unreachable")


def _damage_warnings(text: str, stored: StoreResult) -> list[Notice]:
    """Lines with unreadable characters (a block pasted in another encoding), and the stored
    documents whose version stays current because their text here is one of them."""
    lines = [n for n, line in enumerate(text.split("\n"), 1) if UNREADABLE in line]
    if not lines:
        return []
    out = [Notice("unreadable_lines", {"lines": lines[:10], "lines_total": len(lines)}, lines[0])]
    out += [
        Notice("damaged_text_kept", {"title": title, "document": doc_id})
        for doc_id, title in stored.kept_damaged
    ]
    return out


def _link_and_diff(session: Session, comp: Compilation, stored: StoreResult, text: str) -> list[Notice]:
    """Linking and diffing of what this compilation added or changed, in the ingest transaction;
    then an official text checked against the text derived before it, and the documents its
    decisions amend consolidated."""
    link.record_new_documents(session, stored.added_ids, comp.id)
    link.link_documents(session, stored.document_ids, {comp.id: text.split("\n")})
    diffs.diffs_for_new_versions(session, stored.new_versions)
    diffs.diffs_for_relations(session, stored.document_ids)
    warnings = verification.check_new_versions(session, stored.new_versions)
    warnings += consolidation.after_ingest(session, stored.document_ids, comp.id)
    return warnings


def _record_success(
    comp: Compilation,
    media: str,
    encoding: str,
    parsed: ParsedCompilation,
    name: str | None,
    stored: StoreResult,
    warnings: list[Notice],
    force: bool,
) -> None:
    previous = dict(comp.parse_report or {})
    report: dict[str, object] = {
        "documents": len(stored.document_ids),
        "added": stored.added,
        "updated": stored.updated,
        "unchanged": stored.unchanged,
        "notices": [w.as_json() for w in warnings],
        "parser_version": PARSER_VERSION,
        "display_name": name,
    }
    if force and previous:
        history = list(previous.get("reparses", []))  # type: ignore[call-overload]
        history.append({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **report})
        report["reparses"] = history
    comp.parse_report = report
    comp.media = media
    comp.encoding = encoding
    comp.kind = parsed.kind
    comp.title = parsed.title
    comp.status = "ingested"
    comp.error = None
    comp.parser_version = PARSER_VERSION
    comp.ingested_at = dt.datetime.now(dt.UTC)
    comp.documents_added = stored.added
    comp.documents_updated = stored.updated


def _record_failure(engine: Engine, compilation_id: int, exc: BaseException) -> None:
    """A compilation that never parsed: kept as ``failed`` with its bytes when a followed source
    brought it (its feed may not list it again, and a parser fix can re-run it); dropped when it was
    given by hand, whose giver holds the file and has the error, so junk leaves nothing stored."""
    with transaction(engine, write=True) as session:
        comp = session.get(Compilation, compilation_id)
        if comp is None or comp.status == "ingested":
            return
        if comp.source_id is None:
            blob = session.get(Blob, comp.sha256)
            session.delete(comp)
            session.flush()
            if blob is not None:
                session.delete(blob)
            return
        comp.status = "failed"
        comp.error = one_line(exc)


def stored_bytes(session: Session, compilation_id: int) -> tuple[bytes, str]:
    comp = session.get(Compilation, compilation_id)
    if comp is None:
        raise IngestError(f"no compilation with id {compilation_id}")
    blob = session.get(Blob, comp.sha256)
    assert blob is not None  # blobs.sha256 is a foreign key of compilations
    return blob.data, comp.origin


def compilation_lines(session: Session, compilation_id: int) -> list[str]:
    """The lines of a stored compilation as decoded from its raw bytes: the notices' line N is
    item N - 1 (``ingest.normalize.clean_lines``)."""
    data, origin = stored_bytes(session, compilation_id)
    return clean_lines(decode(data, filename=Path(origin).name).text)


def ingest_ref(engine: Engine, ref: str, settings: Settings, *, force: bool = False) -> IngestOutcome:
    """Read and ingest one path or URL; a bad input becomes a ``failed`` outcome, not an exception,
    so one bad file among many neither hides the others' results nor stops them."""
    try:
        return ingest_bytes(engine, read_input(ref, settings), ref, settings, force=force)
    except INPUT_ERRORS as exc:
        return _failed(ref, exc)


def reingest(
    engine: Engine, settings: Settings, compilation_ids: list[int] | None = None
) -> list[IngestOutcome]:
    """Re-parse stored raw bytes with the current parser (all compilations when ids is None);
    one that fails is reported and the others go on."""
    with transaction(engine) as session:
        ids = compilation_ids or list(session.scalars(select(Compilation.id).order_by(Compilation.id)))
    outcomes = []
    for cid in ids:
        try:
            with transaction(engine) as session:
                data, origin = stored_bytes(session, cid)
            outcomes.append(ingest_bytes(engine, data, origin, settings, force=True))
        except INPUT_ERRORS as exc:
            outcomes.append(_failed(f"compilation {cid}", exc, compilation_id=cid))
    return outcomes


def _failed(source: str, exc: BaseException, compilation_id: int | None = None) -> IngestOutcome:
    return IngestOutcome(compilation_id, None, source, "failed", error=one_line(exc))


def relink_all(engine: Engine, settings: Settings) -> dict[str, int]:
    """Re-link every stored document (after a change of the linking code)."""
    with transaction(engine, write=True) as session:
        report = link.relink_all(session)
    return {
        "relations_added": report.relations_added,
        "relations_removed": report.relations_removed,
        "placeholders_created": report.placeholders_created,
        "placeholders_merged": report.placeholders_merged,
    }


def compute_diffs(engine: Engine, settings: Settings) -> dict[str, int]:
    """Store the diffs still missing for version pairs and amends/replaces/edition pairs."""
    with transaction(engine, write=True) as session:
        pairs = session.execute(
            select(DocumentVersion.document_id, DocumentVersion.id).order_by(
                DocumentVersion.document_id, DocumentVersion.version_no
            )
        ).all()
        consecutive = [
            (doc, prev[1], vid) for prev, (doc, vid) in zip(pairs, pairs[1:], strict=False) if prev[0] == doc
        ]
        stored = diffs.diffs_for_new_versions(session, consecutive) + diffs.diffs_for_relations(session)
    return {"diffs_stored": stored}


__all__ = ["IngestOutcome", "compute_diffs", "ingest_bytes", "read_input", "reingest", "relink_all", "sha256"]
