"""The steps of the manager's hours page: a change of a shift (or its removal) is
previewed — the bookings it would leave out listed — before it is saved; the bookings
left out are dealt with several at once. HTTP only: reads through scheduling.selectors,
each write one call to clinic.services or scheduling.services.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.errors import ClinicError
from rehabdesk.clinic.models import Location, Practitioner, TimeOff, WorkingHours
from rehabdesk.clinic.selectors import practitioner_shift, practitioner_time_off_entry
from rehabdesk.scheduling import services as scheduling
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import ProposedShift, desk, hours_change_preview
from rehabdesk.web.staff.desk_forms import EndShiftForm, ShiftForm, TimeOffForm
from rehabdesk.web.staff.visible import visible_patient_ids

WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class Preview:
    """The bookings a change would leave out (those the viewer may see named), and the
    ids of all of them, which the save step must find unchanged."""

    shown: list[Appointment]
    hidden: int
    ids: str


@dataclass
class WeekRow:
    """One location's week in the grid: the shifts of each weekday, Monday first."""

    location: Location
    days: list[list[WorkingHours]] = field(default_factory=lambda: [[] for _ in WEEK])

    @property
    def cells(self) -> list[tuple[str, list[WorkingHours]]]:
        return list(zip(WEEK, self.days, strict=True))


def week_grid(shifts: list[WorkingHours]) -> list[WeekRow]:
    """Shifts as one week grid, a row per location (by name), earliest start first."""
    rows: dict[int, WeekRow] = {}
    for shift in sorted(shifts, key=lambda s: (s.location.name, s.starts, s.effective_from)):
        row = rows.setdefault(shift.location_id, WeekRow(shift.location))
        row.days[shift.weekday].append(shift)
    return list(rows.values())


def stored_shift(raw: object, practitioner: Practitioner) -> WorkingHours:
    text = str(raw if raw is not None else "")
    found = (
        practitioner_shift(practitioner_id=practitioner.pk, shift_id=int(text))
        if text.isdigit()
        else None
    )
    if found is None:
        raise Http404("Not one of this practitioner's shifts.")
    return found


def stored_time_off(raw: str, practitioner: Practitioner) -> TimeOff:
    found = (
        practitioner_time_off_entry(practitioner_id=practitioner.pk, time_off_id=int(raw))
        if raw.isdigit()
        else None
    )
    if found is None:
        raise Http404("Not one of this practitioner's time off.")
    return found


def _preview(
    request: HttpRequest,
    practitioner: Practitioner,
    *,
    changed: WorkingHours | None,
    proposed: ProposedShift | None,
    from_day: date,
    now: datetime,
) -> Preview:
    left_out = hours_change_preview(
        practitioner_id=practitioner.pk,
        changed_shift_id=changed.pk if changed else None,
        proposed=proposed,
        from_day=from_day,
        now=now,
    )
    visible = visible_patient_ids(
        request.user,
        [a.patient for a in left_out if a.patient],
        summary="bookings a change of hours would leave out",
        object_type="web.staff_hours_preview",
    )
    shown = [a for a in left_out if a.patient_id in visible]
    return Preview(shown, len(left_out) - len(shown), ",".join(str(a.pk) for a in left_out))


def _refused(form: ShiftForm | EndShiftForm, error: ClinicError, day_field: str) -> None:
    name = day_field if error.field == "effective_from" else error.field
    form.add_error(name if name in form.fields else None, error.message)


def shift_step(
    request: HttpRequest, form: ShiftForm, practitioner: Practitioner, *, save: bool
) -> Preview | HttpResponse | None:
    """Preview a new or changed shift; save it when asked and the preview still holds.
    None: the form has errors to show."""
    if not form.is_valid():
        return None
    now = _now()
    today = _today(now)
    data = form.cleaned_data
    stored = stored_shift(data["shift_id"], practitioner) if data["shift_id"] else None
    # Checked as the stored row it changes (not against it), never saved.
    candidate = form.fill(copy.copy(stored) if stored else WorkingHours(practitioner=practitioner))
    try:
        clinic_services.check_from_day(stored=stored, from_day=data["effective_from"], today=today)
        clinic_services.working_hours_validate(working_hours=candidate, breaks=form.breaks())
    except ClinicError as error:
        _refused(form, error, "effective_from")
        return None
    proposed = ProposedShift(
        location_id=data["location"].pk,
        weekday=data["weekday"],
        starts=data["starts"],
        ends=data["ends"],
        effective_from=data["effective_from"],
        effective_until=data["effective_until"],
        breaks=[(b.starts, b.ends) for b in form.breaks()],
    )
    preview = _preview(
        request,
        practitioner,
        changed=stored,
        proposed=proposed,
        from_day=data["effective_from"],
        now=now,
    )
    if not save:
        return preview
    if request.POST.get("previewed") != preview.ids:
        if "previewed" in request.POST:  # not a first look: something changed meanwhile
            messages.warning(request, _LOOK_AGAIN)
        return preview
    shift = form.fill(stored or WorkingHours(practitioner=practitioner))
    try:
        clinic_services.working_hours_change(working_hours=shift, breaks=form.breaks(), today=today)
    except ClinicError as error:
        _refused(form, error, "effective_from")
        return preview
    return changed(request, practitioner, "Working hours saved.")


