"""The Prefect flows end to end, under ONE session-scoped prefect_test_harness (its ephemeral API
takes 20+ s to start on a cold machine): a real 127.0.0.1 site serves an Atom feed and
compilations → poll → ingest (and link) → diff → digest received by a real SMTP server. A second
poll with nothing new does nothing; a source that times out or serves garbage is reported and
the others go on."""

from __future__ import annotations

import os

# Before prefect is imported: no analytics (there is no internet), and patience on a cold start.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import pytest  # noqa: E402
from prefect.settings import (  # noqa: E402
    PREFECT_API_URL,
    PREFECT_LOCAL_STORAGE_PATH,
    PREFECT_SERVER_ANALYTICS_ENABLED,
    temporary_settings,
)
from sqlalchemy import func, select  # noqa: E402

from flows.maintenance import reingest  # noqa: E402
from flows.poll import poll_and_ingest  # noqa: E402
from flows.runtime import dispose_engines, runtime  # noqa: E402
from storage.db import transaction  # noqa: E402
from storage.models import Compilation, Document, Source  # noqa: E402
from storage.sources import add_source  # noqa: E402
from tests.support.net import wait_until  # noqa: E402
from tests.support.sites import serve_site  # noqa: E402
from tests.support.smtp import serve_smtp  # noqa: E402

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """The one Prefect test harness of the session; yields its API URL."""
    # Imported here, not at module level: it loads Prefect's server code, which changes how
    # SQLAlchemy renders now() on SQLite for the whole process (storage.models sets updated_at in
    # Python for that reason), and every xdist worker imports this module.
    from prefect.testing.utilities import prefect_test_harness

    storage = tmp_path_factory.mktemp("prefect-results")
    with (
        temporary_settings({PREFECT_LOCAL_STORAGE_PATH: storage, PREFECT_SERVER_ANALYTICS_ENABLED: False}),
        prefect_test_harness(server_startup_timeout=120),
    ):
        yield PREFECT_API_URL.value()


@pytest.fixture
def world(prefect_api, db_url, tmp_path, monkeypatch):
    """The flows' environment (read by load_settings in each task), a site and a mail server."""
    with serve_site() as site, serve_smtp() as mailbox:
        for name, value in {
            "DATABASE_URL": db_url,
            "VAR_DIR": str(tmp_path / "var"),
            "ALLOW_PRIVATE_URLS": "1",
            "FETCH_TIMEOUT_S": "0.5",
            "FETCH_RETRIES": "1",
            "SMTP_URL": mailbox.url,
            "SECRET_KEY": "flow-test-secret",
            "BASE_URL": "https://regtrack.test",
        }.items():
            monkeypatch.setenv(f"REGTRACK_{name}", value)
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        yield site, mailbox
        dispose_engines()


def follow(url: str) -> int:
    engine, _ = runtime()
    with transaction(engine, write=True) as session:
        return add_source(session, url, "feed")[0].id


def count(model) -> int:
    engine, _ = runtime()
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def subscribe_confirmed(email: str) -> None:
    from regtrack.services import digests

    engine, settings = runtime()
    subscribed = digests.subscribe(engine, settings, email, {}, frequency="immediate")
    digests.confirm(engine, settings, subscribed.token)


