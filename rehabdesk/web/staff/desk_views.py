"""The front desk's day, a practitioner's day, and the manager's hours pages.

HTTP only: each view asks rehabdesk.access who may look, reads through
scheduling.selectors.desk and clinic.selectors, and writes through the services
(waitlist answers, working hours and time off). Every page that names patients puts
the look on file (patients_for).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rehabdesk.access.accessors import patients_for, require, waitlist_offer_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Capability, person_for
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.errors import ClinicError
from rehabdesk.clinic.models import Practitioner, TimeOff, WorkingHours
from rehabdesk.clinic.selectors import (
    location_home_among,
    practitioner_by_id,
    practitioner_shift,
    practitioner_time_off_entry,
)
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import WaitlistOffer
from rehabdesk.scheduling.selectors import desk
from rehabdesk.scheduling.services import waitlist_offer_accept, waitlist_offer_decline
from rehabdesk.web.staff.desk_forms import LocationChoiceForm, ShiftForm, TimeOffForm


def _shown(user: Any, patients: list[Patient], summary: str, object_type: str) -> set[int]:
    """The ids of the patients this page may show, the look recorded as one event."""
    unique = list({p.pk: p for p in patients}.values())
    visible = patients_for(user=user, patients=unique, summary=summary, object_type=object_type)
    return {p.pk for p in visible}


def _back(request: HttpRequest, default: str) -> str:
    """Where a desk action returns: the page it came from, if it is one of ours."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The front desk's day -------------------------------------------------------------


@require_GET
@login_required
def desk_day(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    now = timezone.now()
    locations = desk.desk_locations()
    if not locations:
        return render(request, "web/desk/day.html", {"location": None})
    slug = (
        request.GET.get("location")
        or location_home_among(user_id=request.user.pk, locations=locations).slug
    )
    location = next((loc for loc in locations if loc.slug == slug), None)
    if location is None:
        raise Http404("No such location.")
    day = now.astimezone(location.zone).date()
    arrivals = desk.desk_arrivals(location=location, day=day)
    offers = desk.desk_open_offers(location=location, now=now)
    outside = desk.desk_outside_hours(location=location)
    visible = _shown(
        request.user,
        [a.patient for a in arrivals if a.patient]
        + [o.entry.patient for o in offers]
        + [a.patient for a in outside if a.patient],
        summary="front desk day",
        object_type="web.desk_day",
    )
    arrivals = [a for a in arrivals if a.patient_id in visible]
    return render(
        request,
        "web/desk/day.html",
        {
            "location": location,
            "day": day,
            "now": now,
            "switcher": LocationChoiceForm(
                initial={"location": location.slug}, locations=locations
            ),
            "several_locations": len(locations) > 1,
            "arrivals": arrivals,
            "late": desk.late_arrivals(arrivals, now=now),
            "late_minutes": int(desk.LATE_AFTER.total_seconds() // 60),
            "offers": [o for o in offers if o.entry.patient_id in visible],
            "outside": [a for a in outside if a.patient_id in visible],
            "here": request.get_full_path(),
        },
    )


def _desk_offer(request: HttpRequest, offer_id: int) -> WaitlistOffer:
    """An offer the desk may answer for the patient (MANAGE_BOOKINGS on them)."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    return waitlist_offer_for(user=request.user, offer_id=offer_id)


@require_POST
@login_required
def desk_offer_accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _desk_offer(request, offer_id)
    try:
        waitlist_offer_accept(offer=offer, actor=request.user, now=timezone.now())
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{offer.entry.patient.full_name} is booked for the offered time."
        )
    return redirect(_back(request, reverse("desk-day")))


@require_POST
@login_required
def desk_offer_decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _desk_offer(request, offer_id)
    try:
        waitlist_offer_decline(offer=offer, actor=request.user, now=timezone.now())
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Offer declined for {offer.entry.patient.full_name}; they keep their place "
            "on the waitlist and the time passes to the next patient.",
        )
    return redirect(_back(request, reverse("desk-day")))


# --- A practitioner's day -------------------------------------------------------------


@require_GET
@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    if person.practitioner_id is None:
        raise AccessDenied(object_type="web.page", object_id="my_day", summary="my day")
    now = timezone.now()
    day = timezone.localdate(now)
    visits = desk.practitioner_day(practitioner_id=person.practitioner_id, day=day, now=now)
    visible = _shown(
        request.user,
        [v.appointment.patient for v in visits if v.appointment.patient],
        summary="practitioner's day",
        object_type="web.my_day",
    )
    return render(
        request,
        "web/desk/my_day.html",
        {"day": day, "visits": [v for v in visits if v.appointment.patient_id in visible]},
    )


# --- Working hours and time off (managers) --------------------------------------------


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
    visible = _shown(
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
    path("staff/desk/", desk_day, name="desk-day"),
    path(
        "staff/waitlist/offers/<int:offer_id>/accept/", desk_offer_accept, name="desk-offer-accept"
    ),
    path(
        "staff/waitlist/offers/<int:offer_id>/decline/",
        desk_offer_decline,
        name="desk-offer-decline",
    ),
    path("staff/my-day/", my_day, name="my-day"),
    path("staff/hours/", staff_hours, name="staff-hours"),
    path(
        "staff/hours/<int:practitioner_id>/",
        staff_hours_practitioner,
        name="staff-hours-practitioner",
    ),
]
