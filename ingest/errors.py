"""Named ingest errors: each message is one line a user can act on."""


class IngestError(Exception):
    """Base of every error ingest raises on bad input."""


class DecodeError(IngestError):
    """The bytes are not a readable document (empty, binary, corrupt, encrypted, too large)."""


class FetchError(IngestError):
    """A URL could not be fetched (refused address, timeout, HTTP error, size cap)."""


class SegmentError(IngestError):
    """No recognisable document was found in the text."""
