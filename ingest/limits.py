"""Size limits shared by decoding and fetching, with the message a user sees when one is hit."""

from __future__ import annotations

from ingest.errors import DecodeError

MAX_INPUT_MB = 100  # default of the REGTRACK_MAX_INPUT_MB setting
MAX_INPUT_BYTES = MAX_INPUT_MB * 1024 * 1024


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def over_cap_message(what: str, size: int | None, max_bytes: int) -> str:
    amount = f" is {human_size(size)}," if size is not None else " is"
    return f"{what}{amount} over the {human_size(max_bytes)} cap (REGTRACK_MAX_INPUT_MB)"


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DecodeError(over_cap_message("file", size, max_bytes))
