"""Shared by the notification tests (no tests here): their settings, and builders that store
documents, relations, version diffs and change events the way linking and diffing do. (The SMTP
server is tests/support/smtp.py; the webhook receiver is the site of tests/support/sites.py.)"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, update

from ingest.docnumber import canonical_doc_number
from regtrack.settings import Settings, load_settings
from storage.db import transaction
from storage.models import ChangeEvent, Document, DocumentVersion, Relation, Subscription, VersionDiff

SECRET = "test-secret-key"
BASE_URL = "https://regtrack.test"


def make_settings(tmp_path: Path, db_url: str, smtp_url: str | None = None) -> Settings:
    return dataclasses.replace(
        load_settings(),
        var_dir=tmp_path / "var",
        database_url=db_url,
        smtp_url=smtp_url,
        secret_key=SECRET,
        base_url=BASE_URL,
        mail_from="regtrack <digest@regtrack.test>",
    )


def utc(*args: int) -> datetime:
    """A naive UTC timestamp, as both backends store it through the ORM."""
    return datetime(*args, tzinfo=UTC).replace(tzinfo=None)


# -- data the way linking and diffing store it -------------------------------------------------


def add_document(engine: Engine, title: str, **fields: Any) -> int:
    if fields.get("doc_number"):
        fields.setdefault("doc_number_canonical", canonical_doc_number(fields["doc_number"]))
    with transaction(engine, write=True) as session:
        doc = Document(identity_key=fields.pop("identity_key", f"t:{title}"), title=title, **fields)
        session.add(doc)
        session.flush()
        return doc.id


def add_relation(engine: Engine, source_id: int, target_id: int, kind: str, effective: date | None) -> int:
    with transaction(engine, write=True) as session:
        rel = Relation(source_id=source_id, target_id=target_id, kind=kind, effective_date=effective)
        session.add(rel)
        session.flush()
        return rel.id


def add_diff(engine: Engine, document_id: int, articles: list[dict[str, Any]]) -> int:
    """Two versions of the document and their stored diff (diffing's JSON contract)."""
    with transaction(engine, write=True) as session:
        versions = [
            DocumentVersion(
                document_id=document_id, version_no=n, content_hash=f"h{document_id}-{n}", text="…"
            )
            for n in (1, 2)
        ]
        session.add_all(versions)
        session.flush()
        diff = {
            "old": {"ref": "v1", "title": "old"},
            "new": {"ref": "v2", "title": "new"},
            "summary": {"modified": len(articles)},
            "articles": articles,
        }
        row = VersionDiff(old_version_id=versions[0].id, new_version_id=versions[1].id, diff=diff)
        session.add(row)
        session.flush()
        return row.id


def article(label: str, number: int, ops: list[list[Any]], change: str = "modified") -> dict[str, Any]:
    return {
        "change": change,
        "old_label": label,
        "new_label": label,
        "old_number": number,
        "new_number": number,
        "similarity": 0.8,
        "ops": ops,
    }


def add_event(engine: Engine, kind: str, document_id: int, created_at: datetime, **fields: Any) -> int:
    with transaction(engine, write=True) as session:
        key = fields.pop(
            "event_key", f"{kind}:{document_id}:{fields.get('related_document_id')}:{created_at}"
        )
        event = ChangeEvent(
            event_key=key, kind=kind, document_id=document_id, created_at=created_at, **fields
        )
        session.add(event)
        session.flush()
        return event.id


def backdate_subscriptions(engine: Engine, when: datetime) -> None:
    """Subscriptions made "before" the test's periods (they count from their creation on)."""
    with transaction(engine, write=True) as session:
        session.execute(update(Subscription).values(created_at=when))


@dataclasses.dataclass(frozen=True)
class March:
    old: int  # 国家卫生应急队伍管理办法(试行), 卫办应急发〔2010〕183号
    new: int  # 国家卫生应急队伍管理办法, 国卫医急发〔2024〕11号
    amended: int
    citing: int
    relation: int
    diff: int


def march_2024(engine: Engine) -> March:
    """001 line 876's headline case plus an amendment and a citing document, all in March 2024."""
    old = add_document(
        engine,
        "国家卫生应急队伍管理办法(试行)",
        doc_number="卫办应急发〔2010〕183号",
        issuer="卫生部办公厅",
        category="医政",
        placeholder=True,
    )
    new = add_document(
        engine,
        "国家卫生应急队伍管理办法",
        doc_number="国卫医急发〔2024〕11号",
        issuer="国家卫生健康委员会",
        category="医政",
        effective_date=date(2024, 3, 1),
    )
    amended = add_document(
        engine,
        "医疗机构管理条例实施细则 <修订> & 附则",
        doc_number="国卫医发〔2024〕5号",
        issuer="国家卫生健康委员会",
        category="医疗管理",
        keywords=["医疗机构", "校验"],
    )
    citing = add_document(
        engine, "关于做好卫生应急队伍建设的通知", issuer="某省卫生健康委员会", category="医政"
    )
    relation = add_relation(engine, new, old, "repeals", date(2024, 3, 1))
    diff = add_diff(
        engine,
        amended,
        [
            article("ch2/a5", 5, [[0, "第五条 医疗机构校验期为"], [-1, "三年"], [1, "一年"], [0, "。"]]),
            article("ch2/a6", 6, [[0, "第六条 本细则自发布之日起施行。"]], change="unchanged"),
            article("ch3/a9", 9, [[1, "第九条 新增的条文<b>。"]], change="added"),
        ],
    )
    when = utc(2024, 3, 12, 2, 0)
    add_event(engine, "new_document", new, when)
    add_event(
        engine,
        "repealed",
        old,
        when,
        related_document_id=new,
        relation_id=relation,
        effective_date=date(2024, 3, 1),
    )
    add_event(engine, "amended", amended, when, version_diff_id=diff, summary="修改1条，新增1条")
    add_event(engine, "cites_repealed", citing, when, related_document_id=old)
    return March(old, new, amended, citing, relation, diff)
