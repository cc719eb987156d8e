"""Builders for tests, here and in the apps that queue messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models.functions import Now

from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import message_enqueue

# Wednesday, March 10, 2027, 9:00 AM in Toronto.
NOW = datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
KINDS = (
    "booking_confirmation",
    "booking_changed",
    "booking_cancelled",
    "waitlist_offer",
    "booking_outside_hours",
)


def booking_context(**overrides: object) -> dict[str, object]:
    """Every key any booking template may use (templates/notifications/README.md),
    with sample values; override what the test is about."""
    return {
        "clinic_name": "Pro Fusion Rehab",
        "clinic_phone": "905-555-0100",
        "patient_name": "Grace Green",
        "greeting_name": "Grace Green",
        "whose_appointment": "Your appointment",
        "for_whom": "you",
        "service_name": "Physiotherapy follow-up",
        "practitioner_name": "Priya Raman",
        "location_name": "Pickering",
        "location_address": "1 Sample Road, Pickering, ON L1V 0A1",
        "location_phone": "905-555-0142",
        "start_local": "Wednesday, March 10, 2027 at 10:00 AM",
        "duration_minutes": 30,
        "cancellation_notice_hours": 24,
        "price_text": "$95.00",
        "manage_link": "https://clinic.example/manage/sample-token/",
        "what_to_bring": "Comfortable clothing and your benefits card.",
        "previous_start_local": "Tuesday, March 9, 2027 at 2:30 PM",
        "cancel_reason": "",
        "late_cancellation_fee_text": "",
        "offer_expires_local": "Tuesday, March 9, 2027 at 6:00 PM",
        "respond_text": "call us at 905-555-0142",
        "other_times": ["Thursday, March 11, 2027 at 9:00 AM", "Friday, March 12, 2027 at 2:30 PM"],
        **overrides,
    }


def enqueue(
    recipient: str = "grace.green@mail.example",
    *,
    kind: str = "booking_confirmation",
    now: datetime = NOW,
    **arguments: Any,
) -> OutboxMessage:
    """Queue one e-mail through the real service."""
    return message_enqueue(
        channel=arguments.pop("channel", MessageChannel.EMAIL),
        kind=kind,
        recipient=recipient,
        template=arguments.pop("template", kind),
        context=arguments.pop("context", booking_context()),
        now=now,
        **arguments,
    )


def leases_run_out(*pks: int) -> int:
    """The leases of messages being sent (these, or all) end a second ago by the
    database's clock, as if their worker had stopped renewing them; how many."""
    sending = OutboxMessage.objects.filter(status=MessageStatus.SENDING)
    if pks:
        sending = sending.filter(pk__in=pks)
    return sending.update(lease_until=Now() - timedelta(seconds=1))
