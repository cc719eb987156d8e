"""The manager's hours pages: everyone's week at a glance, and each practitioner's
shifts and time off, with the bookings a change leaves outside them.

HTTP only: each view asks rehabdesk.access who may look, reads through
scheduling.selectors.desk and clinic.selectors, and writes through clinic.services and
scheduling.services (hours_steps.py holds the steps: preview, save, bulk actions).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Practitioner, TimeOff
from rehabdesk.clinic.selectors import practitioner_by_id
from rehabdesk.scheduling.selectors import desk, patients_told
from rehabdesk.web.staff.desk_forms import EndShiftForm, ShiftForm, TimeOffForm
from rehabdesk.web.staff.hours_steps import (
    WEEK,
    Preview,
    bulk_step,
    changed,
    end_step,
    shift_step,
    stored_shift,
    stored_time_off,
    time_off_step,
    week_grid,
)
from rehabdesk.web.staff.visible import visible_patient_ids


@require_GET
@login_required
def staff_hours(request: HttpRequest) -> HttpResponse:
    """Everyone's week: one grid, a row per practitioner and location."""
    require(user=request.user, capability=Capability.MANAGE_HOURS)
    today = timezone.localdate()
    practitioners = desk.hours_by_practitioner(today=today)
    # `current_hours`: the shifts from today on, fetched by the selector.
    hours = {p.pk: list(getattr(p, "current_hours", [])) for p in practitioners}
    rows = [(p, row) for p in practitioners for row in week_grid(hours[p.pk])]
    return render(
        request,
        "web/desk/hours.html",
        {
            "today": today,
            "week": WEEK,
            "rows": rows,
            "without_hours": [p for p in practitioners if not hours[p.pk]],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_hours_practitioner(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    """One practitioner's week, a change of a shift previewed before it is saved, their
    time off, and the bookings changes left outside the hours."""
    require(user=request.user, capability=Capability.MANAGE_HOURS)
    practitioner = practitioner_by_id(practitioner_id=practitioner_id)
    if practitioner is None:
        raise Http404("No such practitioner.")
    now = timezone.now()
    today = timezone.localdate(now)
    shift_form = ShiftForm(initial={"effective_from": today})
    end_form: EndShiftForm | None = None
    time_off_form = TimeOffForm()
    preview: Preview | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        result: Preview | HttpResponse | None = None
        if action in ("shift-preview", "shift-save"):
            shift_form = ShiftForm(request.POST)
            result = shift_step(request, shift_form, practitioner, save=action == "shift-save")
        elif action in ("shift-end-preview", "shift-end"):
            end_form = EndShiftForm(request.POST)
            result = end_step(request, end_form, practitioner, save=action == "shift-end")
        elif action in ("outside-tell", "outside-waitlist"):
            return bulk_step(request, practitioner, action)
        elif action == "time-off-save":
            time_off_form = TimeOffForm(request.POST, instance=TimeOff(practitioner=practitioner))
            if time_off_step(request, time_off_form, practitioner):
                return changed(request, practitioner, "Time off saved.")
        elif action == "time-off-delete":
            time_off = stored_time_off(request.POST.get("time_off_id", ""), practitioner)
            clinic_services.time_off_delete(time_off=time_off)
            return changed(request, practitioner, "Time off deleted.")
        else:
            messages.error(request, "Nothing was changed: choose what to save or delete.")
        if isinstance(result, HttpResponse):
            return result
        preview = result
    elif request.GET.get("edit", "").isdigit():
        shift_form = ShiftForm.for_shift(
            stored_shift(request.GET["edit"], practitioner), today=today
        )
    elif request.GET.get("end", "").isdigit():
        end_form = EndShiftForm.for_shift(
            stored_shift(request.GET["end"], practitioner), today=today
        )
    return render(
        request,
        "web/desk/hours_practitioner.html",
        _context(request, practitioner, now, shift_form, end_form, time_off_form, preview),
    )


def _context(
    request: HttpRequest,
    practitioner: Practitioner,
    now: Any,
    shift_form: ShiftForm,
    end_form: EndShiftForm | None,
    time_off_form: TimeOffForm,
    preview: Preview | None,
) -> dict[str, Any]:
    today = timezone.localdate(now)
    outside = desk.practitioner_outside_hours(practitioner_id=practitioner.pk)
    visible = visible_patient_ids(
        request.user,
        [a.patient for a in outside if a.patient],
        summary="bookings outside changed hours",
        object_type="web.staff_hours",
    )
    shown = [a for a in outside if a.patient_id in visible]
    told = patients_told(shown)
    for appointment in shown:
        appointment.told_at = told.get(appointment.pk)  # type: ignore[attr-defined]
    shifts = list(desk.practitioner_shifts(practitioner_id=practitioner.pk, today=today))
    ending = None
    if end_form is not None:
        raw = end_form.data.get("shift_id") if end_form.is_bound else end_form.initial["shift_id"]
        ending = stored_shift(raw, practitioner) if str(raw).isdigit() else None
    return {
        "practitioner": practitioner,
        "today": today,
        "week": WEEK,
        "grid": week_grid(shifts),
        "shift_form": shift_form,
        "editing": bool(shift_form.initial.get("shift_id") or shift_form.data.get("shift_id")),
        "end_form": end_form,
        "ending": ending,
        "preview": preview,
        "time_off": desk.practitioner_time_off(practitioner_id=practitioner.pk, now=now),
        "time_off_form": time_off_form,
        "outside": shown,
    }


urlpatterns: list[URLPattern] = [
    path("staff/hours/", staff_hours, name="staff-hours"),
    path(
        "staff/hours/<int:practitioner_id>/",
        staff_hours_practitioner,
        name="staff-hours-practitioner",
    ),
]
