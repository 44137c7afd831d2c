"""Plain, frozen data that flows out of ingest and into storage, linking and diffing.

Nothing here touches a database, a network or Prefect: these are the values the pure stages
pass to each other. Storage maps them onto rows; diffing and linking read them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ingest.notices import Notice


@dataclass(frozen=True)
class Article:
    """One comparable unit of a document: a 条, or a 一、/（一） item, or a paragraph.

    ``label`` is the stable key used by diffs, database rows and URLs, e.g. ``ch2/a15``
    (第二章 第十五条), ``s3/a40`` when sections exist without chapters, ``i2/si3`` (二、（三）),
    ``p7`` (seventh paragraph of an unstructured text).
    """

    label: str
    kind: str  # "article" | "item" | "subitem" | "paragraph"
    number: int | None  # 第三十二条 -> 32; （三） -> 3; None for paragraphs
    heading: str  # the marker as written: "第三十二条", "一、", "（三）", "" for paragraphs
    path: tuple[str, ...]  # enclosing headings, e.g. ("第一章 总则",) or ("第二章 …", "第一节 …")
    text: str  # original text of the unit (marker included), PDF line breaks joined
    line: int  # 1-based line in the compilation where the unit starts


@dataclass(frozen=True)
class ParsedDocument:
    """One document found in a compilation, with its metadata and structure.

    ``doc_number`` is the 文号 as written; ``doc_number_canonical`` compares equal across
    bracket, space and dash variants (see ``ingest.docnumber``). Dates are None when unknown.
    """

    title: str
    text: str  # original text of the whole document (display form), metadata block excluded
    start_line: int  # 1-based, inclusive, in the compilation
    end_line: int
    doc_number: str | None = None
    doc_number_canonical: str | None = None
    issuers: tuple[str, ...] = ()
    written_date: date | None = None  # 成文日期
    published_date: date | None = None  # 发布日期
    effective_date: date | None = None  # 施行日期
    expiry_date: date | None = None  # 有效期至 / 有效期X年 from the effective date
    category: str | None = None  # 类别
    keywords: tuple[str, ...] = ()  # 关键字
    articles: tuple[Article, ...] = ()
    attachments: tuple[ParsedDocument, ...] = ()  # 附件: documents of their own, children of this one
    attachment_label: str | None = None  # "附件1" when this document is an attachment


@dataclass(frozen=True)
class ParsedCompilation:
    """A whole input file split into documents, with what the parser noticed on the way."""

    kind: str  # "monthly" (汇编 with metadata blocks) | "gazette" (公报) | "circulars" | "single"
    title: str | None
    documents: tuple[ParsedDocument, ...]
    encoding: str  # what decoding detected, e.g. "utf-8", "gb18030", "pdf"
    warnings: tuple[Notice, ...] = field(default=())
