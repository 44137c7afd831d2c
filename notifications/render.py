"""Rendering digests and confirmation mails with Jinja2 (HTML autoescaped, text as is)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications.digest import KIND_LABELS, Digest, subject
from notifications.links import Links

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
    )


def _tidy(text: str) -> str:
    """Plain text without the runs of blank lines that template blocks leave behind."""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_digest(
    digest: Digest, *, email: str, frequency: str, links: Links, unsubscribe_url: str
) -> Rendered:
    context = {
        "digest": digest,
        "email": email,
        "links": links,
        "labels": KIND_LABELS,
        "unsubscribe_url": unsubscribe_url,
        "frequency_label": FREQUENCY_LABELS.get(frequency, frequency),
        "subject": subject(digest),
    }
    html = _env(True).get_template("digest.html").render(context)
    text = _env(False).get_template("digest.txt").render(context)
    return Rendered(context["subject"], _tidy(text), html)


def render_confirmation(*, email: str, description: str, frequency: str, confirm_url: str) -> Rendered:
    context = {
        "email": email,
        "description": description,
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
