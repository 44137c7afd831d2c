"""Test data for the web tests: the bundled samples ingested through the real pipeline
(parse, link, diff), so the pages show what a user would see.

One extra input makes a second version of sample 003 (one sentence changed), so the document
has a stored diff; a hostile title checks that outside text is always escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, select

from regtrack.services import ingest
from regtrack.settings import PROJECT_ROOT, Settings, load_settings
from storage.db import transaction
from storage.models import Document, DocumentVersion, Relation, VersionDiff

SAMPLES = PROJECT_ROOT / "data" / "samples"
HEADLINE_DOC_NUMBER = "国卫医急发〔2024〕11号"  # 001 line 876 repeals its 试行 predecessor
PREDECESSOR_DOC_NUMBER = "卫办应急发〔2010〕183号"
# A sentence of sample 003 and its amended form for the second version.
ORIGINAL_SENTENCE = "到2025年，医疗卫生服务"
AMENDED_SENTENCE = "到2026年，医疗卫生服务"
HOSTILE_TITLE = "<script>alert('x')</script>关于测试转义的通知"


@dataclass(frozen=True)
class Seeded:
    headline_id: int
    predecessor_id: int
    amended_id: int
    version_diff_id: int
    hostile_id: int


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


def make_settings(database_url: str, var_dir: Path, **changes: object) -> Settings:
    base = replace(load_settings(), database_url=database_url, var_dir=var_dir, prefect_api_url=None)
    return replace(base, **changes)  # type: ignore[arg-type]


def seed(
    engine: Engine, settings: Settings, prefixes: tuple[str, ...] = ("000", "001", "002", "003", "004")
) -> Seeded:
    """Ingest samples, a second version of 003 and a hostile document; returns ids tests need."""
    for prefix in prefixes:
        path = sample(prefix)
        ingest.ingest_bytes(engine, path.read_bytes(), str(path.relative_to(PROJECT_ROOT)), settings)
    text = sample("003").read_text(encoding="utf-8")
    assert ORIGINAL_SENTENCE in text
    amended = text.replace(ORIGINAL_SENTENCE, AMENDED_SENTENCE, 1).encode("utf-8")
    ingest.ingest_bytes(engine, amended, "tests/003-amended.txt", settings)
    with transaction(engine, write=True) as session:
        headline = session.scalars(select(Document).where(Document.doc_number == HEADLINE_DOC_NUMBER)).one()
        predecessor = _predecessor(session, headline)
        amended_doc = _amended_document(session)
        diff_id = _version_diff(session, amended_doc.id)
        hostile = Document(
            identity_key="t:hostile-test",
            title=HOSTILE_TITLE,
            issuer="<b>测试机关</b>",
            written_date=dt.date(2024, 3, 1),
            placeholder=False,
        )
        session.add(hostile)
        session.flush()
        return Seeded(headline.id, predecessor.id, amended_doc.id, diff_id, hostile.id)


def _predecessor(session, headline: Document) -> Document:
    """The 2010 试行 document, known only by citation, that the headline document repeals."""
    repealed = session.scalars(
        select(Document)
        .join(Relation, Relation.target_id == Document.id)
        .where(Relation.source_id == headline.id, Relation.kind == "repeals")
    ).all()
    found = [d for d in repealed if "试行" in d.title]
    assert len(found) == 1, (
        f"001 line 876 should repeal one 试行 document, found {[d.title for d in repealed]}"
    )
    return found[0]


def _amended_document(session) -> Document:
    version = session.scalars(select(DocumentVersion).where(DocumentVersion.version_no == 2)).first()
    assert version is not None, "the amended copy of 003 did not make a second version"
    return session.get(Document, version.document_id)


def _version_diff(session, document_id: int) -> int:
    """The diff the pipeline stored between the two versions."""
    old, new = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.version_no)
    ).all()[:2]
    row = session.scalars(
        select(VersionDiff).where(VersionDiff.old_version_id == old.id, VersionDiff.new_version_id == new.id)
    ).one()
    return row.id
