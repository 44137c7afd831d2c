"""SQLAlchemy 2 typed models: the whole product's data, on SQLite and PostgreSQL alike.

Uniqueness that makes re-ingest and re-sending idempotent lives here, in the schema:
a blob per sha256, a compilation per sha256, a document per identity key, a version per
(document, content hash), a relation per (source, target, kind, scope), a delivery per
(subscriber, frequency, period).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names so Alembic batch migrations work on SQLite.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, list[str]: JSON}


def _now() -> Any:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Blob(Base):
    """Raw input bytes, content-addressed, stored before any parsing."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = _now()


class Source(Base):
    """Where compilations come from: a feed, a listing page, or a local file/folder."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # feed | page | file
    name: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = _now()


class Compilation(Base):
    """One ingested input file (汇编, 公报, a run of circulars, a single document)."""

    __tablename__ = "compilations"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(2000))  # path or URL it was read from
    media: Mapped[str | None] = mapped_column(String(16))  # text | pdf | html | docx
    encoding: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str | None] = mapped_column(String(16))  # monthly | gazette | circulars | single
    title: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | ingested | failed
    error: Mapped[str | None] = mapped_column(Text)
    parser_version: Mapped[str | None] = mapped_column(String(40))
    parse_report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fetched_at: Mapped[datetime] = _now()
    ingested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    documents_added: Mapped[int] = mapped_column(Integer, default=0)
    documents_updated: Mapped[int] = mapped_column(Integer, default=0)


class Document(Base):
    """An instrument, whatever versions of it we have seen, or only a citation of it.

    ``identity_key`` is what makes a document the same document across compilations:
    ``dn:<canonical 文号>``, else ``t:<title key>|<issuer>|<written date>``, and for an
    attachment ``att:<parent id>:<label>``.
    """

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(600), unique=True)
    doc_number: Mapped[str | None] = mapped_column(String(200))  # 文号 as written
    doc_number_canonical: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(1000))
    title_key: Mapped[str | None] = mapped_column(String(1000), index=True)
    # The title key read backwards: its sort order puts titles that end alike side by side, so a
    # fuzzy title match finds its candidates by two index range scans instead of a full scan.
    title_key_reversed: Mapped[str | None] = mapped_column(String(1000), index=True)
    issuers: Mapped[list[str]] = mapped_column(default=list)
    issuer: Mapped[str | None] = mapped_column(String(500), index=True)  # issuers joined with 、
    written_date: Mapped[date | None] = mapped_column(Date)
    published_date: Mapped[date | None] = mapped_column(Date)
    effective_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(200), index=True)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    is_attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    attachment_label: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    compilation_id: Mapped[int | None] = mapped_column(ForeignKey("compilations.id", ondelete="SET NULL"))
    line: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = _now()
    # Set in Python, not with now(): Prefect replaces SQLite's now() compilation process-wide, and
    # its form is refused inside a multi-row UPDATE (the batched document store).
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=lambda: datetime.now(UTC)
    )

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        order_by="DocumentVersion.version_no",
        cascade="all, delete-orphan",
        foreign_keys="DocumentVersion.document_id",
    )


class DocumentVersion(Base):
    """One text of a document. A document seen again with different text gets a new version.

    A ``derived`` version was not read from any input: it is its ``basis_version`` with the
    instructions of the amendment decision ``decision_document_id`` applied (``linking.consolidate``),
    in force from ``effective_date``; ``provenance`` lists the instructions applied and, once the
    official republished text has been read, how it compared (``verified`` when equal). One
    decision derives at most one version of a document.
    """

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "content_hash"),
        UniqueConstraint("document_id", "version_no"),
        UniqueConstraint("document_id", "decision_document_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the comparison key of the text
    text: Mapped[str] = mapped_column(Text)
    compilation_id: Mapped[int | None] = mapped_column(ForeignKey("compilations.id", ondelete="SET NULL"))
    start_line: Mapped[int | None] = mapped_column(Integer)
    end_line: Mapped[int | None] = mapped_column(Integer)
    parser_version: Mapped[str | None] = mapped_column(String(40))
    derived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    basis_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL")
    )
    decision_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    effective_date: Mapped[date | None] = mapped_column(Date)
    verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    provenance: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime] = _now()

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    articles: Mapped[list[Article]] = relationship(
        order_by="Article.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Article(Base):
    """A comparable unit of one version: a 条, a 一、/（一） item, or a paragraph."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("version_id", "position"), Index(None, "version_id", "label"))
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int | None] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(100), default="")
    path: Mapped[list[str]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)


