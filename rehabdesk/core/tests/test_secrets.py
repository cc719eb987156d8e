"""core/secrets.py: random secrets of the length asked, in the two alphabets used (URL
-safe for tokens and addresses, standard base64 for webhook secrets), kept as SHA-256
hex, compared in constant time — the formats the tables already hold."""

from __future__ import annotations

import base64
import hashlib
import re

from rehabdesk.core.secrets import secret_base64, secret_digest, secret_urlsafe, secrets_equal


def test_a_url_safe_secret_of_32_bytes_is_43_url_safe_characters():
    made = {secret_urlsafe(32) for _ in range(50)}
    assert len(made) == 50
    for secret in made:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)
        assert len(base64.urlsafe_b64decode(secret + "=")) == 32


def test_a_base64_secret_decodes_to_the_bytes_asked_for():
    made = {secret_base64(32) for _ in range(50)}
    assert len(made) == 50
    for secret in made:
        assert len(secret) == 44
        assert len(base64.b64decode(secret, validate=True)) == 32
    assert len(base64.b64decode(secret_base64(24))) == 24


def test_the_digest_is_the_sha256_hex_of_the_text():
    assert secret_digest("abc") == hashlib.sha256(b"abc").hexdigest()
    assert secret_digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_secrets_are_equal_only_when_the_same():
    digest = secret_digest("one")
    assert secrets_equal(digest, secret_digest("one"))
    assert not secrets_equal(digest, secret_digest("two"))
    assert not secrets_equal(digest, digest[:-1])
    assert not secrets_equal("é", "e")
