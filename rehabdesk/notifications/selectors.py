"""Reads of the outbox, for staff pages and for the services that queue messages."""

from __future__ import annotations

from django.db.models import QuerySet

from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage


def messages_failed() -> QuerySet[OutboxMessage]:
    """Messages the worker gave up on, newest first: the front desk phones these
    patients instead. Never deleted, so the list is also the record. Webhook deliveries
    are not for the desk: their endpoint's page logs them (docs/webhooks.md)."""
    return (
        OutboxMessage.objects.filter(status=MessageStatus.FAILED)
        .exclude(channel=MessageChannel.WEBHOOK)
        .order_by("-created_at", "-id")
    )


def messages_about(*, related_type: str, related_id: str | int) -> QuerySet[OutboxMessage]:
    """Every message about one thing (e.g. an appointment), oldest first."""
    return OutboxMessage.objects.filter(
        related_type=related_type, related_id=str(related_id)
    ).order_by("created_at", "id")
