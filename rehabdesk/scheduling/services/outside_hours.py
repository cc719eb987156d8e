"""What a manager does, several at once, with the bookings changed hours left outside
what is allowed (conflicts.py marks them): tell the patients and offer them other
times, or cancel them and offer the patients new times through the waitlist.

Each call owns its transaction and audits each booking it touches. A booking no longer
booked, or back inside the hours, is passed over: someone dealt with it meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.availability import find_slots
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel, FreedKind
from rehabdesk.scheduling.messages import addressee, local_text, tell_patient
from rehabdesk.scheduling.models import Appointment, FreedTime
from rehabdesk.scheduling.services.lifecycle import appointment_cancel
from rehabdesk.scheduling.services.records import Actor, appointment_locked, audit_write
from rehabdesk.scheduling.services.waitlist import Wish, offer_freed_time, waitlist_add

# Other times offered in the e-mail, looked for this far ahead.
OTHER_TIMES = 3
LOOK_AHEAD = timedelta(days=28)
# How long a patient moved to the waitlist waits for a new time.
WAITLIST_FOR = timedelta(weeks=6)
HOURS_CHANGED = "the practitioner's hours changed"


@dataclass(frozen=True)
class Outcome:
    """How many bookings were dealt with, and whose patients nobody can e-mail (the desk
    calls them)."""

    done: int
    not_emailed: list[Appointment]
    offers: int = 0


def _still_outside(appointment: Appointment) -> Appointment | None:
    locked = appointment_locked(appointment)
    if locked.status != AppointmentStatus.BOOKED or locked.outside_hours_since is None:
        return None
    return locked


def other_times(appointment: Appointment, now: datetime) -> list[datetime]:
    """Up to OTHER_TIMES free starts for the same service at the same location within
    LOOK_AHEAD: with the same practitioner, or with anyone there if they have none."""
    start = max(now, appointment.start - LOOK_AHEAD / 2)
    for practitioners in ([appointment.practitioner_id], None):
        query = build_query(
            service_id=appointment.service_id,
            location_ids=[appointment.location_id],
            practitioner_ids=practitioners,
            start=start,
            end=start + LOOK_AHEAD,
            now=now,
            channel=Channel.STAFF,
            ignore_appointment_ids=[appointment.pk],
            lean=True,
        )
        found = find_slots(query, limit=OTHER_TIMES).slots
        if found:
            return [slot.start for slot in found]
    return []


def outside_hours_tell(
    *, appointments: Sequence[Appointment], actor: Actor, now: datetime
) -> Outcome:
    """E-mail each patient that their booking no longer fits the practitioner's hours,
    with other free times and their link to move it. The booking stays (on the desk's
    list) until it is moved, kept or cancelled. Told once per change of hours."""
    done = 0
    not_emailed: list[Appointment] = []
    with transaction.atomic():
        for appointment in appointments:
            locked = _still_outside(appointment)
            if locked is None or locked.patient is None:
                continue
            assert locked.outside_hours_since is not None
            if addressee(locked.patient) is None:
                not_emailed.append(locked)
            tell_patient(
                locked,
                "booking_outside_hours",
                now,
                key=locked.outside_hours_since.isoformat(),
                other_times=[local_text(t, locked) for t in other_times(locked, now)],
            )
            audit_write(
                locked, AuditAction.CHANGE, actor, "appointment (patient told: outside hours)"
            )
            done += 1
    return Outcome(done=done, not_emailed=not_emailed)


def outside_hours_to_waitlist(
    *, appointments: Sequence[Appointment], actor: Actor, now: datetime
) -> Outcome:
    """Cancel each booking (by the clinic, no fee; the patient is told why) and put the
    patient on the waitlist for the same service with the same practitioner at the same
    location for WAITLIST_FOR; then offer that practitioner's free time there to the
    waitlist at once, longest wait first, as freed time always is."""
    done = 0
    not_emailed: list[Appointment] = []
    freed: list[FreedTime] = []
    with transaction.atomic():
        for appointment in appointments:
            locked = _still_outside(appointment)
            if locked is None or locked.patient is None:
                continue
            if addressee(locked.patient) is None:
                not_emailed.append(locked)
            appointment_cancel(
                appointment=locked,
                actor=actor,
                now=now,
                by=CancelledBy.CLINIC,
                reason=HOURS_CHANGED,
            )
            until = (now + WAITLIST_FOR).astimezone(locked.location.zone).date()
            waitlist_add(
                wish=Wish(
                    patient=locked.patient,
                    service=locked.service,
                    practitioner=locked.practitioner,
                    locations=[locked.location],
                    weekdays=[],
                    day_parts=[],
                    valid_until=until,
                    note="Moved from a booking outside changed hours",
                ),
                actor=actor,
                now=now,
            )
            done += 1
            if not any(
                f.practitioner_id == locked.practitioner_id and f.location_id == locked.location_id
                for f in freed
            ):
                freed.append(
                    FreedTime.objects.create(
                        practitioner_id=locked.practitioner_id,
                        location_id=locked.location_id,
                        kind=FreedKind.OPENED,
                        start=now,
                        end=None,
                        created_at=now,
                        processed_at=now,  # offered just below, not by the scheduler
                    )
                )
    offers = sum(len(offer_freed_time(freed=f, now=now)) for f in freed)
    return Outcome(done=done, not_emailed=not_emailed, offers=offers)
