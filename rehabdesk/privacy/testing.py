"""Builders for privacy tests, through the real services."""

from __future__ import annotations

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create

OFFICER_EMAIL = "privacy@persona.example"
OFFICER_PASSWORD = "privacy-officer-passphrase-1"  # noqa: S105 - test account only


def privacy_officer(*, email: str = OFFICER_EMAIL) -> User:
    """A privacy officer who is also the front desk (a small clinic's arrangement)."""
    return user_create(
        email=email,
        password=OFFICER_PASSWORD,
        first_name="Pat",
        last_name="Privacy",
        roles=[Role.PRIVACY_OFFICER, Role.FRONT_DESK],
    )
