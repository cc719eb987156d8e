"""A password rule beside Django's: not one of the passwords seen most in breaches.

The list ships with Rehabdesk (data/breached-passwords.txt.gz, its source and licence
in data/README.md), so checking a password never sends it, or a hash of it, anywhere.
It is read once per process, on the first check.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError

LIST_NAME = "breached-passwords.txt.gz"


@cache
def breached_passwords() -> frozenset[str]:
    """The bundled list, lower-case, read once."""
    data = resources.files("rehabdesk.accounts").joinpath("data", LIST_NAME).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def is_breached(password: str) -> bool:
    """Whether this password (ignoring case and surrounding spaces) is on the list."""
    return password.strip().lower() in breached_passwords()


class BreachedPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry: refuse a password found in public breaches."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_breached(password):
            raise ValidationError(
                "This password has been seen in data breaches, so it is among the first "
                "anyone would try. Please choose another.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password can't be one that has been seen in data breaches."
