"""The JSON API returns what the CLI's --json prints, on the same database; errors are JSON too."""

# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.browser.fixtures import client, seeded, seeded_template, seeded_url, web_settings  # noqa: F401
from tests.browser.seed import HEADLINE_DOC_NUMBER, Seeded


def cli_json(cli, db_url: str, *args: str):
    result = cli("--db", db_url, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "params, args",
    [
        ({}, ()),
        ({"q": "办法", "as_of": "2024-05-01"}, ("--q", "办法", "--as-of", "2024-05-01")),
        (
            {"issuer": "国家卫生健康委", "status": "in_force"},
            ("--issuer", "国家卫生健康委", "--status", "in_force"),
        ),
        ({"status": "repealed", "as_of": "2024-05-01"}, ("--status", "repealed", "--as-of", "2024-05-01")),
    ],
)
def test_documents_mirror_the_cli(
    client: TestClient, cli, seeded_url: str, params: dict, args: tuple
) -> None:
    api = client.get("/api/documents", params=params)
    assert api.status_code == 200
    assert api.json() == cli_json(cli, seeded_url, "documents", *args)


def test_document_detail_mirrors_show(client: TestClient, cli, seeded_url: str, seeded: Seeded) -> None:
    api = client.get(f"/api/documents/{HEADLINE_DOC_NUMBER}", params={"as_of": "2024-05-01"}).json()
    assert api == cli_json(cli, seeded_url, "show", HEADLINE_DOC_NUMBER, "--as-of", "2024-05-01")
    assert api["id"] == seeded.headline_id and api["articles"]


def test_relations_and_chain_mirror_the_cli(client: TestClient, cli, seeded_url: str, seeded: Seeded) -> None:
    ref = str(seeded.headline_id)
    relations = client.get("/api/relations", params={"document": ref}).json()
    assert relations == cli_json(cli, seeded_url, "relations", "--document", ref)
    repeal = next(
        r for r in relations if r["kind"] == "repeals" and r["target"]["id"] == seeded.predecessor_id
    )
    assert "同时废止" in repeal["evidence"]["quote"]
    chain = client.get(f"/api/chain/{ref}", params={"as_of": "2024-05-01"}).json()
    assert chain == cli_json(cli, seeded_url, "chain", ref, "--as-of", "2024-05-01")
    assert [s["id"] for s in chain["predecessors"]] == [seeded.predecessor_id]


def test_diff_mirrors_the_cli(client: TestClient, cli, seeded_url: str, seeded: Seeded) -> None:
    old, new = str(seeded.headline_id), str(seeded.amended_id)
    api = client.get("/api/diff", params={"old": old, "new": new}).json()
    assert api == cli_json(cli, seeded_url, "diff", old, new)
    assert api["summary"]["added"] > 0 and api["summary"]["removed"] > 0
    citation_only = client.get("/api/diff", params={"old": str(seeded.predecessor_id), "new": new})
    assert citation_only.status_code == 400 and "known only by citation" in citation_only.json()["error"]


def test_errors_are_json(client: TestClient) -> None:
    missing = client.get("/api/documents/no-such-document-anywhere")
    assert missing.status_code == 404 and "no document matches" in missing.json()["error"]
    assert client.get("/api/documents", params={"status": "bogus"}).status_code == 400
    bad_date = client.get("/api/chain/1", params={"as_of": "yesterday"})
    assert bad_date.status_code == 400 and "as_of" in bad_date.json()["error"]
    assert client.get("/api/diff", params={"old": "1"}).status_code == 422


def test_paging_the_api(client: TestClient) -> None:
    everything = client.get("/api/documents").json()
    page = client.get("/api/documents", params={"limit": 5, "offset": 5}).json()
    assert page == everything[5:10]


def test_openapi_describes_the_api_only(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert paths == {
        "/api/documents",
        "/api/documents/{ref}",
        "/api/relations",
        "/api/chain/{ref}",
        "/api/diff",
    }
    params = {p["name"] for p in spec["paths"]["/api/documents"]["get"]["parameters"]}
    assert {"q", "issuer", "category", "status", "as_of"} <= params
