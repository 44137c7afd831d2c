"""Named storage errors with messages a user can act on."""


class StorageError(Exception):
    """Base of the storage stage's errors."""


class DatabaseError(StorageError):
    """The database URL is wrong, or the database cannot be reached or written."""


class NotFound(StorageError):
    """A document, compilation or subscriber reference matches nothing."""


class Ambiguous(StorageError):
    """A reference matches several documents."""
