"""Named errors of the notifications stage; each message tells the user what to do."""


class NotificationError(Exception):
    """Base of the notifications stage's errors (registered with the CLI error boundary)."""


class InvalidEmail(NotificationError):
    """An address that cannot receive mail."""


class InvalidFilter(NotificationError):
    """A subscription filter or frequency the product does not know."""


class BadToken(NotificationError):
    """A confirmation or unsubscribe token that is malformed, forged or for another purpose."""


class UnknownSubscriber(NotificationError):
    """No subscriber has that address (or the token's subscriber is gone)."""


class RateLimited(NotificationError):
    """Too many requests of one kind (confirmation mails to an address, subscribes from a client)."""


class TransportError(NotificationError):
    """Mail could not be handed over (SMTP URL wrong, server down, outbox folder unwritable)."""


class ChatError(NotificationError):
    """An Apprise URL is invalid or its service refused the message."""


class SendingFailed(NotificationError):
    """A process sending digests stopped with an error; rows it did not send wait for the next run."""
