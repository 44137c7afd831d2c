"""Request-scoped dependencies: one read transaction per request, the as-of date, pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from regtrack.errors import UsageError
from regtrack.services import views
from regtrack.settings import Settings
from storage.db import transaction

PAGE_SIZE = 20


def get_session(request: Request) -> Iterator[Session]:
    """A read transaction owned by this request (writes go through services that own theirs)."""
    with transaction(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def parse_as_of(value: str | None) -> dt.date:
    """The date statuses are computed for; today when not given."""
    return views.parse_as_of(value, "as_of")


def parse_page(value: str | None) -> int:
    if not value:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"page takes a whole number from 1, not {value!r}")
    return int(value)
