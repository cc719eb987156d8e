"""Builders for online booking's tests: a time chosen on the picker, a new patient's
details and address, and the code e-mailed through the outbox."""

from __future__ import annotations

import re
from datetime import date, datetime

from rehabdesk.clinic.models import Service
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online.services import ChosenTime, NewPatient
from rehabdesk.scheduling.testing import BookingWorld

VISITOR_IP = "203.0.113.9"
NINA = NewPatient(
    first_name="Nina",
    last_name="Newcomer",
    date_of_birth=date(1991, 5, 6),
    phone="905-555-0199",
)
NINA_EMAIL = "Nina@Example.com"


def chosen_time(
    world: BookingWorld, start: datetime, *, service: Service | None = None
) -> ChosenTime:
    """A follow-up (or `service`) with the world's physiotherapist at Pickering."""
    return ChosenTime(service or world.follow_up, start, world.physio, world.pickering)


def code_sent_to(email: str) -> str:
    """The six digits of the latest code e-mailed to `email`."""
    message = OutboxMessage.objects.filter(kind="online_code", recipient=email).latest("pk")
    found = re.search(r"\b(\d{6})\b", message.body_text)
    if found is None:
        raise AssertionError(f"No code in: {message.body_text}")
    return found.group(1)
