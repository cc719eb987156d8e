"""Builders for tests: a token issued through the services, as its text."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.services import api_token_create_personal

EVERY_SCOPE = tuple(Scope)


def personal_token(
    user: User, *scopes: Scope, now: datetime | None = None, expires_at: datetime | None = None
) -> str:
    """A personal token of `user` holding `scopes` (every scope when none is named)."""
    issued = api_token_create_personal(
        user=user,
        name="Test token",
        scopes=[str(scope) for scope in scopes or EVERY_SCOPE],
        expires_at=expires_at,
        now=now or timezone.now(),
    )
    return issued.text


def bearer(text: str) -> dict[str, str]:
    """The header that presents a token, for Django's test client."""
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}
