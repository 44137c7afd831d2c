"""Signed tokens for confirmation and unsubscribe links.

An unsubscribe token is ``unsubscribe.<subscriber id>.<signature>``; a confirm token is
``confirm.<subscription id>.<issued, unix seconds>.<signature>``: it confirms that one
subscription only, and expires (``regtrack.services.digests``). The signature is HMAC-SHA256
over (purpose, id, issued time, email) with the secret key. The email is not in the token (links
stay short and do not leak the address) but is signed, so a token stops working if the row's
address changes, a confirm token cannot unsubscribe, and no token reaches another subscriber.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from notifications.errors import BadToken

PURPOSES = ("confirm", "unsubscribe")
_TOKEN = re.compile(r"^(confirm|unsubscribe)\.([1-9][0-9]{0,17})\.(?:([0-9]{1,12})\.)?([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class TokenClaim:
    """What an unverified token claims; ``verify`` checks it against the stored address."""

    purpose: str
    subject_id: int  # the subscriber (unsubscribe) or the subscription (confirm)
    signature: str
    issued: int | None = None  # unix seconds, confirm tokens only


def _sign(secret: str, purpose: str, subject_id: int, email: str, issued: int | None = None) -> str:
    if not secret:
        raise BadToken("no secret key configured: set REGTRACK_SECRET_KEY")
    when = "" if issued is None else f"\x00{issued}"
    message = f"regtrack/{purpose}\x00{subject_id}{when}\x00{email.lower()}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_token(secret: str, purpose: str, subject_id: int, email: str, issued: int | None = None) -> str:
    """A signed token; ``issued`` (unix seconds) is part of confirm tokens, so they can expire."""
    if purpose not in PURPOSES:
        raise ValueError(f"token purpose must be one of {PURPOSES}")
    if (purpose == "confirm") != (issued is not None):
        raise ValueError("confirm tokens, and only they, carry the time they were issued")
    when = "" if issued is None else f"{issued}."
    return f"{purpose}.{subject_id}.{when}{_sign(secret, purpose, subject_id, email, issued)}"


def read_token(token: str) -> TokenClaim:
    """Parse a token's claim without trusting it; BadToken when it is not one of ours."""
    match = _TOKEN.match((token or "").strip())
    if not match:
        raise BadToken("this link is not valid (malformed token); use the link from the latest email")
    issued = int(match.group(3)) if match.group(3) else None
    return TokenClaim(match.group(1), int(match.group(2)), match.group(4), issued)


def verify(secret: str, claim: TokenClaim, purpose: str, email: str) -> None:
    """BadToken unless the claim is for ``purpose`` and signed for this subscriber and address."""
    expected = _sign(secret, purpose, claim.subject_id, email, claim.issued)
    # Compare even when the purpose differs, so timing does not tell which part was wrong.
    same = hmac.compare_digest(expected.encode(), claim.signature.encode())
    if not same or claim.purpose != purpose:
        raise BadToken(f"this {purpose} link is not valid (forged, altered or for another purpose)")
