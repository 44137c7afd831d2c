"""Two workers at once on one database (what N Prefect workers do): two OS processes, released
together by a barrier, ingest the same and different compilations, then send the same digests.
The result must equal a serial ingest — no duplicate document, version, relation or change
event — and each subscriber gets one email. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
from typing import Any

import pytest

from regtrack.errors import one_line
from regtrack.services import ingest
from regtrack.settings import load_settings
from storage.db import make_engine, upgrade
from tests.conftest import sample_path
from tests.support.smtp import serve_smtp
from tests.support.snapshot import difference, snapshot

SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter, like a separate worker machine


def _settings(db_url: str, smtp_url: str | None = None) -> Any:
    return dataclasses.replace(
        load_settings(), database_url=db_url, smtp_url=smtp_url, secret_key="concurrency-secret"
    )


def _ingest_worker(db_url: str, prefixes: list[str], barrier: Any, results: Any) -> None:
    engine = make_engine(db_url)
    settings = _settings(db_url)
    barrier.wait(timeout=120)
    try:
        for prefix in prefixes:
            path = sample_path(prefix)
            ingest.ingest_bytes(engine, path.read_bytes(), path.resolve().as_uri(), settings)
        results.put(("ok", prefixes))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", f"{type(exc).__name__}: {one_line(exc)}"))
    finally:
        engine.dispose()


def _digest_worker(db_url: str, smtp_url: str, barrier: Any, results: Any) -> None:
    from regtrack.services import digests

    engine = make_engine(db_url)
    barrier.wait(timeout=120)
    try:
        digests.send_due(engine, _settings(db_url, smtp_url), "immediate")
        results.put(("ok", "digests"))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", f"{type(exc).__name__}: {one_line(exc)}"))
    finally:
        engine.dispose()


def _run_together(target: Any, args_per_worker: list[tuple[Any, ...]]) -> list[tuple[str, Any]]:
    barrier = SPAWN.Barrier(len(args_per_worker))
    results = SPAWN.Queue()
    workers = [SPAWN.Process(target=target, args=(*args, barrier, results)) for args in args_per_worker]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert all(w.exitcode == 0 for w in workers), [w.exitcode for w in workers]
    return outcomes


@pytest.fixture(scope="module")
def serial_baselines(tmp_path_factory) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """The same compilations ingested one after the other, in every order, into fresh SQLite files.

    Two workers at once must store what one of these serial runs stores. (Linking may depend on
    the order: a citation resolved before or after the cited document arrives.)
    """
    baselines: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for together in (("004",), ("000", "004")):
        for order in itertools.permutations(together):
            path = tmp_path_factory.mktemp("serial") / "serial.db"
            engine = make_engine(f"sqlite:///{path}")
            upgrade(engine)
            for prefix in order:
                sample = sample_path(prefix)
                ingest.ingest_bytes(
                    engine, sample.read_bytes(), sample.resolve().as_uri(), _settings(str(engine.url))
                )
            baselines.setdefault(together, []).append(snapshot(engine))
            engine.dispose()
    return baselines


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [(["004"], ["004"], ("004",)), (["000"], ["004"], ("000", "004"))],
    ids=["same-compilation", "different-compilations"],
)
def test_two_processes_ingesting_at_once_store_what_a_serial_ingest_stores(
    db_url, engine, serial_baselines, first, second, together
):
    outcomes = _run_together(_ingest_worker, [(db_url, first), (db_url, second)])
    assert [status for status, _ in outcomes] == ["ok", "ok"], outcomes

    stored = snapshot(engine)
    assert len(stored["documents"]) == len(set(stored["documents"]))
    assert len(stored["relations"]) == len(set(stored["relations"]))
    assert any(stored == serial for serial in serial_baselines[together]), difference(
        stored, serial_baselines[together][0]
    )


def test_two_processes_sending_digests_at_once_send_each_email_once(db_url, engine):
    from regtrack.services import digests

    sample = sample_path("004")
    addresses = ("a@example.org", "b@example.org")
    with serve_smtp() as mailbox:
        smtp_url = mailbox.url
        settings = _settings(db_url, smtp_url)
        for address in addresses:  # subscribed first: then new compilations arrive
            digests.confirm(
                engine, settings, digests.subscribe(engine, settings, address, {}, "immediate").token
            )
        confirmations = {a: len(mailbox.to(a)) for a in addresses}
        ingest.ingest_bytes(engine, sample.read_bytes(), sample.resolve().as_uri(), settings)

        outcomes = _run_together(_digest_worker, [(db_url, smtp_url), (db_url, smtp_url)])
        assert [status for status, _ in outcomes] == ["ok", "ok"], outcomes

        for address, before in confirmations.items():
            assert len(mailbox.to(address)) == before + 1, address
