"""The pages and the API on both databases (SQLite and PostgreSQL), over the real pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.browser.seed import HEADLINE_DOC_NUMBER, Seeded, make_settings, seed
from web.app import create_app


@pytest.fixture
def backend(db_url: str, engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Seeded]]:
    settings = make_settings(db_url, tmp_path / "var", admin_token="t", secret_key="k")
    ids = seed(engine, settings, prefixes=("001", "003"))
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, ids
    app.state.engine.dispose()


def test_pages_and_api_on_each_backend(backend: tuple[TestClient, Seeded]) -> None:
    client, ids = backend
    assert "2024年3月变化" in client.get("/").text
    listing = client.get("/documents", params={"q": "国卫医急发（2024）11号"}).text
    assert f'href="/documents/{ids.headline_id}"' in listing
    repealed = client.get("/documents", params={"status": "repealed", "as_of": "2024-05-01"}).text
    assert f'href="/documents/{ids.predecessor_id}"' in repealed
    page = client.get(f"/documents/{ids.headline_id}", params={"as_of": "2024-05-01"}).text
    assert "同时废止" in page and "第 876 行" in page
    chain = client.get(f"/documents/{ids.headline_id}/chain").text
    assert f"/documents/{ids.predecessor_id}/chain" in chain
    diff = client.get(f"/diffs/{ids.version_diff_id}").text
    assert "<del>5</del>" in diff and "<ins>6</ins>" in diff
    api = client.get(f"/api/documents/{HEADLINE_DOC_NUMBER}").json()
    assert api["id"] == ids.headline_id
    assert client.get("/healthz").json() == {"status": "ok"}
