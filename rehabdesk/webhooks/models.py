"""Webhook endpoints a manager registers, and the log of every try at delivering to
them. Deliveries themselves are outbox rows on the webhook channel
(notifications.OutboxMessage): leases, retries and backoff are the outbox's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

URL_MAX_LENGTH = 2000
ERROR_MAX_LENGTH = 200


class WebhookEndpoint(models.Model):
    """Where events are POSTed, signed with the endpoint's own secret (Standard
    Webhooks: `whsec_` and 32 random bytes in base64). The secret is kept as it is,
    because signing needs it; it is shown to the manager once, when the endpoint is made
    and each time a manager replaces it. The secret it replaced goes on signing beside
    it until `previous_secret_until` (docs/webhooks.md, "Rotating the secret").
    """

    url = models.URLField(max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(
        default=list, help_text='The events it receives, e.g. ["appointment.booked"].'
    )
    secret = models.CharField(max_length=60)
    previous_secret = models.CharField(
        max_length=60, blank=True, help_text="The secret before the last rotation, if any."
    )
    previous_secret_until = models.DateTimeField(
        null=True, blank=True, help_text="Until when deliveries are signed with it too."
    )
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Tries that failed since the last one that succeeded."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(secret__startswith="whsec_"),  # noqa: S106 (a prefix, not a secret)
                name="webhooks_endpoint_secret_prefixed",
                violation_error_message="A webhook secret starts with whsec_.",
            ),
            models.CheckConstraint(
                condition=Q(previous_secret="", previous_secret_until__isnull=True)
                | Q(
                    previous_secret__startswith="whsec_",  # noqa: S106 (a prefix, not a secret)
                    previous_secret_until__isnull=False,
                ),
                name="webhooks_endpoint_previous_secret_dated",
                violation_error_message="A replaced secret is a webhook secret, with its end.",
            ),
            models.CheckConstraint(
                condition=Q(active=True, disabled_at__isnull=True)
                | Q(active=False, disabled_at__isnull=False),
                name="webhooks_endpoint_disabled_dated",
                violation_error_message="A disabled endpoint says when; an active one does not.",
            ),
        ]

    def __str__(self) -> str:
        return f"webhook endpoint {self.pk}"


class WebhookDelivery(models.Model):
    """One try at delivering one event to one endpoint: what came back, how long it
    took. Never the payload (its outbox row has it) nor the response body."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, help_text="The webhook-id header: msg_…")
    event_type = models.CharField(max_length=40)
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=ERROR_MAX_LENGTH, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-at"], name="webhooks_delivery_recent")]

    def __str__(self) -> str:
        return f"webhook delivery {self.message_id} try {self.attempt}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
