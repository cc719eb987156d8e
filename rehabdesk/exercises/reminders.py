"""The daily exercise reminders, a chore of `manage.py run_scheduler` (registered in
apps.py): at each program's reminder time, in the patient's zone, one e-mail through
the outbox saying it is time for today's exercises, with a link to /my/exercises/ —
no exercise, body part or condition in it.

Once a day, whatever happens: the program's `reminded_on` is claimed by a
compare-and-swap (UPDATE … WHERE reminded_on is before today) in the same transaction
as the outbox row, whose dedupe key names the program and the local day. The day is
the patient's local date: on the day the clocks fall back a time such as 1:30 AM comes
twice and is reminded at the first; on the day they spring forward a time that never
comes (2:30 AM) is reminded at the first minute after it. Never for a stopped program,
one not yet started or already ended, nor when today's sessions are all done.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from rehabdesk.clinic.models import Clinic
from rehabdesk.core.links import site_link
from rehabdesk.exercises.models import Program, ProgramSession
from rehabdesk.exercises.selectors import clinic_zone, reminders_candidates
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.scheduling.messages import addressee

TEMPLATE = "exercise_reminder"
LINK = "/my/exercises/"
# How long after its time a reminder still goes (the scheduler was down a while); a
# reminder later than this waits for tomorrow rather than arrive in the evening.
LATE_BY_AT_MOST = timedelta(hours=3)
# The furthest any zone's clock runs ahead of UTC (Kiribati, UTC+14).
AHEAD_OF_UTC = timedelta(hours=14)


def reminders_send_due(*, now: datetime) -> int:
    """Write the reminders due now to the outbox; returns how many were written."""
    latest_local_day = (now + AHEAD_OF_UTC).date()
    fallback: ZoneInfo | None = None
    sent = 0
    for program in reminders_candidates(latest_local_day=latest_local_day):
        name = getattr(program, "zone_name", None)
        if name:
            zone = ZoneInfo(name)
        else:
            fallback = fallback or clinic_zone()
            zone = fallback
        day = due_day(program, now.astimezone(zone))
        if day is not None and _remind(program, day, now):
            sent += 1
    return sent


def due_day(program: Program, local: datetime) -> date | None:
    """The local day whose reminder is due at `local` (the patient's wall clock), or
    None: not yet its time, too late today, reminded already, or not a program day."""
    day = local.date()
    at = program.reminder_at
    if at is None or (program.reminded_on is not None and program.reminded_on >= day):
        return None
    if program.starts_on > day or (program.ends_on is not None and program.ends_on < day):
        return None
    # Wall-clock arithmetic on purpose: the hour the clocks repeat or skip is judged by
    # the time the patient reads, and `reminded_on` keeps it to once.
    wall = local.replace(tzinfo=None)
    late = wall - datetime.combine(day, at)
    return day if timedelta(0) <= late <= LATE_BY_AT_MOST else None


def _remind(program: Program, day: date, now: datetime) -> bool:
    with transaction.atomic():
        claimed = (
            Program.objects.filter(pk=program.pk, stopped_at__isnull=True)
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=day))
            .update(reminded_on=day)
        )
        if not claimed:
            return False  # another scheduler took it, or it was stopped meanwhile
        done = ProgramSession.objects.filter(
            program_id=program.pk, day=day, undone_at__isnull=True
        ).count()
        to = addressee(program.patient)
        if done >= program.sessions_per_day or to is None or not to.email:
            return False
        message_enqueue(
            channel=MessageChannel.EMAIL,
            kind=TEMPLATE,
            recipient=to.email,
            template=TEMPLATE,
            context=_context(program, to),
            related_type="exercises.program",
            related_id=program.pk,
            dedupe_key=f"{TEMPLATE}:{program.pk}:{day.isoformat()}",
            now=now,
        )
    return True


def _context(program: Program, to: object) -> dict[str, object]:
    clinic = Clinic.objects.order_by("pk").only("name", "phone").first()
    patient = program.patient
    greeting = getattr(to, "full_name", "")
    own = getattr(to, "pk", None) == patient.pk
    return {
        "clinic_name": clinic.name if clinic else "Rehabdesk",
        "clinic_phone": clinic.phone if clinic else "",
        "greeting_name": greeting,
        "whose": "your" if own else f"{patient.preferred_name or patient.first_name}'s",
        "link": site_link(LINK),
    }
