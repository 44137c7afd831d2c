"""Until linking states ``amends`` for an amendment decision's instructions (branch rules-amend),
tests make the extraction do so the way it will: a citation in a clause that amends the cited
document (将《X》第九条修改为…, 删去《X》第…) becomes an ``amends`` relation. Everything else of the
real ingest (parsing, resolution, storage) runs as it is."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from linking.model import ExtractedRelation, SourceDoc
from regtrack.services.linking import link

_ACTS_ON = r"(?:将|删去|在|对)《{title}》"


def _amending(rel: ExtractedRelation) -> ExtractedRelation:
    title = rel.citation.title if rel.citation else None
    if rel.kind == "cites" and title and re.search(_ACTS_ON.format(title=re.escape(title)), rel.quote):
        return replace(rel, kind="amends")
    return rel


@pytest.fixture
def amends_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    real = link.extract_relations

    def extract(doc: SourceDoc) -> list[ExtractedRelation]:
        return [_amending(rel) for rel in real(doc)]

    monkeypatch.setattr(link, "extract_relations", extract)