def end_step(
    request: HttpRequest, form: EndShiftForm, practitioner: Practitioner, *, save: bool
) -> Preview | HttpResponse | None:
    """Preview removing a shift from a day on; remove it when asked and still true."""
    if not form.is_valid():
        return None
    now = _now()
    today = _today(now)
    stored = stored_shift(form.cleaned_data["shift_id"], practitioner)
    from_day = form.cleaned_data["from_day"]
    try:
        clinic_services.check_from_day(stored=stored, from_day=from_day, today=today)
    except ClinicError as error:
        _refused(form, error, "from_day")
        return None
    preview = _preview(
        request, practitioner, changed=stored, proposed=None, from_day=from_day, now=now
    )
    if not save:
        return preview
    if request.POST.get("previewed") != preview.ids:
        if "previewed" in request.POST:  # not a first look: something changed meanwhile
            messages.warning(request, _LOOK_AGAIN)
        return preview
    try:
        clinic_services.working_hours_end(working_hours=stored, from_day=from_day, today=today)
    except ClinicError as error:
        _refused(form, error, "from_day")
        return preview
    return changed(request, practitioner, "Shift removed.")


_LOOK_AGAIN = (
    "Nothing was saved: the bookings this change would leave out are not the ones the "
    "preview showed (the change or the bookings changed meanwhile). Look at them again."
)


def time_off_step(request: HttpRequest, form: TimeOffForm, practitioner: Practitioner) -> bool:
    if not form.is_valid():
        return False
    try:
        clinic_services.time_off_save(time_off=form.save(commit=False))
    except ClinicError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


def bulk_step(request: HttpRequest, practitioner: Practitioner, action: str) -> HttpResponse:
    """Tell the chosen (or all) patients left outside the hours, or move them to the
    waitlist."""
    outside = desk.practitioner_outside_hours(practitioner_id=practitioner.pk)
    if request.POST.get("all") != "yes":
        chosen = set(request.POST.getlist("appointment"))
        outside = [a for a in outside if str(a.pk) in chosen]
    if not outside:
        messages.error(request, "Nothing was done: choose at least one booking.")
        return redirect("staff-hours-practitioner", practitioner_id=practitioner.pk)
    now = _now()
    if action == "outside-tell":
        outcome = scheduling.outside_hours_tell(appointments=outside, actor=request.user, now=now)
        done = f"{_count(outcome.done)} told by e-mail, with other free times."
    else:
        outcome = scheduling.outside_hours_to_waitlist(
            appointments=outside, actor=request.user, now=now
        )
        done = (
            f"{_count(outcome.done)} cancelled and put on the waitlist; "
            f"{outcome.offers} new time{'s' if outcome.offers != 1 else ''} offered."
        )
    if outcome.not_emailed:
        done += (
            f" {_count(len(outcome.not_emailed))} without e-mail: call "
            f"{'them' if len(outcome.not_emailed) != 1 else 'the patient'}."
        )
    messages.success(request, done)
    return redirect("staff-hours-practitioner", practitioner_id=practitioner.pk)


def _count(n: int) -> str:
    return f"{n} patient{'s' if n != 1 else ''}"


def changed(request: HttpRequest, practitioner: Practitioner, done: str) -> HttpResponse:
    outside = len(desk.practitioner_outside_hours(practitioner_id=practitioner.pk))
    if outside:
        done += (
            f" {outside} booked appointment{'s are' if outside != 1 else ' is'} now outside "
            "this practitioner's hours: see the list below."
        )
    messages.success(request, done)
    return redirect("staff-hours-practitioner", practitioner_id=practitioner.pk)


def _now() -> datetime:
    return timezone.now()


def _today(now: datetime) -> date:
    return timezone.localdate(now)
