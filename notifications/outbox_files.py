"""Delivery without a mail server: each message becomes ``<outbox>/<message id>.eml``.

Used when ``REGTRACK_SMTP_URL`` is not set, so ``make run`` works out of the box. The file name
comes from the Message-ID, so writing the same outbox row twice leaves one file; the write
is atomic (temporary file, then rename), so a crash leaves no half message.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from notifications.message import Outgoing
from notifications.transport import NotSent


def eml_name(msg: Outgoing) -> str:
    ident = msg.message_id.strip("<> ")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ident)[:180] + ".eml"


class FileTransport:
    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = outbox_dir

    def send(self, msg: Outgoing, sender: str, recipient: str) -> None:
        try:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.outbox_dir, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(msg.data)
            os.replace(tmp, self.outbox_dir / eml_name(msg))
        except OSError as exc:
            raise NotSent(
                f"cannot write to the outbox folder {self.outbox_dir}: {exc}", connection=True
            ) from exc

    def close(self) -> None:
        return None
