"""What a change to a practitioner's hours would leave out, before it is saved.

The change is applied to a copy of the calendar configuration in memory — the
practitioner's shifts as they would be, by the same rule the save follows
(clinic.services.shift_split) — and each of their booked appointments still to come is
judged by the engine against that copy, as the review after a save does
(scheduling.services.conflicts.outside_of). Nothing is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from rehabdesk.availability.types import DateRange, WeeklyShift
from rehabdesk.clinic.calendar_configuration import calendar_configuration
from rehabdesk.clinic.models import WorkingHours
from rehabdesk.clinic.services import shift_split
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.messages import RELATED_TYPE
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services.conflicts import outside_of

DAY = timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class ProposedShift:
    """A shift as a form proposes it (not saved)."""

    location_id: int
    weekday: int
    starts: time
    ends: time
    effective_from: date
    effective_until: date | None
    breaks: Sequence[tuple[time, time]] = ()

    def weekly(self) -> WeeklyShift:
        return WeeklyShift(
            location_id=self.location_id,
            weekday=self.weekday,
            starts=self.starts,
            ends=self.ends,
            effective=DateRange(self.effective_from, self.effective_until),
            breaks=tuple(sorted(self.breaks)),
        )


def _weekly(shift: WorkingHours, last: date | None) -> WeeklyShift:
    return WeeklyShift(
        location_id=shift.location_id,
        weekday=shift.weekday,
        starts=shift.starts,
        ends=shift.ends,
        effective=DateRange(shift.effective_from, last),
        breaks=tuple(sorted((b.starts, b.ends) for b in shift.breaks.all())),
    )


def hours_change_preview(
    *,
    practitioner_id: int,
    changed_shift_id: int | None,
    proposed: ProposedShift | None,
    from_day: date,
    now: datetime,
) -> list[Appointment]:
    """The practitioner's booked appointments, not yet begun and not already on the
    desk's list, that would fall outside what is allowed if `changed_shift_id` (None: a
    new shift) changed to `proposed` (None: removed) from `from_day` on. Soonest first,
    with patient, service and location fetched."""
    shifts: list[WeeklyShift] = []
    for shift in WorkingHours.objects.filter(practitioner_id=practitioner_id).prefetch_related(
        "breaks"
    ):
        if shift.pk != changed_shift_id:
            shifts.append(_weekly(shift, shift.effective_until))
        elif shift_split(shift, from_day):
            shifts.append(_weekly(shift, from_day - DAY))
    if proposed is not None:
        shifts.append(proposed.weekly())
    configuration = calendar_configuration()
    configuration = dataclasses.replace(
        configuration,
        shifts=tuple(
            (person, shift) for person, shift in configuration.shifts if person != practitioner_id
        )
        + tuple((practitioner_id, shift) for shift in shifts),
    )
    booked = (
        Appointment.objects.filter(
            practitioner_id=practitioner_id,
            status=AppointmentStatus.BOOKED,
            kept_outside_hours=False,
            outside_hours_since__isnull=True,
            start__gte=now,
        )
        .select_related("patient", "practitioner", "service", "location__clinic")
        .order_by("start", "pk")
    )
    return outside_of(list(booked), now=now, configuration=configuration)


def patients_told(appointments: Sequence[Appointment]) -> dict[int, datetime]:
    """When each of these bookings' patients was last told that their booking no longer
    fits the hours (scheduling.services.outside_hours_tell), since it was last marked
    outside them; one query."""
    since = {a.pk: a.outside_hours_since for a in appointments if a.outside_hours_since}
    told: dict[int, datetime] = {}
    for related_id, created_at in OutboxMessage.objects.filter(
        kind="booking_outside_hours",
        related_type=RELATED_TYPE,
        related_id__in=[str(pk) for pk in since],
    ).values_list("related_id", "created_at"):
        pk = int(related_id)
        if created_at >= since[pk] and (pk not in told or created_at > told[pk]):
            told[pk] = created_at
    return told
