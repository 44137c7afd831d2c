"""Chat channels through Apprise (WeCom, DingTalk, Feishu, Slack, … or json:// webhooks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from notifications.errors import ChatError


def _apprise() -> Any:
    """A new Apprise notifier. Apprise loads every service plugin on import (a few tenths of a
    second): only a run that has a chat channel pays for it, not every digest worker and command."""
    import apprise

    return apprise.Apprise()


def redact(url: str) -> str:
    """scheme://host only: Apprise URLs carry their tokens in the path and user parts."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '…'}"


def check_apprise_url(url: str) -> str:
    """The URL, stripped, if Apprise knows its service; ChatError otherwise."""
    url = (url or "").strip()
    if not url or not _apprise().add(url):
        raise ChatError(f"{redact(url) if url else 'an empty URL'} is not an Apprise URL Apprise can send to")
    return url


def send_chat(urls: Iterable[str], title: str, body: str) -> None:
    """Send one short summary to every URL; ChatError if any service did not take it."""
    failed = []
    for url in urls:
        notifier = _apprise()
        if not notifier.add(url) or not notifier.notify(title=title, body=body):
            failed.append(redact(url))
    if failed:
        raise ChatError(f"chat summary not delivered to {', '.join(failed)}")
