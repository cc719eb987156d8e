"""Reads of webhook endpoints and their delivery log (no health information: ids,
times, status codes)."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 50


def endpoints_listed() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("-active", "created_at", "pk")


def endpoint_found(*, endpoint_id: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(pk=endpoint_id).first()


def deliveries_recent(
    *, endpoint: WebhookEndpoint, limit: int = LOG_LENGTH
) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-at", "-pk")[:limit])
