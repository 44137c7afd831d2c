"""Round trips of the schema and its migrations on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from storage.db import HEAD_REVISION, current_revision, downgrade, make_engine, transaction, upgrade
from storage.models import Base, Blob, Compilation, Document, DocumentVersion, Relation
from tests.support.reliability import finish, regtrack_process


def test_upgrade_downgrade_upgrade(engine) -> None:
    assert current_revision(engine) == "0008"
    downgrade(engine, "0001")
    assert "deliveries" not in inspect(engine).get_table_names()
    assert "documents" in inspect(engine).get_table_names()
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == "0008"


def test_derived_version_columns_migrate_both_ways(engine) -> None:
    """0005 adds the derived-version columns on a table that holds rows; going down drops them
    and keeps the rows; going up again gives every older version derived = verified = false."""
    with transaction(engine) as s:
        doc = Document(identity_key="t:医疗机构管理条例||", title="医疗机构管理条例")
        s.add(doc)
        s.flush()
        s.add(DocumentVersion(document_id=doc.id, version_no=1, content_hash="h1", text="第一条 …"))
    downgrade(engine, "0004")
    columns = {c["name"] for c in inspect(engine).get_columns("document_versions")}
    assert not columns & {"derived", "basis_version_id", "decision_document_id", "verified", "provenance"}
    upgrade(engine)
    with transaction(engine) as s:
        (version,) = s.scalars(select(DocumentVersion)).all()
        assert (version.derived, version.verified, version.basis_version_id) == (False, False, None)
        derived = DocumentVersion(
            document_id=version.document_id,
            version_no=2,
            content_hash="h2",
            text="第一条 …（修正）",
            derived=True,
            basis_version_id=version.id,
            decision_document_id=version.document_id,
            effective_date=dt.date(2022, 5, 1),
            provenance={"instructions": [{"kind": "replace", "quote": "将第一条修改为", "line": 3}]},
        )
        s.add(derived)
    with pytest.raises(IntegrityError), transaction(engine) as s:  # one derived version per decision
        s.add(
            DocumentVersion(
                document_id=version.document_id,
                version_no=3,
                content_hash="h3",
                text="x",
                derived=True,
                decision_document_id=version.document_id,
            )
        )
    with transaction(engine) as s:
        got = s.scalars(select(DocumentVersion).where(DocumentVersion.derived.is_(True))).one()
        assert got.provenance["instructions"][0]["quote"] == "将第一条修改为"


def test_models_round_trip(engine) -> None:
    with transaction(engine) as s:
        s.add(Blob(sha256="a" * 64, size=3, data=b"abc"))
        comp = Compilation(sha256="a" * 64, origin="x.txt", parse_report={"warnings": ["目录不一致"]})
        s.add(comp)
        s.flush()
        doc = Document(
            identity_key="dn:国卫医急发〔2024〕11号",
            doc_number="国卫医急发[2024]11号",
            doc_number_canonical="国卫医急发〔2024〕11号",
            title="国家卫生应急队伍管理办法",
            issuers=["国家卫生健康委", "国家中医药局"],
            written_date=dt.date(2024, 3, 19),
            keywords=["应急"],
            compilation_id=comp.id,
        )
        old = Document(
            identity_key="dn:卫办应急发〔2010〕183号",
            title="国家卫生应急队伍管理办法（试行）",
            placeholder=True,
        )
        s.add_all([doc, old])
        s.flush()
        s.add(DocumentVersion(document_id=doc.id, version_no=1, content_hash="h1", text="第一条 …"))
        s.add(
            Relation(source_id=doc.id, target_id=old.id, kind="repeals", effective_date=dt.date(2024, 3, 19))
        )
    with transaction(engine) as s:
        got = s.scalars(select(Document).where(Document.placeholder.is_(False))).one()
        assert got.issuers == ["国家卫生健康委", "国家中医药局"]
        assert got.versions[0].text == "第一条 …"
        assert s.scalars(select(Compilation)).one().parse_report == {"warnings": ["目录不一致"]}


@pytest.mark.parametrize(
    "make",
    [
        lambda: [Document(identity_key="k", title="a"), Document(identity_key="k", title="b")],
        lambda: [
            Blob(sha256="b" * 64, size=0, data=b""),
            Compilation(sha256="b" * 64, origin="1"),
            Compilation(sha256="b" * 64, origin="2"),
        ],
    ],
    ids=["document-identity", "compilation-sha"],
)
def test_uniqueness_is_in_the_schema(engine, make) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as s:
        for row in make():
            s.add(row)
            s.flush()
    with transaction(engine) as s:
        assert s.scalars(select(Document)).all() == []


def test_foreign_keys_enforced(engine) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as s:
        s.add(DocumentVersion(document_id=999, version_no=1, content_hash="h", text="t"))
        s.flush()


def test_unreachable_database_is_one_line(cli) -> None:
    result = cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "upgrade")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach the database")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_db_cli_upgrade_and_current(cli, db_url) -> None:
    assert cli("--db", db_url, "db", "upgrade").stdout.strip() == "database at revision 0008"
    assert cli("--db", db_url, "db", "current").stdout.strip() == "0008"


def test_sqlite_default_is_wal_with_foreign_keys(tmp_path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'x' / 'r.db'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_head_revision_constant_is_the_newest_migration() -> None:
    """``storage.db.HEAD_REVISION`` lets a current database skip Alembic: it must be the real head."""
    from alembic.script import ScriptDirectory

    from storage.db import HEAD_REVISION, MIGRATIONS_DIR

    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == HEAD_REVISION


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database no migration has touched."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    from tests.conftest import new_pg_database

    request.getfixturevalue("pg_database")  # skips (or fails under CI) when PostgreSQL is down
    with new_pg_database("regtrack_fresh") as url:
        yield url


def test_processes_starting_together_on_a_fresh_database_all_migrate_it(
    fresh_url: str, tmp_path: Path
) -> None:
    """Three commands at once on a database no one has migrated (two web workers and a CLI): one
    migrates, the others wait for it and find the schema current; all answer, none says "locked"."""
    runs = [regtrack_process(["--db", fresh_url, "documents", "--json"], tmp_path / "var") for _ in range(3)]
    results = [finish(run, 120) for run in runs]
    assert [(code, out.strip(), err) for code, out, err in results] == [(0, "[]", "")] * 3
    engine = make_engine(fresh_url)
    try:
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()
