"""Real texts for the consolidation tests, read the way the corpus harness reads them."""

from __future__ import annotations

from pathlib import Path

from ingest.model import Article
from ingest.structure import parse_structure
from tests.corpus.load import plain_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_text(name: str) -> str:
    path = FIXTURES / name
    return plain_text(path.read_text(encoding="utf-8"), path.suffix)


def fixture_articles(name: str) -> tuple[Article, ...]:
    return parse_structure(fixture_text(name), 1)
