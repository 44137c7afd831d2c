"""Signed tokens for confirmation and unsubscribe links.

A token is ``<purpose>.<subscriber id>.<signature>``; the signature is HMAC-SHA256 over
(purpose, subscriber id, email) with the secret key. The email is not in the token (links stay
short and do not leak the address) but is signed, so a token stops working if the row's address
changes, a confirm token cannot unsubscribe, and no token reaches another subscriber.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from notifications.errors import BadToken

PURPOSES = ("confirm", "unsubscribe")
_TOKEN = re.compile(r"^(confirm|unsubscribe)\.([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class TokenClaim:
    """What an unverified token claims; ``verify`` checks it against the stored address."""

    purpose: str
    subscriber_id: int
    signature: str


def _sign(secret: str, purpose: str, subscriber_id: int, email: str) -> str:
    if not secret:
        raise BadToken("no secret key configured: set REGTRACK_SECRET_KEY")
    message = f"regtrack/{purpose}\x00{subscriber_id}\x00{email.lower()}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_token(secret: str, purpose: str, subscriber_id: int, email: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"token purpose must be one of {PURPOSES}")
    return f"{purpose}.{subscriber_id}.{_sign(secret, purpose, subscriber_id, email)}"


def read_token(token: str) -> TokenClaim:
    """Parse a token's claim without trusting it; BadToken when it is not one of ours."""
    match = _TOKEN.match((token or "").strip())
    if not match:
        raise BadToken("this link is not valid (malformed token); use the link from the latest email")
    return TokenClaim(match.group(1), int(match.group(2)), match.group(3))


def verify(secret: str, claim: TokenClaim, purpose: str, email: str) -> None:
    """BadToken unless the claim is for ``purpose`` and signed for this subscriber and address."""
    expected = _sign(secret, purpose, claim.subscriber_id, email)
    # Compare even when the purpose differs, so timing does not tell which part was wrong.
    same = hmac.compare_digest(expected.encode(), claim.signature.encode())
    if not same or claim.purpose != purpose:
        raise BadToken(f"this {purpose} link is not valid (forged, altered or for another purpose)")
