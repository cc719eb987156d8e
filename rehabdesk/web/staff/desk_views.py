"""The front desk's day and a practitioner's day.

HTTP only: each view asks rehabdesk.access who may look, reads through
scheduling.selectors.desk, clinic.selectors and care.selectors (a practitioner's notes:
each visit's note state, the drafts to sign), and writes through the services
(waitlist answers). Every page that names patients puts
the look on file (patients_for).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.accessors import require, waitlist_offer_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.notes import visits_withheld_among
from rehabdesk.access.policy import Capability, person_for
from rehabdesk.access.safety import day_safety_for
from rehabdesk.care.selectors import notes_to_sign
from rehabdesk.clinic.selectors import (
    location_home_among,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_search as search_patients
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import WaitlistOffer
from rehabdesk.scheduling.selectors import desk
from rehabdesk.scheduling.services import waitlist_offer_accept, waitlist_offer_decline
from rehabdesk.web.staff.day_form import DayForm
from rehabdesk.web.staff.desk_forms import LocationChoiceForm
from rehabdesk.web.staff.patient_forms import PatientSearchForm
from rehabdesk.web.staff.visible import visible_patient_ids
from rehabdesk.web.staff.visit_notes import note_links


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
    not_reminded = desk.desk_not_reminded(location=location, now=now)
    search = PatientSearchForm(request.GET if "q" in request.GET else None)
    found = _found(search)
    visible = visible_patient_ids(
        request.user,
        [a.patient for a in arrivals if a.patient]
        + [o.entry.patient for o in offers]
        + [a.patient for a in outside if a.patient]
        + [a.patient for a in not_reminded if a.patient]
        + found,
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
            "not_reminded": [a for a in not_reminded if a.patient_id in visible],
            "search": search,
            "searched": search.is_bound and search.is_valid(),
            "found": [p for p in found if p.pk in visible],
            # A caller found is booked at this desk's location in one click.
            "book_query": urlencode({"location": location.pk}),
            "here": request.get_full_path(),
        },
    )


def _found(search: PatientSearchForm) -> list[Patient]:
    """The patients the desk's search box asks for (none until it asks)."""
    if not search.is_bound or not search.is_valid():
        return []
    text, born = search.cleaned_data["q"], search.cleaned_data["born"]
    if not (text or born):
        return []
    return list(search_patients(text=text, born_on=born))


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
    today = timezone.localdate(now)
    chosen = DayForm(request.GET if "day" in request.GET else None)
    day = chosen.day_or(today)
    visits = desk.practitioner_day(practitioner_id=person.practitioner_id, day=day, now=now)
    to_sign = notes_to_sign(practitioner_id=person.practitioner_id)
    # One event for the page: the day's patients and those whose notes wait to be signed.
    visible = visible_patient_ids(
        request.user,
        [v.appointment.patient for v in visits if v.appointment.patient]
        + [note.patient for note in to_sign],
        summary="practitioner's day",
        object_type="web.my_day",
    )
    visits = [v for v in visits if v.appointment.patient_id in visible]
    # The visits the patients' lockboxes withhold from them: said so, their drafts not listed.
    withheld = visits_withheld_among(
        person, [v.appointment.pk for v in visits] + [n.appointment_id or 0 for n in to_sign]
    )
    return render(
        request,
        "web/desk/my_day.html",
        {
            "day": day,
            "today": today,
            "form": chosen if chosen.is_bound else DayForm(initial={"day": day}),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "week_url": reverse(
                "schedule-week",
                kwargs={"practitioner_id": person.practitioner_id, "day": day.isoformat()},
            ),
            "visits": visits,
            # The visits are the practitioner's own: their notes' states are theirs to see.
            "notes": note_links(
                appointments=[v.appointment for v in visits],
                practitioner_id=person.practitioner_id,
                now=now,
                withheld=withheld,
            ),
            "to_sign": [
                note
                for note in to_sign
                if note.patient_id in visible and note.appointment_id not in withheld
            ],
            # The badges are for the day's visits only.
            "day_safety": day_safety_for(
                user=request.user, patient_ids=visible & {v.appointment.patient_id for v in visits}
            ),
        },
    )


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
]
