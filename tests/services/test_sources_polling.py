"""Polling sources on a real 127.0.0.1 site, on SQLite and PostgreSQL: conditional GET, new items
found by link and content hash, failures reported per source and per item; the sources CLI."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from regtrack.services import sources
from regtrack.settings import load_settings
from storage.db import transaction
from storage.models import Compilation, Source
from storage.sources import add_source
from tests.conftest import sample_path
from tests.support.sites import atom_feed, serve_site


@pytest.fixture
def settings(tmp_path, db_url):
    return dataclasses.replace(
        load_settings(),
        var_dir=tmp_path / "var",
        database_url=db_url,
        allow_private_urls=True,  # the test site is on 127.0.0.1
        fetch_timeout_s=0.5,
        allowed_roots=(),
    )


@pytest.fixture
def site():
    with serve_site() as s:
        yield s


def follow(engine, url: str, kind: str = "feed") -> int:
    with transaction(engine, write=True) as session:
        return add_source(session, url, kind)[0].id


def compilations(engine) -> list[tuple[str, str]]:
    with transaction(engine) as session:
        return list(session.execute(select(Compilation.origin, Compilation.status).order_by(Compilation.id)))


def test_feed_poll_ingests_new_items_then_a_304_does_nothing(engine, settings, site):
    feed = site.put_feed("/feed.atom", ["/c/003.txt", "/c/004.txt"])
    site.put_sample("/c/003.txt", "003")
    site.put_sample("/c/004.txt", "004")
    sid = follow(engine, feed)

    first = sources.poll_source(engine, settings, sid)
    assert (first.status, first.announced, first.error) == ("polled", 2, None)
    assert [i.status for i in first.items] == ["ingested", "ingested"]
    assert [i.title for i in first.items] == ["样例 0", "样例 1"]
    assert compilations(engine) == [
        (site.url("/c/003.txt"), "ingested"),
        (site.url("/c/004.txt"), "ingested"),
    ]
    with transaction(engine) as session:
        source = session.get(Source, sid)
        assert source.etag and source.last_modified and source.last_error is None

    second = sources.poll_source(engine, settings, sid)
    assert (second.status, second.items, second.new_compilation_ids) == ("not_modified", [], [])
    assert site.hits("/feed.atom")[-1]["If-None-Match"] == source.etag
    assert len(site.hits("/c/003.txt")) == 1  # never fetched again
    assert len(compilations(engine)) == 2


def test_a_changed_feed_gives_only_its_new_items_and_known_bytes_under_a_new_url_are_unchanged(
    engine, settings, site
):
    site.put_sample("/c/003.txt", "003")
    site.put_sample("/mirror/003.txt", "003")
    feed = site.put_feed("/feed.atom", ["/c/003.txt"])
    sid = follow(engine, feed)
    sources.poll_source(engine, settings, sid)

    site.put_feed("/feed.atom", ["/c/003.txt", "/mirror/003.txt"])
    report = sources.poll_source(engine, settings, sid)
    assert report.status == "polled"
    assert [(i.url, i.status) for i in report.items] == [(site.url("/mirror/003.txt"), "unchanged")]
    assert report.new_compilation_ids == []
    assert len(compilations(engine)) == 1


def test_a_failed_item_is_reported_the_others_go_in_and_it_is_tried_again_next_time(engine, settings, site):
    feed = site.put_feed("/feed.atom", ["/c/missing.txt", "/c/003.txt"])
    site.put_sample("/c/003.txt", "003")
    sid = follow(engine, feed)

    report = sources.poll_source(engine, settings, sid)
    assert [(i.status, i.error and "404" in i.error) for i in report.items] == [
        ("failed", True),
        ("ingested", None),
    ]
    assert report.failed and "1 of 2 compilations failed" in report.error
    with transaction(engine) as session:
        assert session.get(Source, sid).etag is None  # kept unset, so the next poll reads the feed again

    site.put_sample("/c/missing.txt", "004")
    again = sources.poll_source(engine, settings, sid)
    assert [(i.url, i.status) for i in again.items] == [(site.url("/c/missing.txt"), "ingested")]
    assert not again.failed


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/slow.atom", None, "timed out"),
        ("/garbage.atom", b"\x00\x01\x02 not a feed \xff" * 50, "not an RSS/Atom feed"),
        ("/gone.atom", "404", "HTTP 404"),
    ],
    ids=["timeout", "garbage", "missing"],
)
def test_a_broken_source_is_reported_and_recorded_and_the_others_go_on(
    engine, settings, site, path, body, message
):
    if path == "/slow.atom":
        site.hang.add(path)
        site.put_feed(path, [])
    elif isinstance(body, bytes):
        site.put(path, body, "application/atom+xml")
    broken = follow(engine, site.url(path))
    good = follow(engine, site.put_feed("/feed.atom", ["/c/003.txt"]))
    site.put_sample("/c/003.txt", "003")

    reports = sources.poll_all(engine, settings)
    assert [(r.source_id, r.status) for r in reports] == [(broken, "failed"), (good, "polled")]
    assert message in reports[0].error
    assert reports[1].new_compilation_ids
    with transaction(engine) as session:
        assert message in session.get(Source, broken).last_error
        assert session.get(Source, good).last_error is None


def test_a_remote_feed_cannot_point_at_local_files(engine, settings, site):
    sid = follow(engine, site.put_feed("/feed.atom", [sample_path("003").resolve().as_uri()]))
    (item,) = sources.poll_source(engine, settings, sid).items
    assert item.status == "failed" and "refusing" in item.error
    assert compilations(engine) == []


def test_a_folder_source_ingests_its_files_and_later_only_the_new_ones(engine, settings, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(sample_path("003"), folder / "a.txt")
    (folder / "notes.md").write_text("not a compilation")
    sid = follow(engine, folder.as_uri(), kind="file")
    first = sources.poll_source(engine, settings, sid)
    assert [(Path(i.url).name, i.status) for i in first.items] == [("a.txt", "ingested")]

    shutil.copy(sample_path("004"), folder / "b.txt")
    second = sources.poll_source(engine, settings, sid)
    assert [(Path(i.url).name, i.status) for i in second.items] == [("b.txt", "ingested")]


def test_local_feed_outside_the_allowed_roots_is_refused(engine, settings, tmp_path):
    sid = follow(engine, (sample_path("003").parent / "feed.atom").resolve().as_uri())
    confined = dataclasses.replace(settings, allowed_roots=(tmp_path.resolve(),))
    report = sources.poll_source(engine, confined, sid)
    assert report.status == "failed" and "outside the allowed folders" in report.error


# --- the CLI ---------------------------------------------------------------------------------


def test_sources_cli_add_list_poll_and_reingest(cli, db_url, site, monkeypatch):
    monkeypatch.setenv("REGTRACK_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    site.put_sample("/c/003.txt", "003")
    feed = site.put("/feed.atom", atom_feed(["/c/003.txt"]), "application/atom+xml")

    added = cli("--db", db_url, "sources", "add", feed, "--kind", "feed", "--name", "test feed", "--json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["created"] is True
    again = cli("--db", db_url, "sources", "add", feed, "--kind", "feed")
    assert again.exit_code == 0 and "already followed" in again.stdout
    clash = cli("--db", db_url, "sources", "add", feed, "--kind", "page")
    assert clash.exit_code == 1 and clash.stderr.startswith("error: source 1 already follows")
    bad = cli("--db", db_url, "sources", "add", feed, "--kind", "rss")
    assert bad.exit_code == 1 and "--kind must be one of feed, page, file" in bad.stderr

    polled = cli("--db", db_url, "sources", "poll", "--json")
    assert polled.exit_code == 0, polled.stderr
    assert json.loads(polled.stdout)["sources"][0]["items"][0]["status"] == "ingested"

    listed = json.loads(cli("--db", db_url, "sources", "--json").stdout)
    assert [(s["name"], s["compilations"], s["last_error"]) for s in listed] == [("test feed", 1, None)]

    usage = cli("--db", db_url, "reingest")
    assert usage.exit_code == 1 and "--all" in usage.stderr
    redone = cli("--db", db_url, "reingest", "--all", "--json")
    assert redone.exit_code == 0, redone.stderr
    assert [c["status"] for c in json.loads(redone.stdout)["compilations"]] == ["ingested"]


def test_sources_poll_exits_1_when_a_source_failed(cli, db_url, site, monkeypatch):
    monkeypatch.setenv("REGTRACK_ALLOW_PRIVATE_URLS", "1")
    cli("--db", db_url, "sources", "add", site.url("/nothing.atom"), "--kind", "feed")
    result = cli("--db", db_url, "sources", "poll")
    assert result.exit_code == 1
    assert "HTTP 404" in result.stdout


def test_counts_are_per_source(engine, settings, site):
    a = follow(engine, site.put_feed("/a.atom", ["/c/003.txt"]))
    b = follow(engine, site.put_feed("/b.atom", ["/c/004.txt"]))
    site.put_sample("/c/003.txt", "003")
    site.put_sample("/c/004.txt", "004")
    sources.poll_all(engine, settings)
    with transaction(engine) as session:
        rows = dict(
            session.execute(select(Compilation.source_id, func.count()).group_by(Compilation.source_id)).all()
        )
    assert rows == {a: 1, b: 1}


def test_an_item_that_does_not_parse_is_kept_as_failed_for_a_parser_fix(engine, settings, site):
    """Bytes a source brought that decode but hold no document stay stored as a failed
    compilation (the feed may never list them again; `reingest` can retry them after a parser
    fix). The same bytes given by hand leave nothing: test_ingest_cli."""
    feed = site.put_feed("/feed.atom", ["/c/notes.txt"])
    site.put("/c/notes.txt", "今天天气很好。\n我们去公园散步。\n".encode())
    sid = follow(engine, feed)

    report = sources.poll_source(engine, settings, sid)

    assert [i.status for i in report.items] == ["failed"]
    with transaction(engine) as session:
        (kept,) = session.scalars(select(Compilation)).all()
        assert (kept.status, kept.source_id) == ("failed", sid)
        assert kept.error.startswith("no document found")
