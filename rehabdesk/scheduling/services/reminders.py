"""Appointment reminders, one of `manage.py run_scheduler`'s own chores: at the times the
clinic's reminder policy sets (clinic.ReminderRule: by e-mail 48 hours before, by text
message 24 hours before, say; a service may have rules of its own), one message through
the outbox, carrying the visit's manage link where the channel allows (confirm, move,
cancel). docs/domain/reminders.md is the policy in words.

- **Real hours.** A rule's time is the visit's start less its hours, counted in UTC: a
  clock change in between does not move it (24 hours before 10:00 on the Monday after
  the clocks spring forward is 09:00 on the Sunday's wall clock).
- **Quiet hours** (Clinic.quiet_hours_start/end, in the location's zone): a reminder due
  then goes when they end, or, when that is within MIN_NOTICE of the visit, an hour
  before they began (the evening before). Nothing is sent while they last, however late
  the scheduler is.
- **Once per visit time.** Each reminder is decided once — queued, or skipped with the
  reason — as an AppointmentReminder row written in the transaction that queues the
  message, with the visit locked: a second scheduler finds the row and moves on, and a
  cancellation waits for the transaction and then withdraws what it queued
  (`records.reminders_withdraw`). A visit moved to another time is a new start, so it is
  reminded again at the new time's moments; the old time's pending reminders are
  withdrawn by the move.
- **Only booked visits**, of a patient, that start more than MIN_NOTICE from now. A
  reminder whose time came before the visit was booked or moved is skipped (the
  confirmation just said it all); imported visits count as booked long ago.
- **Consent.** The e-mail goes to whom booking e-mails go (`messages.addressee`), the
  text to whom agreed to texts (`messages.text_addressee`); nobody, and the reminder is
  recorded as skipped for the front desk to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.clinic.models import Clinic, ReminderRule
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.scheduling.choices import AppointmentStatus, EventKind, ReminderOutcome
from rehabdesk.scheduling.messages import remind_patient
from rehabdesk.scheduling.models import Appointment, AppointmentEvent, AppointmentReminder
from rehabdesk.scheduling.services.records import appointment_locked

# ⚠ Configurable here: no reminder in the last hour before a visit (the patient is on
# their way), and a reminder pulled out of quiet hours goes this long before they begin.
MIN_NOTICE = timedelta(hours=1)
BEFORE_QUIET = timedelta(hours=1)
# The events that give a visit its current time; an imported visit has none of them.
_TIME_SET_BY = (EventKind.BOOKED, EventKind.CONFIRMED, EventKind.MOVED)


@dataclass(frozen=True)
class QuietHours:
    """Local wall-clock times between which no reminder arrives; `start` after `end`
    spans midnight (21:00 to 08:00), equal times mean none."""

    start: time
    end: time

    @classmethod
    def of(cls, clinic: Clinic) -> QuietHours:
        return cls(clinic.quiet_hours_start, clinic.quiet_hours_end)

    def covers(self, wall: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    @property
    def longest(self) -> timedelta:
        """The most real time a quiet period can last (an hour more on the night the
        clocks go back)."""
        minutes = (self.end.hour - self.start.hour) * 60 + self.end.minute - self.start.minute
        wall = timedelta(minutes=minutes % (24 * 60))
        return wall + timedelta(hours=1) if wall else wall


def reminder_due(
    *, start: datetime, hours_before: int, zone: ZoneInfo, quiet: QuietHours
) -> datetime:
    """When a reminder `hours_before` a visit starting at `start` goes (module doc), in
    UTC: arithmetic on a zoned datetime would count wall-clock hours."""
    start = start.astimezone(UTC)
    due = start - timedelta(hours=hours_before)
    local = due.astimezone(zone)
    if not quiet.covers(local.time()):
        return due
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        began, ends = day, day + timedelta(days=1)
    elif quiet.start > quiet.end:
        began, ends = day - timedelta(days=1), day
    else:
        began = ends = day
    end = wall_clock_instant(ends, quiet.end, zone).astimezone(UTC)
    if end <= start - MIN_NOTICE:
        return end
    return wall_clock_instant(began, quiet.start, zone).astimezone(UTC) - BEFORE_QUIET


def reminders_send_due(*, now: datetime) -> int:
    """Decide every reminder due by `now`: queue it in the outbox, or record why not.
    Returns how many were queued."""
    now = now.astimezone(UTC)
    rules = list(ReminderRule.objects.filter(active=True).select_related("clinic"))
    own = {(rule.clinic_id, rule.channel, rule.service_id) for rule in rules if rule.service_id}
    queued = 0
    for rule in rules:
        quiet = QuietHours.of(rule.clinic)
        with_own_rules = [
            service_id
            for clinic_id, channel, service_id in own
            if clinic_id == rule.clinic_id and channel == rule.channel
        ]
        for appointment in _candidates(rule, quiet, with_own_rules, now):
            due = reminder_due(
                start=appointment.start,
                hours_before=rule.hours_before,
                zone=appointment.location.zone,
                quiet=quiet,
            )
            if due > now or quiet.covers(now.astimezone(appointment.location.zone).time()):
                continue
            set_at = appointment.time_set_at  # type: ignore[attr-defined]
            late = set_at is not None and set_at > due
            if _decide(appointment, rule, booked_late=late, now=now):
                queued += 1
    return queued


def _candidates(
    rule: ReminderRule, quiet: QuietHours, with_own_rules: list[int], now: datetime
) -> QuerySet[Appointment]:
    """The booked visits this rule may be due for and has not decided yet: those starting
    within its hours from now (more when quiet hours can pull a reminder earlier)."""
    lead = timedelta(hours=rule.hours_before)
    reach = lead
    if lead < quiet.longest + MIN_NOTICE:
        reach += quiet.longest + BEFORE_QUIET
    decided = AppointmentReminder.objects.filter(
        appointment=OuterRef("pk"),
        channel=rule.channel,
        hours_before=rule.hours_before,
        start=OuterRef("start"),
    )
    time_set_at = (
        AppointmentEvent.objects.filter(appointment=OuterRef("pk"), kind__in=_TIME_SET_BY)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    visits = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        patient__isnull=False,
        location__clinic_id=rule.clinic_id,
        service__sends_reminders=True,
        start__gt=now + MIN_NOTICE,
        start__lte=now + reach,
    )
    if rule.service_id:
        visits = visits.filter(service_id=rule.service_id)
    elif with_own_rules:
        visits = visits.exclude(service_id__in=with_own_rules)
    return (
        visits.filter(~Exists(decided))
        .annotate(time_set_at=Subquery(time_set_at))
        .select_related("location__clinic", "service__tax_category", "practitioner", "patient")
        .order_by("start", "pk")
    )


def _decide(
    appointment: Appointment, rule: ReminderRule, *, booked_late: bool, now: datetime
) -> bool:
    """Record one reminder's outcome, queueing it when it goes; True when queued."""
    with transaction.atomic():
        locked = appointment_locked(appointment)
        if locked.status != AppointmentStatus.BOOKED or locked.start != appointment.start:
            return False  # cancelled or moved since it was read: the next round sees it
        try:
            with transaction.atomic():
                reminder = AppointmentReminder.objects.create(
                    appointment=appointment,
                    channel=rule.channel,
                    hours_before=rule.hours_before,
                    start=appointment.start,
                    outcome=ReminderOutcome.BOOKED_LATE if booked_late else ReminderOutcome.QUEUED,
                    decided_at=now,
                )
        except IntegrityError:
            return False  # another scheduler decided it
        if booked_late:
            return False
        appointment.patient_confirmed_at = locked.patient_confirmed_at
        message = remind_patient(
            appointment,
            MessageChannel(rule.channel),
            now,
            key=f"{rule.hours_before}h:{int(appointment.start.timestamp())}",
        )
        if message is None:
            reminder.outcome = ReminderOutcome.NO_CONTACT
        reminder.message = message
        reminder.save(update_fields=["outcome", "message"])
    return message is not None
