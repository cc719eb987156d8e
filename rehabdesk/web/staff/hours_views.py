"""The manager's hours pages: each practitioner's shifts and time off, and the bookings
a change leaves outside them.

HTTP only: each view asks rehabdesk.access who may look, reads through
scheduling.selectors.desk and clinic.selectors, and writes through clinic.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.errors import ClinicError
from rehabdesk.clinic.models import Practitioner, TimeOff, WorkingHours
from rehabdesk.clinic.selectors import (
    practitioner_by_id,
    practitioner_shift,
    practitioner_time_off_entry,
)
from rehabdesk.scheduling.selectors import desk
from rehabdesk.web.staff.desk_forms import ShiftForm, TimeOffForm
from rehabdesk.web.staff.visible import visible_patient_ids


@require_GET
@login_required
def staff_hours(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.MANAGE_HOURS)
    today = timezone.localdate()
    return render(
        request,
        "web/desk/hours.html",
        {"today": today, "practitioners": desk.hours_by_practitioner(today=today)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_hours_practitioner(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    """One practitioner's shifts and time off. Every change goes through clinic.services
    (which announce it, so scheduling marks the bookings it leaves outside hours); the
    page then lists those bookings."""
    require(user=request.user, capability=Capability.MANAGE_HOURS)
    practitioner = practitioner_by_id(practitioner_id=practitioner_id)
    if practitioner is None:
        raise Http404("No such practitioner.")
    now = timezone.now()
    today = timezone.localdate(now)
    shift_form = ShiftForm(initial={"effective_from": today})
    time_off_form = TimeOffForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "shift-save":
            shift_form = ShiftForm(request.POST)
            if _save_shift(shift_form, practitioner):
                return _changed(request, practitioner, "Working hours saved.")
        elif action == "time-off-save":
            time_off_form = TimeOffForm(request.POST, instance=TimeOff(practitioner=practitioner))
            if _save_time_off(time_off_form):
                return _changed(request, practitioner, "Time off saved.")
        elif action == "shift-delete":
            shift = _shift(request.POST.get("shift_id", ""), practitioner)
            clinic_services.working_hours_delete(working_hours=shift)
            return _changed(request, practitioner, "Shift deleted.")
        elif action == "time-off-delete":
            time_off = _time_off(request.POST.get("time_off_id", ""), practitioner)
            clinic_services.time_off_delete(time_off=time_off)
            return _changed(request, practitioner, "Time off deleted.")
        else:
            messages.error(request, "Nothing was changed: choose what to save or delete.")
    elif request.GET.get("edit", "").isdigit():
        shift = _shift(request.GET["edit"], practitioner)
        shift_form = ShiftForm.for_shift(shift)
    outside = desk.practitioner_outside_hours(practitioner_id=practitioner.pk)
    visible = visible_patient_ids(
        request.user,
        [a.patient for a in outside if a.patient],
        summary="bookings outside changed hours",
        object_type="web.staff_hours",
    )
    return render(
        request,
        "web/desk/hours_practitioner.html",
        {
            "practitioner": practitioner,
            "shifts": desk.practitioner_shifts(practitioner_id=practitioner.pk, today=today),
            "time_off": desk.practitioner_time_off(practitioner_id=practitioner.pk, now=now),
            "shift_form": shift_form,
            "editing": bool(shift_form.initial.get("shift_id") or shift_form.data.get("shift_id")),
            "time_off_form": time_off_form,
            "outside": [a for a in outside if a.patient_id in visible],
        },
    )


def _shift(raw: str, practitioner: Practitioner) -> WorkingHours:
    found = (
        practitioner_shift(practitioner_id=practitioner.pk, shift_id=int(raw))
        if raw.isdigit()
        else None
    )
    if found is None:
        raise Http404("Not one of this practitioner's shifts.")
    return found


def _time_off(raw: str, practitioner: Practitioner) -> TimeOff:
    found = (
        practitioner_time_off_entry(practitioner_id=practitioner.pk, time_off_id=int(raw))
        if raw.isdigit()
        else None
    )
    if found is None:
        raise Http404("Not one of this practitioner's time off.")
    return found


def _save_shift(form: ShiftForm, practitioner: Practitioner) -> bool:
    if not form.is_valid():
        return False
    shift_id = form.cleaned_data["shift_id"]
    if shift_id is None:
        shift = WorkingHours(practitioner=practitioner)
    else:
        shift = _shift(str(shift_id), practitioner)
    try:
        clinic_services.working_hours_save(working_hours=form.fill(shift), breaks=form.breaks())
    except ClinicError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


def _save_time_off(form: TimeOffForm) -> bool:
    if not form.is_valid():
        return False
    try:
        clinic_services.time_off_save(time_off=form.save(commit=False))
    except ClinicError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


def _changed(request: HttpRequest, practitioner: Practitioner, done: str) -> HttpResponse:
    outside = len(desk.practitioner_outside_hours(practitioner_id=practitioner.pk))
    if outside:
        done += (
            f" {outside} booked appointment{'s are' if outside != 1 else ' is'} now outside "
            "this practitioner's hours: see the list below."
        )
    messages.success(request, done)
    return redirect("staff-hours-practitioner", practitioner_id=practitioner.pk)


urlpatterns: list[URLPattern] = [
    path("staff/hours/", staff_hours, name="staff-hours"),
    path(
        "staff/hours/<int:practitioner_id>/",
        staff_hours_practitioner,
        name="staff-hours-practitioner",
    ),
]
