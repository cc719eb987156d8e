"""The one way Rehabdesk makes and keeps random secrets: API tokens, calendar feed
addresses, webhook signing secrets, questionnaire links and the online booking's review
address.

A secret is made from `nbytes` random bytes of the operating system's generator
(`secrets`), written URL-safe (tokens, addresses) or in standard base64 (Standard
Webhooks' `whsec_` format, which receivers decode as such). A secret the clinic never
needs back is kept as its SHA-256 in hex: 32 random bytes need no salt or slow hash,
as nobody guesses 256 bits. A presented secret is compared with what is kept in
constant time, so how long a refusal takes tells nothing of how close a guess was.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def secret_urlsafe(nbytes: int) -> str:
    """`nbytes` random bytes, URL-safe base64 without padding (43 characters for 32)."""
    return secrets.token_urlsafe(nbytes)


def secret_base64(nbytes: int) -> str:
    """`nbytes` random bytes in standard base64, padded (44 characters for 32)."""
    return base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def secret_digest(secret: str) -> str:
    """What is kept of a secret: the SHA-256 of its UTF-8 text, 64 hex characters."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secrets_equal(a: str, b: str) -> bool:
    """Whether two secrets (or digests) are the same, in time that does not depend on
    where they differ."""
    return hmac.compare_digest(a.encode(), b.encode())
