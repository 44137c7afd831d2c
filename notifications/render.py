"""Rendering digests and confirmation mails with Jinja2 (HTML autoescaped, text as is)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from notifications.digest import KIND_LABELS, Digest, subject, trim
from notifications.links import Links
from notifications.model import GROUP_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
FREQUENCY_LABELS = {"immediate": "即时", "daily": "每日", "weekly": "每周", "monthly": "每月"}
CHAT_ITEMS = 5  # per group in a chat summary


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _env(autoescape: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=False) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,  # a block tag's own line leaves no blank line; indentation is kept
        keep_trailing_newline=True,
        auto_reload=False,  # templates are part of the release: no stat() per rendered email
    )


def _tidy(text: str) -> str:
    """Plain text without the runs of blank lines that template blocks leave behind."""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@dataclass(frozen=True)
class DigestBody:
    """The part of a digest email every subscriber with the same events shares (cacheable)."""

    subject: str
    html: str
    text: str


# (group key in Digest.counts, heading, Digest attribute, macro in items.html/items.txt, a <ul>?)
GROUP_LAYOUT = (
    ("new", GROUP_LABELS["new"], "new_documents", "new_item", True),
    ("superseded", GROUP_LABELS["superseded"], "superseded", "superseded_item", True),
    ("amended", GROUP_LABELS["amended"], "amended", "amended_item", False),
    ("cites_repealed", GROUP_LABELS["cites_repealed"], "cites_repealed", "cites_item", True),
)
MAX_FRAGMENTS = 50_000


class Fragments:
    """Each digest item rendered once (HTML and text) and reused by every email that lists it.

    Items are frozen values, so an item equal to one seen before renders the same.
    """

    def __init__(self, links: Links) -> None:
        self.links = links
        self._html = _env(True).get_template("items.html").module
        self._text = _env(False).get_template("items.txt").module
        self._cache: dict[tuple[str, object], tuple[str, str]] = {}

    def get(self, macro: str, item: object) -> tuple[str, str]:
        key = (macro, item)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= MAX_FRAGMENTS:
                self._cache.clear()
            html = getattr(self._html, macro)(item, self.links, KIND_LABELS)
            text = getattr(self._text, macro)(item, self.links, KIND_LABELS)
            found = self._cache[key] = (Markup(html), str(text).strip("\n"))
        return found


def render_digest_body(digest: Digest, links: Links, fragments: Fragments | None = None) -> DigestBody:
    """The digest's content as one email shows it (see ``trim``), HTML and plain text."""
    shown = trim(digest)
    fragments = fragments or Fragments(links)
    counts = shown.counts
    html_groups, text_groups = [], []
    for key, title, attribute, macro, listed in GROUP_LAYOUT:
        parts = [fragments.get(macro, item) for item in getattr(shown, attribute)]
        group = {"title": title, "count": counts[key], "more": shown.more(key), "listed": listed}
        # Each fragment on its own line, joined here rather than looped over in the template.
        html_groups.append({**group, "listing": Markup("".join(f"{html}\n" for html, _ in parts))})
        text_groups.append({**group, "listing": "".join(f"{text}\n" for _, text in parts)})
    html = _env(True).get_template("digest_body.html").render(digest=shown, links=links, groups=html_groups)
    text = _env(False).get_template("digest_body.txt").render(digest=shown, links=links, groups=text_groups)
    return DigestBody(subject(digest), html, _tidy(text))


@dataclass(frozen=True)
class FrameStart:
    """A digest email up to its footer: the same for every subscriber of one body."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class FrameEnd:
    """One subscriber's footer: their address, frequency and unsubscribe link."""

    text: str
    html: str


def frame_start(body: DigestBody) -> FrameStart:
    html = _env(True).get_template("digest_top.html").render(subject=body.subject)
    return FrameStart(body.subject, body.text, html + body.html)


def frame_end(*, email: str, frequency: str, unsubscribe_url: str) -> FrameEnd:
    context = {
        "email": email,
        "unsubscribe_url": unsubscribe_url,
        "frequency_label": FREQUENCY_LABELS.get(frequency, frequency),
    }
    html = _env(True).get_template("digest_end.html").render(context)
    text = _env(False).get_template("digest_end.txt").render(context)
    # The body's text is tidy already and ends in one newline: a blank line, then the footer.
    return FrameEnd("\n" + _tidy(text), html)


def render_frame(body: DigestBody, *, email: str, frequency: str, unsubscribe_url: str) -> Rendered:
    """One subscriber's email around a shared body: the address and the unsubscribe link."""
    start = frame_start(body)
    end = frame_end(email=email, frequency=frequency, unsubscribe_url=unsubscribe_url)
    return Rendered(start.subject, start.text + end.text, start.html + end.html)


def render_digest(
    digest: Digest, *, email: str, frequency: str, links: Links, unsubscribe_url: str
) -> Rendered:
    body = render_digest_body(digest, links)
    return render_frame(body, email=email, frequency=frequency, unsubscribe_url=unsubscribe_url)


def render_confirmation(*, email: str, frequency: str, confirm_url: str) -> Rendered:
    """The double opt-in mail. It carries nothing the requester typed but the address itself:
    a stranger can make regtrack write to any address, never make it say what they want."""
    context = {
        "email": email,
        "frequency_label": FREQUENCY_LABELS.get(frequency, frequency),
        "confirm_url": confirm_url,
    }
    html = _env(True).get_template("confirm.html").render(context)
    text = _env(False).get_template("confirm.txt").render(context)
    return Rendered("请确认订阅 regtrack 法规动态", _tidy(text), html)


def render_chat(digest: Digest) -> tuple[str, str]:
    """(title, body) of the short summary sent to chat channels."""
    shown = sum(min(n, CHAT_ITEMS) for n in digest.counts.values())
    context = {
        "digest": digest,
        "labels": KIND_LABELS,
        "subject": subject(digest),
        "more": digest.total - shown,
    }
    body = _env(False).get_template("chat.txt").render(context)
    lines = [line for line in body.splitlines() if line.strip()]
    return lines[0], "\n".join(lines[1:])
