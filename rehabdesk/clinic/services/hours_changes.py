"""A manager's change to working hours, from a chosen day on.

Hours change from a day the manager picks, never before today: the days already past
keep the hours they had, because the bookings, the schedule and the reports of those
days were made against them (docs/algorithms/working-hours.md). Editing a shift from
day D ends the old shift on D - 1 and starts the new one on D, in one transaction; a
shift that has not begun by D is simply replaced. Removing a shift from D ends it on
D - 1 the same way.

`shift_split` is the one statement of that rule: the pages' preview
(scheduling.selectors.hours_preview) asks it too, so what the preview shows is what
the save does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction

from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Break, Practitioner, WorkingHours
from rehabdesk.clinic.services.common import TimeSpan
from rehabdesk.clinic.services.team import (
    announce_hours,
    working_hours_save,
    working_hours_validate,
)

DAY = timedelta(days=1)


def shift_split(stored: WorkingHours, from_day: date) -> bool:
    """Does a change from `from_day` keep the stored shift's earlier days (True), or
    replace the shift whole (False: it had not begun by then)?"""
    return from_day > stored.effective_from


def check_from_day(*, stored: WorkingHours | None, from_day: date, today: date) -> None:
    """Refuse a change that would apply before today, or after the shift has ended."""
    if from_day < today:
        raise ClinicError(
            ClinicErrorCode.PAST_DAYS,
            f"Hours can change from today ({today:%B} {today.day}) on: the days already "
            "past keep the hours their bookings were made against.",
            field="effective_from",
        )
    if stored is not None and stored.effective_until and from_day > stored.effective_until:
        last = stored.effective_until
        raise ClinicError(
            ClinicErrorCode.SHIFT_ENDED,
            f"This shift ends on {last:%B} {last.day}, {last.year}: a change must start "
            "by then. Add a new shift for later days.",
            field="effective_from",
        )


def working_hours_change(
    *,
    working_hours: WorkingHours,
    breaks: Sequence[TimeSpan],
    today: date,
) -> WorkingHours:
    """Save a new shift, or change a stored one (`working_hours.pk`), from
    `working_hours.effective_from` on. A changed shift that began before that day keeps
    its earlier days as they were: it ends the day before, and the new hours are a new
    shift from that day (its breaks the ones given). Returns the shift now in effect
    from that day."""
    from_day = working_hours.effective_from
    if working_hours.pk is None:
        check_from_day(stored=None, from_day=from_day, today=today)
        return working_hours_save(working_hours=working_hours, breaks=breaks)
    with transaction.atomic():
        Practitioner.objects.select_for_update().filter(pk=working_hours.practitioner_id).first()
        stored = (
            WorkingHours.objects.select_for_update()
            .select_related("location")
            .get(pk=working_hours.pk)
        )
        check_from_day(stored=stored, from_day=from_day, today=today)
        if not shift_split(stored, from_day):
            return working_hours_save(working_hours=working_hours, breaks=breaks)
        WorkingHours.objects.filter(pk=stored.pk).update(effective_until=from_day - DAY)
        new = WorkingHours(
            practitioner_id=stored.practitioner_id,
            location=working_hours.location,
            weekday=working_hours.weekday,
            starts=working_hours.starts,
            ends=working_hours.ends,
            effective_from=from_day,
            effective_until=working_hours.effective_until,
        )
        working_hours_validate(working_hours=new, breaks=breaks)
        new.save()
        Break.objects.bulk_create(
            Break(working_hours=new, starts=b.starts, ends=b.ends) for b in breaks
        )
        announce_hours(new, stored)
    return new


def working_hours_end(*, working_hours: WorkingHours, from_day: date, today: date) -> None:
    """Remove a shift from `from_day` on: it ends the day before, or goes entirely if it
    had not begun by then."""
    with transaction.atomic():
        Practitioner.objects.select_for_update().filter(pk=working_hours.practitioner_id).first()
        stored = (
            WorkingHours.objects.select_for_update()
            .select_related("location")
            .get(pk=working_hours.pk)
        )
        check_from_day(stored=stored, from_day=from_day, today=today)
        if not shift_split(stored, from_day):
            stored.delete()
            announce_hours(stored, None)
            return
        WorkingHours.objects.filter(pk=stored.pk).update(effective_until=from_day - DAY)
        announce_hours(stored, None)
