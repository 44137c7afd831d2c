"""The user-facing error boundary: named stage errors become one line and an exit code."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ingest.errors import IngestError
from storage.errors import StorageError


class UsageError(Exception):
    """The command line asks for something impossible (bad date, unknown option value)."""


# Every stage's base error; each one's message is written for the user.
USER_ERRORS: tuple[type[BaseException], ...] = (IngestError, StorageError, UsageError)


def register(*errors: type[BaseException]) -> None:
    """Stages added later (linking, diffing, notifications) register their base error here."""
    global USER_ERRORS
    USER_ERRORS = tuple(dict.fromkeys((*USER_ERRORS, *errors)))


def one_line(exc: BaseException) -> str:
    """A single line describing ``exc``, for stderr and for the compilation's error column."""
    if isinstance(exc, OperationalError):
        text = str(exc.orig or exc).strip().splitlines()
        return "database error: " + (text[0] if text else "connection failed")
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