class Relation(Base):
    """One effect in the ledger: source repeals/replaces/amends/... target, from a dated sentence.

    ``origin`` is ``extracted`` (re-created by every re-link) or ``manual`` (an override that
    survives re-linking); a manual removal is a ``manual`` row with ``suppressed`` set, which
    keeps the extractor from bringing the relation back.
    """

    __tablename__ = "relations"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "kind", "scope"),
        # (document, kind): "what cites X", "what replaced X" are one index range, and SQLite's
        # planner (no statistics) no longer prefers scanning every relation of a kind.
        Index(None, "source_id", "kind"),
        Index(None, "target_id", "kind"),
        Index(None, "compilation_id", "line"),  # the relations a document's lines state (linking)
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    scope: Mapped[str] = mapped_column(String(2000), default="whole")  # an amendment lists its articles
    effective_date: Mapped[date | None] = mapped_column(Date)
    quote: Mapped[str | None] = mapped_column(Text)
    compilation_id: Mapped[int | None] = mapped_column(ForeignKey("compilations.id", ondelete="SET NULL"))
    line: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(String(16), default="extracted")  # extracted | manual
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = _now()


class VersionDiff(Base):
    """A stored article-level comparison of two versions (computed once, read by digests and web)."""

    __tablename__ = "version_diffs"
    __table_args__ = (UniqueConstraint("old_version_id", "new_version_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    old_version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    new_version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the JSON contract of diffing
    created_at: Mapped[datetime] = _now()


class ChangeEvent(Base):
    """Something a subscriber may want to hear about. ``event_key`` makes each one unique."""

    __tablename__ = "change_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(300), unique=True)
    # new_document | repealed | replaced | amended | partially_repealed | expired | article_changed | cites_repealed
    kind: Mapped[str] = mapped_column(String(24), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    # Indexed so that deleting a document or a relation does not scan every event for the cascade.
    related_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    relation_id: Mapped[int | None] = mapped_column(
        ForeignKey("relations.id", ondelete="CASCADE"), index=True
    )
    version_diff_id: Mapped[int | None] = mapped_column(ForeignKey("version_diffs.id", ondelete="CASCADE"))
    article_label: Mapped[str | None] = mapped_column(String(200))
    effective_date: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    compilation_id: Mapped[int | None] = mapped_column(ForeignKey("compilations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )


class Subscriber(Base):
    __tablename__ = "subscribers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _now()

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan"
    )


class Subscription(Base):
    """What one subscriber wants: filters (issuer, category, keyword, kinds, documents) and a rhythm."""

    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    frequency: Mapped[str] = mapped_column(String(16), default="monthly")  # immediate|daily|weekly|monthly
    apprise_urls: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = _now()
    # signed into its confirmation link: a link never confirms another subscription that got the
    # same id after this one was deleted (SQLite hands out a deleted row's id again)
    confirm_nonce: Mapped[str | None] = mapped_column(String(32))

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")


class Delivery(Base):
    """The outbox: one row per (subscriber, frequency, period); a period is never sent twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("subscriber_id", "frequency", "period_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(16))
    period_key: Mapped[str] = mapped_column(String(40))  # e.g. 2024-03, 2024-W12, 2024-03-19
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|failed|empty
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(300))
    event_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = _now()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DataVersion(Base):
    """One row: a counter every committed write bumps (``storage.dataversion``).

    Readers key what they derive from the data on it — the web's page cache — so a change made by
    any process (a scheduled ingest, the CLI) is seen at the next request.
    """

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class RateMark(Base):
    """One counted action (a confirmation mail to an address, a subscribe from a client, a failed
    admin login) for rate limits that hold across web workers (``storage.ratelimits``).
    Short-lived: not exported."""

    __tablename__ = "rate_marks"
    __table_args__ = (Index("ix_rate_marks_bucket_at", "bucket", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Job(Base):
    """A re-ingest started from the admin page, visible to every web worker (``storage.jobs``).
    At most one runs at a time: the partial unique index admits one ``running`` row. Operational
    state: not exported."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index(
            "ux_jobs_one_running",
            "kind",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "reingest"
    compilation_ids: Mapped[list[int] | None] = mapped_column(JSON)  # None: every compilation
    status: Mapped[str] = mapped_column(String(10))  # running | done | failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text, default="")
