"""The linker resolves citations against candidates fetched by SQL (regtrack.services.linking.candidates), not against
every stored document: it must find what a resolution against the whole catalogue finds."""

from __future__ import annotations

import random

from sqlalchemy import select

from linking.model import Citation
from linking.resolve import index_catalogue, resolve
from regtrack.services.linking.candidates import KNOWN_COLUMNS, Catalogue, fill_title_keys, known
from storage.db import transaction
from storage.models import Document

PLACES = ("", "北京市", "上海市", "湖北省", "福建省", "武汉市")
TOPICS = ("医疗机构投诉管理", "安宁疗护中心建设", "医院感染防控", "互联网诊疗监管", "母婴安全", "临床用血")
KINDS = ("管理办法", "实施细则", "工作方案", "评审标准")


def _titles(rng: random.Random) -> list[str]:
    titles = [f"{p}{t}{k}" for p in PLACES for t in TOPICS for k in KINDS]
    titles += [f"关于加强{p}{t}工作的通知" for p in PLACES for t in TOPICS]
    rng.shuffle(titles)
    return titles


def _citations(titles: list[str], rng: random.Random) -> list[Citation]:
    """Exact titles, misquoted ones (关于进一步加强…, …管理工作办法, （试行）), numbers, unknown names."""
    out = []
    for title in rng.sample(titles, 60):
        out.append(Citation(None, None, title))
        out.append(Citation(None, None, title.replace("关于加强", "关于进一步加强")))
        out.append(Citation(None, None, title.replace("管理办法", "管理工作办法")))
        out.append(Citation(None, None, title + "（试行）"))
    out += [
        Citation("京卫医政发〔2023〕6号", "京卫医政发〔2023〕6号", None),
        Citation(None, None, "某某条例"),
    ]
    return out


def test_sql_candidates_resolve_like_the_whole_catalogue(engine) -> None:
    rng = random.Random(10)
    titles = _titles(rng)
    with transaction(engine, write=True) as session:
        for i, title in enumerate(titles):
            number = f"京卫医政发〔2023〕{i}号" if i % 3 == 0 else None
            session.add(
                Document(
                    identity_key=f"k{i}", title=title, doc_number_canonical=number, placeholder=i % 5 == 4
                )
            )
        session.flush()
        fill_title_keys(session)
    citations = _citations(titles, rng)
    with transaction(engine) as session:
        everything = index_catalogue(
            [known(r) for r in session.execute(select(*KNOWN_COLUMNS).order_by(Document.id))]
        )
        # One citation per run: its candidates are only those its own 文号, key and neighbours bring.
        got = [Catalogue(session, [c]).resolve_all([(c, 2024, None)])[0] for c in citations]
    want = [resolve(c, everything, source_year=2024) for c in citations]
    assert [(r.doc_id, r.method) for r in got] == [(r.doc_id, r.method) for r in want]
    methods = {r.method for r in want}
    assert {"doc_number", "title_exact", "title_fuzzy", None} <= methods  # every path was exercised
