"""Chat channels through Apprise (WeCom, DingTalk, Feishu, Slack, … or json:// webhooks)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import apprise

from notifications.errors import ChatError


def redact(url: str) -> str:
    """scheme://host only: Apprise URLs carry their tokens in the path and user parts."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '…'}"


def check_apprise_url(url: str) -> str:
    """The URL, stripped, if Apprise knows its service; ChatError otherwise."""
    url = (url or "").strip()
    if not url or not apprise.Apprise().add(url):
        raise ChatError(f"{redact(url) if url else 'an empty URL'} is not an Apprise URL Apprise can send to")
    return url


def send_chat(urls: Iterable[str], title: str, body: str) -> None:
    """Send one short summary to every URL; ChatError if any service did not take it."""
    failed = []
    for url in urls:
        notifier = apprise.Apprise()
        if not notifier.add(url) or not notifier.notify(title=title, body=body):
            failed.append(redact(url))
    if failed:
        raise ChatError(f"chat summary not delivered to {', '.join(failed)}")
