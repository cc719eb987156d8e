"""Booking from the schedule: a free cell leads here with the practitioner, the
location and the time (ids and a time only: nothing about any patient in the address).
The desk chooses the service and finds the caller; each patient found has a "Book"
link to the phone booking's confirmation of that time, with the price.

HTTP only: rehabdesk.access authorizes and audits the search; the booking service
decides on the confirmation whether the time is still free for that service.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET

from rehabdesk.access.accessors import patients_for, require
from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.clinic.selectors import locations_active, practitioners_active
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_search as search_patients
from rehabdesk.web.free_times import FreeTime, free_time_from
from rehabdesk.web.staff.patient_forms import BookAtForm


def _picked(request: HttpRequest) -> FreeTime:
    """The time the cell stands for; an address that does not name one is not found."""
    query = request.GET
    value = f"{query.get('at', '')}|{query.get('practitioner', '')}|{query.get('location', '')}"
    picked = free_time_from(value, practitioners_active(), list(locations_active()))
    if picked is None:
        raise Http404("No such time.")
    return picked


def confirm_query(picked: FreeTime, service_id: int) -> str:
    """The finder's confirmation of this time for a service, as a query string."""
    return urlencode(
        {
            "service": service_id,
            "location": picked.location.pk,
            "practitioner": picked.practitioner.pk,
            "start": picked.start.date().isoformat(),
            "pick": picked.value,
        }
    )


@require_GET
@login_required
def book_at(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    picked = _picked(request)
    asked = "service" in request.GET or "q" in request.GET
    form = BookAtForm(request.GET if asked else None, practitioner_id=picked.practitioner.pk)
    results: list[Patient] = []
    searched = form.is_bound and form.is_valid()
    if searched:
        data = form.cleaned_data
        searched = bool(data["q"] or data["born"])
        if not searched:
            form.add_error("q", "Give a name, phone, e-mail or date of birth to find the caller.")
        else:
            results = patients_for(
                user=request.user,
                patients=search_patients(text=data["q"], born_on=data["born"]),
                summary="patient search results",
                object_type="web.book_at",
            )
    person = person_for(request.user)
    return render(
        request,
        "web/booking/book_at.html",
        {
            "picked": picked,
            "form": form,
            "searched": searched,
            "results": results,
            "book_query": confirm_query(picked, form.cleaned_data["service"].pk)
            if searched
            else "",
            "schedule_url": _schedule_url(picked, schedules=can(person, Capability.VIEW_SCHEDULES)),
            "can_register": can(person, Capability.REGISTER_PATIENTS),
        },
    )


def _schedule_url(picked: FreeTime, *, schedules: bool) -> str:
    day = picked.start.date().isoformat()
    if schedules:
        return reverse("schedule-day", kwargs={"location": picked.location.slug, "day": day})
    return reverse("schedule-week", kwargs={"practitioner_id": picked.practitioner.pk, "day": day})


urlpatterns: list[URLPattern] = [
    path("staff/book/", book_at, name="book-at"),
]
