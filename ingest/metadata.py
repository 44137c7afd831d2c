"""Fill a ``ParsedDocument`` from its span: the metadata block when there is one, else the header
(title, 文号 line) and the signature block under the body (issuers, date)."""

from __future__ import annotations

import re
from datetime import date

from ingest.dates import effective_date_from, expiry_from, find_dates, parse_date
from ingest.docnumber import (
    ORDER_NUMBER_RE,
    STANDARD_RE,
    canonical_doc_number,
    canonical_order_number,
    strip_spaces,
)
from ingest.header import Header, read_header
from ingest.issuers import complete_from_signature, is_issuer_line, issuers_in_title, split_issuers
from ingest.model import ParsedDocument
from ingest.notices import Notice
from ingest.segment import DocumentSpan
from ingest.structure import parse_structure

_MAX_SIGNATURE_LINES = 10
_INNER_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
# 003 line 442 "（新华社北京2023年3月23日电）": a dateline closing a news release.
_DATELINE_RE = re.compile(r"^[（(][^（()）]{0,30}[）)]$")
# 003 line 3 "近日，中共中央办公厅、国务院办公厅印发了《…》": the issuers named in the lead sentence.
_LEAD_ISSUERS_RE = re.compile(
    r"^(?:近日|日前)?[，,]?(?P<orgs>[^，,。《》]{2,80}?)(?:联合)?(?:印发|发布)了?《"
)
_KEYWORD_SPLIT = re.compile(r"[\s、，,；;]+")
_DRAFT_MARK = "征求意见"


def clean_heading(raw: str) -> str:
    """A printed heading as a title: PDF spaces between Chinese characters dropped, a doubled
    heading (003 line 1 "《X》《X》") read once, quoting 《》 around the whole title removed."""
    title = _INNER_SPACE.sub("", raw.strip())
    half = len(title) // 2
    if len(title) % 2 == 0 and half and title[:half] == title[half:]:
        title = title[:half]
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    return title


def _field(span: DocumentSpan, name: str) -> str | None:
    """The metadata field's value as written (None when the block has no such field)."""
    values = [value for key, value in span.metadata if key == name]
    return values[0].strip() if values else None


def _field_date(value: str | None) -> date | None:
    if not value:
        return None
    found = find_dates(value)
    return found[0][2] if found else parse_date(value)


def signature(lines: list[str], start: int, end: int) -> tuple[list[str], date | None]:
    """Issuers and date of the first signature block in lines [start, end) (0-based): a date alone
    on its line under lines that hold only body names. A date line without names gives the date."""
    first_date: date | None = None
    for j in range(start, end):
        signed = parse_date(lines[j].strip()) if lines[j].strip() else None
        if signed is None:
            continue
        names = _names_above(lines, j, start)
        if names:
            return names, signed
        first_date = first_date or signed
    return [], first_date


def _names_above(lines: list[str], index: int, floor: int) -> list[str]:
    picked: list[int] = []
    j = index - 1
    while j >= floor and len(picked) < _MAX_SIGNATURE_LINES:
        text = lines[j].strip()
        if text:
            if not is_issuer_line(text):
                break
            picked.append(j)
        j -= 1
    names: list[str] = []
    for k in reversed(picked):
        names += [name for name in split_issuers(lines[k].strip()) if name not in names]
    return names


def _dateline(lines: list[str], start: int, end: int) -> date | None:
    for j in range(end - 1, start - 1, -1):
        text = lines[j].strip()
        if text:
            found = find_dates(text) if _DATELINE_RE.match(text) else []
            return found[0][2] if found else None
    return None


def _lead_issuers(lines: list[str], start: int, end: int) -> list[str]:
    seen = 0
    for j in range(start, end):
        text = lines[j].strip()
        if not text:
            continue
        match = _LEAD_ISSUERS_RE.match(text)
        if match:
            names = split_issuers(match["orgs"])
            if names and all(is_issuer_line(name) for name in names):
                return names
        seen += 1
        if seen > 4:
            break
    return []


def _doc_number(span: DocumentSpan, header: Header | None = None) -> tuple[str | None, str | None]:
    field = _field(span, "发文字号")
    raw = (field or None) if field is not None else span.doc_number or (header.identifier if header else None)
    if not raw:
        return None, None
    # A standard's number keeps its one space (WS/T 347—2024); a 文号's stray spaces go (001 line 513).
    written = " ".join(raw.split()) if STANDARD_RE.fullmatch(raw.strip()) else strip_spaces(raw)
    try:
        return written, canonical_doc_number(written)
    except ValueError:
        return written, None


