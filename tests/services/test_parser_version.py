"""The parser version stored on a compilation decides whether the same bytes are parsed again."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from ingest.parse import PARSER_VERSION
from regtrack.services.ingest import ingest_bytes
from regtrack.settings import load_settings
from storage.db import transaction
from storage.models import Compilation, DocumentVersion
from tests.conftest import sample_path


def _versions(engine: Engine) -> list[tuple[int, str | None]]:
    with transaction(engine) as session:
        return list(session.execute(select(DocumentVersion.id, DocumentVersion.parser_version)))


def test_bytes_parsed_by_another_parser_version_are_parsed_again(engine: Engine, tmp_path) -> None:
    settings = load_settings().with_database(str(engine.url))
    data = sample_path("003").read_bytes()
    first = ingest_bytes(engine, data, "003.txt", settings)
    assert ingest_bytes(engine, data, "003.txt", settings).status == "unchanged"
    with transaction(engine, write=True) as session:
        session.execute(update(Compilation).values(parser_version="0"))

    again = ingest_bytes(engine, data, "003.txt", settings)

    # parsed again (the same text gives the same documents: nothing added or updated)
    assert (again.compilation_id, again.documents_added, again.documents_updated) == (
        first.compilation_id,
        0,
        0,
    )
    with transaction(engine) as session:
        assert session.scalars(select(Compilation.parser_version)).all() == [PARSER_VERSION]
    versions = _versions(engine)
    assert versions and all(v == PARSER_VERSION for _, v in versions)  # same text: no new version
    assert ingest_bytes(engine, data, "003.txt", settings).status == "unchanged"
