"""Relinking makes the stored links independent of the order the compilations arrived in.

A backfill over several Prefect workers ingests compilations in whatever order the workers pick
them up, then relinks once (flows/backfill.py); its result must be what a serial ingest of the same
files stores. Two things made arrival order show: a close title resolved to a placeholder (《医师法》
absorbed by 《执业医师法》 or the other way round, whichever was cited first), and a dated citation
to an undated placeholder of the same title. Both are now rules of ``linking.resolve``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from regtrack.services import ingest
from regtrack.settings import load_settings
from storage.db import make_engine, upgrade
from tests.conftest import sample_path
from tests.support.snapshot import difference, snapshot

CORPUS = Path(__file__).parents[1] / "corpus" / "texts"
# samples 001 and 004 cite 《中华人民共和国医师法》, h19 《中华人民共和国执业医师法》
FILES = [sample_path(p) for p in ("000", "001", "004")] + sorted(CORPUS.glob("h*.md"))[:19]


def test_relinking_after_any_arrival_order_stores_the_same(db_url, engine, tmp_path):
    settings = dataclasses.replace(load_settings(), database_url=db_url)
    for path in reversed(FILES):
        ingest.ingest_bytes(engine, path.read_bytes(), path.resolve().as_uri(), settings)
    ingest.relink_all(engine, settings)

    serial = make_engine(f"sqlite:///{tmp_path / 'serial.db'}")
    upgrade(serial)
    for path in FILES:
        ingest.ingest_bytes(serial, path.read_bytes(), path.resolve().as_uri(), settings)
    ingest.relink_all(serial, settings)

    stored, expected = snapshot(engine), snapshot(serial)
    serial.dispose()
    assert stored["relations"] and stored == {**expected, "events": stored["events"]}, difference(
        stored, expected
    )