# l28 "中华人民共和国海关总署令第269号" / "《中华人民共和国实施金伯利进程证书制度管理规定》已于2024年7月23日
# 经海关总署署务会议审议通过，现予公布，自2024年9月1日起施行。"
_PUBLISHES = re.compile(r"^\s*《(?P<title>[^《》]{4,120})》[^。]{0,80}现予(?:公布|发布|印发)")
_PUBLISHES_LINES = 6


def _published_title(lines: list[str]) -> str | None:
    """The title of the rule an order page publishes, from its opening sentence."""
    seen = 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith("<!--"):
            continue
        if found := _PUBLISHES.match(line):
            return found["title"]
        seen += 1
        if seen >= _PUBLISHES_LINES:
            break
    return None


def _issuers(span: DocumentSpan, signed: list[str], lead: list[str], title: str) -> tuple[str, ...]:
    field = _field(span, "发文机关")
    if field:
        return tuple(complete_from_signature(field, signed))
    return tuple(signed or lead or issuers_in_title(title))


def _own_dates(
    text: str, title: str, written: date | None, published: date | None
) -> tuple[date | None, date | None]:
    """施行 and 有效期 dates the text states for itself; a draft for comment (征求意见稿) has neither."""
    if _DRAFT_MARK in title:
        return None, None
    effective = effective_date_from(text, written=written, published=published)
    return effective, expiry_from(text, start=effective or written)


# The 〔year〕 of a 文号 in any bracket; an announcement number (2024年第3号, 001 line 3102) has none.
_BRACKETED_YEAR_RE = re.compile(r"[〔\[［(（【][0-9０-９〇一二三四五六七八九零]{4}[〕\]］)）】]")


def field_problems(span: DocumentSpan) -> list[Notice]:
    """Warnings for metadata fields whose value could not be read: the parse leaves a date empty
    and keeps a 文号 as written rather than guess, and says so here."""
    problems = []
    for name in ("成文日期", "发布日期"):
        value = _field(span, name)
        if value and _field_date(value) is None:
            problems.append(Notice("invalid_date", {"field": name, "value": value}, span.start_line))
    written, canonical = _doc_number(span)
    if written and canonical is None and _BRACKETED_YEAR_RE.search(written):  # a 文号, misprinted
        problems.append(Notice("unknown_doc_number", {"value": written}, span.start_line))
    return problems


def document_from_span(lines: list[str], span: DocumentSpan) -> ParsedDocument:
    """The ``ParsedDocument`` for one span of ``lines`` (the compilation's lines, 0-based)."""
    body, end = span.body_line - 1, span.end_line
    text = "\n".join(lines[body:end])
    field_title = _field(span, "标题")
    title = field_title or clean_heading(span.title)
    attachments = tuple(document_from_span(lines, child) for child in span.attachments)
    if span.attachment_label:
        effective, expiry = _own_dates(text, title, None, None)
        return ParsedDocument(
            title=title, text=text, start_line=span.start_line, end_line=span.end_line,
            effective_date=effective, expiry_date=expiry, articles=parse_structure(text, span.body_line),
            attachments=attachments, attachment_label=span.attachment_label,
        )  # fmt: skip
    order = None if field_title else ORDER_NUMBER_RE.fullmatch(title)
    if order:  # a 令 published under its number: the rule it publishes names the document
        title = _published_title(lines[body:end]) or title
    # The 题注 of a law or regulation (h05) when no metadata block says the same.
    header = None if span.metadata else read_header(lines[body:end], title)
    signed, signed_date = signature(lines, body, end)
    if header and header.issuers:
        signed = list(header.issuers)
    lead = [] if signed or _field(span, "发文机关") else _lead_issuers(lines, body, end)
    written = _field_date(_field(span, "成文日期")) or signed_date or _dateline(lines, body, end)
    published = _field_date(_field(span, "发布日期")) or (header.published_date if header else None)
    effective, expiry = _own_dates(text, title, written, published)
    if header and header.effective_date:
        effective = header.effective_date  # h10 "2000年1月1日 施行", h04 "发布之日施行"
    doc_number, canonical = _doc_number(span, header)
    if order and doc_number is None:
        doc_number, canonical = order.group(), canonical_order_number(order)
        signed = signed or [order["issuer"]]
    keywords = _field(span, "关键字") or ""
    return ParsedDocument(
        title=title,
        text=text,
        start_line=span.start_line,
        end_line=span.end_line,
        doc_number=doc_number,
        doc_number_canonical=canonical,
        issuers=_issuers(span, signed, lead, title),
        written_date=written,
        published_date=published,
        effective_date=effective,
        expiry_date=expiry,
        category=_field(span, "类别") or None,
        keywords=tuple(k for k in _KEYWORD_SPLIT.split(keywords) if k),
        articles=parse_structure(text, span.body_line),
        attachments=attachments,
    )
