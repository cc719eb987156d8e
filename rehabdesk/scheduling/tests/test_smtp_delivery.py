"""Booking e-mails through a real SMTP conversation: a local server (aiosmtpd) receives
what the worker sends with Django's SMTP backend, and the test reads the message as a
mail program would — headers, text and HTML parts, and the calendar file — across the
November 2027 clock change (Toronto falls back on Sunday, November 7).

(This lives with scheduling because it books; notifications may not import scheduling.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar

from rehabdesk.notifications.choices import MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.notifications.transports.email import message_id
from rehabdesk.scheduling.choices import CancelledBy, Channel
from rehabdesk.scheduling.messages import RELATED_TYPE
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from rehabdesk.scheduling.testing import TORONTO
from rehabdesk.testing.smtp import smtp_server, text_of

pytestmark = pytest.mark.django_db

# The address is the server's; the name on it is the clinic's own.
SENDER = "Rehabdesk <appointments@profusion.example>"
# Booked on the Friday before the change (EDT, UTC−4), moved to the Monday after (EST).
FRIDAY = datetime(2027, 11, 5, 10, 0, tzinfo=TORONTO)
MONDAY = datetime(2027, 11, 8, 10, 0, tzinfo=TORONTO)
NOW = datetime(2027, 11, 1, 9, 0, tzinfo=TORONTO)


@pytest.fixture
def smtp_inbox(settings):
    settings.DEFAULT_FROM_EMAIL = SENDER
    with smtp_server() as inbox:
        yield inbox


def deliver(now: datetime) -> None:
    report = deliver_due(now=now + timedelta(seconds=5), worker="smtp-test")
    assert (report.claimed, report.sent) == (1, 1), str(report)


def calendar_of(message: EmailMessage) -> tuple[Calendar, str]:
    """The calendar attachment, parsed back, and its method parameter."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_content_disposition() == "attachment"
    assert part.get_filename() == "appointment.ics"
    return Calendar.from_ical(part.get_content()), str(part.get_param("method"))


def wall_clock(calendar: Calendar) -> tuple[datetime, timedelta]:
    """The event's local start, and its UTC offset by the file's own VTIMEZONE."""
    [event] = calendar.events
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    wall = event.decoded("DTSTART").replace(tzinfo=None)
    return wall, calendar.timezones[0].to_tz(lookup_tzid=False).utcoffset(wall)


def test_booking_emails_arrive_over_smtp_with_a_calendar_file_right_across_the_change(
    world, smtp_inbox
):
    patient = world.patient
    appointment = appointment_book(request=world.request(FRIDAY), actor=None, now=NOW)
    deliver(NOW)

    [(mail_from, rcpt_tos, message)] = smtp_inbox.received
    outbox = OutboxMessage.objects.get(related_type=RELATED_TYPE, related_id=str(appointment.pk))
    assert outbox.status == MessageStatus.SENT
    assert mail_from == "appointments@profusion.example"
    assert rcpt_tos == [patient.email]
    assert message["From"] == f"{world.pickering.clinic.name} <appointments@profusion.example>"
    assert message["To"] == patient.email
    assert message["Message-ID"] == message_id(outbox)
    assert message["Auto-Submitted"] == "auto-generated"
    subject = message["Subject"]
    assert subject == outbox.subject
    # No health detail in the subject: not the service, not the practitioner.
    assert world.follow_up.name.lower() not in subject.lower()
    assert world.physio.display_name not in subject
    text, html = text_of(message, "plain"), text_of(message, "html")
    assert "Friday, November 5, 2027 at 10:00 AM" in text
    assert "Friday, November 5, 2027 at 10:00 AM" in html
    assert world.follow_up.name in text
    assert "<html" in html.lower()

    booked, method = calendar_of(message)
    assert method == booked["METHOD"] == "REQUEST"
    [event] = booked.events
    assert wall_clock(booked) == (FRIDAY.replace(tzinfo=None), timedelta(hours=-4))
    assert event["SEQUENCE"] == 0

    # Moved across the change: same UID, SEQUENCE + 1, still 10:00 on the wall clock.
    later = NOW + timedelta(hours=1)
    appointment_reschedule(
        appointment=appointment, start=MONDAY, actor=None, now=later, channel=Channel.STAFF
    )
    deliver(later)
    changed_message = smtp_inbox.received[1][2]
    assert world.follow_up.name.lower() not in changed_message["Subject"].lower()
    assert "Monday, November 8, 2027 at 10:00 AM" in text_of(changed_message, "plain")
    changed, method = calendar_of(changed_message)
    assert method == "REQUEST"
    [moved] = changed.events
    assert moved["UID"] == event["UID"]
    assert moved["SEQUENCE"] == 1
    wall, offset = wall_clock(changed)
    assert (wall, offset) == (MONDAY.replace(tzinfo=None), timedelta(hours=-5))
    assert wall - offset == MONDAY.astimezone(UTC).replace(tzinfo=None)

    # Cancelled: METHOD:CANCEL, so the entry leaves the patient's calendar.
    appointment_cancel(
        appointment=appointment, actor=None, now=later + timedelta(hours=1), by=CancelledBy.PATIENT
    )
    deliver(later + timedelta(hours=1))
    cancelled, method = calendar_of(smtp_inbox.received[2][2])
    assert method == cancelled["METHOD"] == "CANCEL"
    [gone] = cancelled.events
    assert (gone["UID"], gone["STATUS"]) == (event["UID"], "CANCELLED")
    assert gone["SEQUENCE"] == 2
    assert len({m["Message-ID"] for _, _, m in smtp_inbox.received}) == 3