def test_poll_ingest_link_diff_digest_then_nothing_new_does_nothing(world):
    site, mailbox = world
    good = follow(site.put_feed("/feed.atom", ["/c/003.txt", "/c/004.txt", "/c/missing.txt"]))
    site.hang.add("/slow.atom")
    slow = follow(site.put_feed("/slow.atom", ["/c/000.txt"]))
    garbage = follow(site.put("/garbage.atom", b"\x00GIF89a garbage \xff\xfe" * 40, "application/atom+xml"))
    site.put_sample("/c/003.txt", "003")
    site.put_sample("/c/004.txt", "004")
    site.put_sample("/c/000.txt", "000")
    subscribe_confirmed("reader@example.org")
    confirmations = len(mailbox.to("reader@example.org"))

    report = poll_and_ingest()

    by_source = {s["source_id"]: s for s in report["sources"]}
    assert by_source[slow]["status"] == "failed" and "timed out" in by_source[slow]["error"]
    assert by_source[garbage]["status"] == "failed" and "not an RSS/Atom feed" in by_source[garbage]["error"]
    assert [(i["url"].rsplit("/", 1)[1], i["status"]) for i in by_source[good]["items"]] == [
        ("003.txt", "ingested"),
        ("004.txt", "ingested"),
        ("missing.txt", "failed"),
    ]
    assert len(report["new_compilations"]) == 2
    assert len(report["problems"]) == 3  # the slow source, the garbage source, the missing file
    assert count(Compilation) == 2 and count(Document) > 0
    engine, _ = runtime()
    with transaction(engine) as session:
        errors = dict(session.execute(select(Source.id, Source.last_error)).all())
    assert errors[good] and errors[slow] and errors[garbage]

    documents, compilations = count(Document), count(Compilation)
    again = poll_and_ingest()
    assert again["new_compilations"] == [] and again["steps"] == []
    assert (count(Document), count(Compilation)) == (documents, compilations)
    assert len(site.hits("/c/003.txt")) == 1  # known by its link: not even downloaded again

    # each ingest links what it can affect, inside its own transaction: no whole-database relink
    assert [(s["step"], s["status"]) for s in report["steps"]] == [
        ("compute-diffs", "ok"),
        ("send-due-digests", "ok"),
    ], report["steps"]
    wait_until(lambda: len(mailbox.to("reader@example.org")) > confirmations, message="the digest email")
    digest = mailbox.to("reader@example.org")[-1]
    body = digest.get_body(("plain",)).get_content()
    assert "关于进一步完善医疗卫生服务体系的意见" in body  # 003's document
    assert "国卫通〔2024〕5号" in body  # 004's first notice
    assert len(mailbox.to("reader@example.org")) == confirmations + 1  # one digest, even after two polls


def test_reingest_flow_reparses_stored_bytes_and_reports_a_missing_compilation(world):
    site, _ = world
    follow(site.put_feed("/feed.atom", ["/c/003.txt"]))
    site.put_sample("/c/003.txt", "003")
    first = poll_and_ingest(digest_frequency=None)
    (cid,) = first["new_compilations"]

    result = reingest(compilation_ids=[cid, 9999])
    assert [(c["id"], c["status"]) for c in result["compilations"]] == [(cid, "ingested"), (9999, "failed")]
    assert "9999" in result["problems"][0]
    everything = reingest(all_compilations=True)
    assert [c["id"] for c in everything["compilations"]] == [cid]
    engine, _ = runtime()
    with transaction(engine) as session:
        report = session.get(Compilation, cid).parse_report
    assert len(report["reparses"]) == 2


def test_cli_reingest_starts_the_deployment_when_a_prefect_server_is_configured(
    world, cli, prefect_api, monkeypatch
):
    from prefect.client.orchestration import get_client

    from flows.deployments import MANUAL_REINGEST

    reingest.to_deployment("manual").apply()
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    result = cli("reingest", "7", "8")
    assert result.exit_code == 0, result.stderr
    assert f"of {MANUAL_REINGEST} started" in result.stdout
    run_id = result.stdout.rsplit("/", 1)[1].strip()
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
    assert run.parameters == {"compilation_ids": [7, 8], "all_compilations": False}

    local = cli("reingest", "--local", "--all", "--json")
    assert local.exit_code == 0, local.stderr
    assert '"compilations": []' in local.stdout


def test_a_backfill_cuts_its_compilations_into_batches_in_order():
    from flows.backfill import batches

    names = [f"{i:02}.txt" for i in range(7)]
    assert batches(names, 3) == [names[0:3], names[3:6], names[6:7]]
    assert batches(names, 1) == [[n] for n in names]
    assert batches(names, 0) == [[n] for n in names]  # a batch is at least one compilation
    assert batches([], 4) == []


def test_every_deployment_registers_as_serve_registers_it(prefect_api):
    """`regtrack run` serves flows/deployments.py: each deployment is created without a work pool,
    which Prefect refuses for one that carries job variables (it did: `make run` stopped)."""
    from prefect.client.orchestration import get_client

    from flows.deployments import deployments

    names = []
    for d in deployments():
        d.apply(_sync=True)  # what Runner.add_deployment does for serve()
        names.append(f"{d.flow_name}/{d.name}")
    with get_client(sync_client=True) as client:
        for name in names:
            assert client.read_deployment_by_name(name).work_pool_name is None, name


def test_the_crash_rule_is_created_once_and_then_found_the_same(prefect_api):
    """Read back from the server, the rule compares equal to ours: it is not replaced on every
    backfill (a replaced rule forgets the runs it was already watching)."""
    from flows.crashes import ensure_crash_detection

    ensure_crash_detection()
    assert [ensure_crash_detection() for _ in range(3)] == [False, False, False]
