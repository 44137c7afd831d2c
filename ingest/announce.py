"""What a source announces: the compilation links in an RSS/Atom feed or an HTML listing page.

Pure functions over bytes already fetched: no network, no database. A feed is checked for
DTD and entity declarations before feedparser sees it, so an entity-expansion bomb ("billion
laughs") or an external entity is refused instead of expanded.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
import feedparser
from bs4 import BeautifulSoup, Tag

from ingest.errors import IngestError

# File types a compilation is published as (text, PDF, Word, or an HTML page of its own).
COMPILATION_SUFFIXES = (".txt", ".pdf", ".docx", ".doc", ".html", ".htm", ".shtml")

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)\b", re.IGNORECASE)
# 2024-03-15, 2024/3/15, 2024.03.15, 2024年3月15日: dates printed beside links on listing pages.
_DATE = re.compile(r"(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


class FeedError(IngestError):
    """A feed is unsafe (DTD or entity declarations) or is not an RSS/Atom feed at all."""


@dataclass(frozen=True)
class AnnouncedItem:
    """One compilation a source points to: its absolute URL, its title and date when given."""

    url: str
    title: str | None = None
    published: dt.date | None = None


def links_from_feed(data: bytes, base_url: str) -> list[AnnouncedItem]:
    """The compilations an RSS/Atom feed lists (enclosures first, else entry links), in feed order."""
    _refuse_declarations(data, base_url)
    # A stream, so feedparser never treats the bytes as a URL or a path; relative links are
    # resolved here with urljoin, which keeps file:/// URLs intact.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = getattr(parsed, "bozo_exception", None) or "no feed elements"
        raise FeedError(f"{base_url}: not an RSS/Atom feed ({_first_line(reason)})")
    items = []
    for entry in parsed.entries:
        href = _entry_href(entry)
        if href:
            items.append(
                AnnouncedItem(_absolute(base_url, href), _clean(entry.get("title")), _entry_date(entry))
            )
    return _unique(items)


def links_from_page(html: bytes, base_url: str) -> list[AnnouncedItem]:
    """Links to compilation files (.txt/.pdf/.docx/.doc/.html) on an HTML listing page."""
    soup = BeautifulSoup(html, "html.parser")
    base_tag = soup.find("base", href=True)
    base = urljoin(base_url, str(base_tag["href"])) if base_tag else base_url
    page = urldefrag(base_url).url
    items = []
    for anchor in soup.find_all("a", href=True):
        assert isinstance(anchor, Tag)
        url = _absolute(base, str(anchor["href"]))
        if url == page or not _is_compilation_link(url, page):
            continue
        title = _clean(anchor.get_text(" ", strip=True)) or _clean(anchor.get("title"))
        items.append(AnnouncedItem(url, title, _nearby_date(anchor)))
    return _unique(items)


def _refuse_declarations(data: bytes, base_url: str) -> None:
    if _DECLARATION.search(_markup_text(data)):
        raise FeedError(
            f"{base_url}: refused: the feed declares a DTD or entities (possible entity-expansion attack)"
        )
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise FeedError(f"{base_url}: refused: unsafe XML ({type(exc).__name__})") from exc
    except (ParseError, ValueError, LookupError):
        pass  # not well-formed: feedparser's lenient parser copes, and it never sees a declaration


def _markup_text(data: bytes) -> str:
    """The bytes as text good enough to find ASCII markup, whatever the XML encoding."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) == 4 and 0 in head[:2]):
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    # Markup is ASCII in every ASCII-compatible encoding (UTF-8, GB18030, Big5 …).
    return data.decode("latin-1")


def _entry_href(entry: feedparser.FeedParserDict) -> str | None:
    links = entry.get("links") or []
    for rel in ("enclosure", "alternate"):
        for link in links:
            if link.get("rel", "alternate") == rel and link.get("href"):
                return str(link["href"])
    link = entry.get("link")
    return str(link) if link else None


def _entry_date(entry: feedparser.FeedParserDict) -> dt.date | None:
    """The date as written in the feed's own time zone (feedparser's parsed form is in UTC)."""
    raw = str(entry.get("published") or entry.get("updated") or "").strip()
    for parse in (dt.datetime.fromisoformat, email.utils.parsedate_to_datetime):
        try:
            return parse(raw).date()
        except (ValueError, TypeError, IndexError):
            continue
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None


def _is_compilation_link(url: str, page: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "file"):
        return False
    path = parts.path.lower()
    if not path.endswith(COMPILATION_SUFFIXES):
        return False
    # An HTML link elsewhere is navigation, not a compilation: keep only this site's pages.
    if path.endswith((".html", ".htm", ".shtml")):
        return parts.netloc == urlsplit(page).netloc
    return True


def _nearby_date(anchor: Tag) -> dt.date | None:
    """A date printed in the link's text or in its own list item / table row."""
    for node in (anchor, anchor.find_parent(["li", "tr", "p", "dd", "dt"])):
        match = _DATE.search(node.get_text(" ", strip=True)) if node is not None else None
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def _absolute(base: str, href: str) -> str:
    return urldefrag(urljoin(base, href.strip())).url


def _unique(items: list[AnnouncedItem]) -> list[AnnouncedItem]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            out.append(item)
    return out


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return lines[0] if lines else type(value).__name__
