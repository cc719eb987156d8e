"""API tokens: how staff and the clinic's integrations call the JSON API without a
browser session (docs/api.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from rehabdesk.apitokens.choices import TokenKind


class ApiToken(models.Model):
    """A bearer token for the JSON API, written `rhd_<prefix>_<secret>` and shown once.

    A personal token acts as the member of staff it belongs to; an application token as
    the service account made for it, with the one role a manager chose. Either way a
    call goes through the same access policy and audit trail as that person signed in,
    narrowed by the token's scopes. Only the SHA-256 of the secret is kept (the secret is
    32 random bytes: no salt or slow hash is needed against guessing); the prefix is
    kept in clear, to recognise a token in the list and on the audit trail.
    """

    kind = models.CharField(max_length=12, choices=TokenKind.choices)
    name = models.CharField(max_length=100, help_text="What it is for, in the list.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whom it acts as: the member of staff, or the application's service account.",
    )
    role = models.CharField(
        max_length=30, blank=True, help_text="An application's role, as chosen; empty for personal."
    )
    scopes = models.JSONField(default=list, help_text="Scope values (choices.Scope).")
    prefix = models.CharField(max_length=8, unique=True)
    secret_hash = models.CharField(max_length=64)
    # The person's session number when it was made: "sign out everywhere", a factor
    # reset or a change of roles moves it on, and the token stops working with it.
    user_generation = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Moved at most once a minute, by the same UPDATE that counts the call.
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The rate limit: calls counted in the minute starting at window_start.
    window_start = models.DateTimeField(null=True, blank=True)
    window_calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TokenKind.values), name="apitoken_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at")),
                name="apitoken_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(kind=TokenKind.PERSONAL, role="")
                | Q(kind=TokenKind.APPLICATION) & ~Q(role=""),
                name="apitoken_role_for_applications_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (rhd_{self.prefix}_…)"
