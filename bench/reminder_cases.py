"""Appointment reminders (issue 26): queueing a whole day's reminders for the
ten-location clinic in one scheduler round, `reminders_send_due` as `run_scheduler`
calls it.

On the throw-away copy: the clinic's policy is set to an e-mail and a text message 24
hours before each visit, with no quiet hours, and every patient agrees to texts. Each
timed call is the round at midnight before a weekday not yet reminded (the next
weekdays after the dataset's today, one per call): every booked visit of that day is
due, and is decided and queued then (its AppointmentReminder row, the outbox rows with
the rendered e-mail and text, the manage link signed). Imported visits count as booked
long ago, so none is skipped as booked late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from rehabdesk.clinic.models import Clinic, Location, ReminderRule
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.services import reminders_send_due

Operation = Callable[[], object]
# Issue 26: tomorrow's reminders for the ten-location dataset (a few thousand) ≤ 5 s.
REMINDERS_TARGET_P95_MS = 5000.0
REMINDER_WARMUPS = 0
REMINDER_ITERATIONS = 3
# Fewer than this queued means the day had no visits to remind: not what is timed (a
# weekday of the dataset queues about 800: an e-mail and a text for each visit).
AT_LEAST = 500


class ReminderCaseError(Exception):
    """The round did not do what the case means to time."""


def _weekdays_after(today: date) -> Iterator[date]:
    day = today
    while True:
        day += timedelta(days=1)
        if day.weekday() < 5:
            yield day


def reminders_tomorrow() -> Operation:
    clinic = Clinic.objects.get()
    ReminderRule.objects.all().delete()
    for channel in ("email", "sms"):
        ReminderRule.objects.create(clinic=clinic, channel=channel, hours_before=24)
    Clinic.objects.update(quiet_hours_start=time(0), quiet_hours_end=time(0))
    Patient.objects.update(contact_by_sms=True)
    zone = Location.objects.filter(clinic=clinic).order_by("pk").first().zone  # type: ignore[union-attr]
    days = _weekdays_after(timezone.now().astimezone(zone).date())

    def round_at_midnight() -> int:
        # Midnight before the day's first visit: every visit that day is within 24 h.
        now = datetime.combine(next(days), time(0, 1), tzinfo=zone)
        queued = reminders_send_due(now=now)
        if queued < AT_LEAST:
            raise ReminderCaseError(f"only {queued} reminders queued for {now:%Y-%m-%d}")
        return queued

    return round_at_midnight
