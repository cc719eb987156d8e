"""People who sign in: staff, practitioners and (later) patients, all by e-mail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

# An integration's account: an application's API token acts as it (rehabdesk/apitokens).
# No person, no password, signed in only by its token; its address is never deliverable
# (.invalid, RFC 2606), so nothing is ever e-mailed to it, and staff lists leave it out.
SERVICE_ACCOUNT_DOMAIN = "api-tokens.invalid"


def service_account_email(prefix: str) -> str:
    return f"api-{prefix}@{SERVICE_ACCOUNT_DOMAIN}"


def normalize_email(email: str) -> str:
    """E-mail addresses compare without case: Jo@Example.com signs in as jo@example.com."""
    return email.strip().lower()


class EmailUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Someone who signs in to Rehabdesk with an e-mail address and a password.

    There is no user name: the e-mail address is the identity, stored lower-case and
    unique regardless of case.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    # Each session remembers the number it was signed in under; raising it ends every
    # session of this person at their next request ("sign out everywhere", a factor
    # reset, a change of roles). A counter works the same on SQLite and PostgreSQL.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def is_service_account(self) -> bool:
        return self.email.endswith("@" + SERVICE_ACCOUNT_DOMAIN)
