"""Decisions of one title and different dates are different instruments: one placeholder each, and a
decision ingested later merges into the placeholder of its own date (h29's 题注)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from regtrack.services.ingest import ingest_bytes
from regtrack.settings import load_settings
from storage.models import Document, Relation

_REGULATION = """麻醉药品和精神药品管理条例

2005年8月3日 中华人民共和国国务院令第442号公布

2013年12月7日 《国务院关于修改部分行政法规的决定》第一次修订

2016年2月6日 《国务院关于修改部分行政法规的决定》第二次修订

第一条 为加强麻醉药品和精神药品的管理，保证麻醉药品和精神药品的合法、安全、合理使用，制定本条例。

第二条 麻醉药品药用原植物的种植，麻醉药品和精神药品的实验研究、生产、经营、使用、储存、运输等活动以及监督管理，适用本条例。
"""

_DECISION = """国务院关于修改部分行政法规的决定

2016年2月6日 中华人民共和国国务院令第666号公布

为依法推进简政放权、放管结合、优化服务改革，国务院对有关行政法规进行了清理。经过清理，国务院决定对66部行政法规的部分条款予以修改。

本决定自公布之日起施行。
"""


def _amending(session: Session) -> dict[str, bool]:
    """identity key → placeholder?, for the documents that amend the regulation."""
    stmt = select(Document.identity_key, Document.placeholder).join(
        Relation, Relation.source_id == Document.id
    )
    return {key: placeholder for key, placeholder in session.execute(stmt.where(Relation.kind == "amends"))}


def test_one_placeholder_per_dated_decision_and_the_right_one_merges(engine) -> None:
    settings = load_settings()
    ingest_bytes(engine, _REGULATION.encode(), "h29.txt", settings)
    with Session(engine) as session:
        assert _amending(session) == {
            "t:关于修改部分行政法规的决定@2013-12-07": True,
            "t:关于修改部分行政法规的决定@2016-02-06": True,
        }
    ingest_bytes(engine, _DECISION.encode(), "decision.txt", settings)
    with Session(engine) as session:
        assert _amending(session) == {
            "t:关于修改部分行政法规的决定@2013-12-07": True,
            "dn:国务院令第666号": False,
        }
