"""The patient portal, /my/: for people who sign in as patients, about themselves and
the family whose bookings they manage (a guardian switches between them).

A guardian's first page is the family's: everyone's upcoming visits together, soonest
first, each named, and any time the waitlist holds for one of them. Each person's page
lists their upcoming and past appointments (each opens the same
manage pages as the e-mailed link: manage_views.py), their places on the waitlist, the
practitioners to book again with, and links to their contact details and consents
(consent_views.py).
Everything shown is fetched through the access layer and audited; changes go through
the services, which audit them too. HTTP only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rehabdesk.access.accessors import patient_for, patients_for, waitlist_entry_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, person_for
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.patients.errors import PatientError
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_exists, patients_by_ids
from rehabdesk.patients.services import patient_update
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import (
    appointments_for_patient,
    appointments_upcoming_for_patients,
    waitlist_for_patient,
    waitlist_for_patients,
)
from rehabdesk.scheduling.services import waitlist
from rehabdesk.web.forms import ProfileForm, WaitlistForm

PAST_SHOWN = 20
BOOK_AGAIN_SHOWN = 3


def own_patient_id(request: HttpRequest) -> int:
    """The signed-in patient's own record; anyone else is refused (staff have their own
    pages)."""
    patient_id = person_for(request.user).patient_id
    if patient_id is None:
        raise AccessDenied(object_type="web.page", object_id="my", summary="patient pages")
    return patient_id


def _family(request: HttpRequest, chosen_id: int) -> tuple[Patient, list[Patient]]:
    """The person chosen and everyone the signed-in patient may switch to (themselves
    first, then dependents by age): one audited view of all of them."""
    own_id = own_patient_id(request)
    person = person_for(request.user)
    if chosen_id not in person.managed_patient_ids:
        found = patient_exists(patient_id=chosen_id)
        raise AccessDenied(
            object_type="patients.patient",
            object_id=str(chosen_id),
            patient_ids=[chosen_id] if found else [],
            summary="portal",
            found=found,
        )
    people = patients_for(
        user=request.user,
        patients=patients_by_ids(ids=person.managed_patient_ids),
        summary="portal: appointments and waitlist",
        object_type="web.my_portal",
    )
    people.sort(key=lambda p: p.pk != own_id)
    chosen = next(p for p in people if p.pk == chosen_id)
    return chosen, people


@dataclass(frozen=True)
class BookAgain:
    service: Service
    practitioner: Practitioner
    location: Location

    @property
    def query(self) -> str:
        return (
            f"service={self.service.pk}&location={self.location.pk}"
            f"&practitioner={self.practitioner.pk}"
        )


def _book_again(past: list[Appointment]) -> list[BookAgain]:
    """The latest visits' service, practitioner and location, each once, where they can
    still be booked online."""
    seen: dict[tuple[int, int, int], BookAgain] = {}
    for visit in past:
        if visit.status not in {AppointmentStatus.FULFILLED, AppointmentStatus.ARRIVED}:
            continue
        if not (visit.service.online_bookable and visit.service.active):
            continue
        if not (visit.practitioner.active and visit.location.active):
            continue
        key = (visit.service_id, visit.practitioner_id, visit.location_id)
        seen.setdefault(key, BookAgain(visit.service, visit.practitioner, visit.location))
    return list(seen.values())[:BOOK_AGAIN_SHOWN]


def _person_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    chosen, people = _family(request, patient_id)
    now = timezone.now()
    appointments = list(appointments_for_patient(patient_id=chosen.pk, holds=False))
    upcoming = [
        a
        for a in reversed(appointments)
        if a.status in {AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED} and a.end > now
    ]
    upcoming_ids = {a.pk for a in upcoming}
    past = [a for a in appointments if a.pk not in upcoming_ids][:PAST_SHOWN]
    waiting = waitlist_for_patient(patient_id=chosen.pk, now=now)
    return render(
        request,
        "web/my/person.html",
        {
            "chosen": chosen,
            "people": people,
            "own_id": own_patient_id(request),
            "upcoming": [(a, a.start.astimezone(a.location.zone)) for a in upcoming],
            "past": [(a, a.start.astimezone(a.location.zone)) for a in past],
            "waiting": waiting,
            "book_again": _book_again(past),
        },
    )


def _who(patient: Patient, own_id: int) -> str:
    return "You" if patient.pk == own_id else patient.preferred_name or patient.first_name


@dataclass(frozen=True)
class FamilyVisit:
    """One upcoming visit on the family's page: whose, when (in the location's zone)."""

    appointment: Appointment
    who: str
    local: datetime


@never_cache
@require_GET
@login_required
def my_family(request: HttpRequest) -> HttpResponse:
    """The portal's first page: a patient's own, or for a guardian the family's upcoming
    visits together (the people seen in one audited view, as on each person's page)."""
    own_id = own_patient_id(request)
    if len(person_for(request.user).managed_patient_ids) < 2:
        return _person_page(request, own_id)
    _, people = _family(request, own_id)
    names = {p.pk: _who(p, own_id) for p in people}
    now = timezone.now()
    visits = [
        FamilyVisit(a, names[a.patient_id], a.start.astimezone(a.location.zone))
        for a in appointments_upcoming_for_patients(patient_ids=names, now=now)
        if a.patient_id in names
    ]
    offers = [
        (entry, names[entry.patient_id], offer)
        for entry in waitlist_for_patients(patient_ids=names, now=now)
        if entry.patient_id in names
        for offer in entry.open_offers  # type: ignore[attr-defined]  # prefetched
    ]
    own = next(p for p in people if p.pk == own_id)
    return render(
        request,
        "web/my/family.html",
        {
            "own": own,
            "own_id": own_id,
            "family": people,
            "named": [(p, names[p.pk]) for p in people],
            "visits": visits,
            "offers": offers,
        },
    )


@never_cache
@require_GET
@login_required
def my_person(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _person_page(request, patient_id)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_profile(request: HttpRequest, patient_id: int) -> HttpResponse:
    own_patient_id(request)
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        summary="portal: contact details",
        view=request.method == "GET",
    )
    form = ProfileForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            patient_update(actor=request.user, patient=form.save(commit=False))
        except PatientError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("my-person", patient_id=patient.pk)
    return render(request, "web/my/profile.html", {"patient": patient, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_waitlist_join(request: HttpRequest, patient_id: int) -> HttpResponse:
    own_patient_id(request)
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.MANAGE_BOOKINGS,
        summary="portal: waitlist",
        view=request.method == "GET",
    )
    form = WaitlistForm(request.POST or None, online=True)
    if request.method == "POST" and form.is_valid():
        entry = form.join(patient=patient, actor=request.user, now=timezone.now())
        if entry is not None:
            messages.success(
                request,
                f"You are on the waitlist for {entry.service.name} until "
                f"{entry.valid_until:%B} {entry.valid_until.day}. We will e-mail you when a "
                "time that fits is freed.",
            )
            return redirect("my-person", patient_id=patient.pk)
    return render(request, "web/my/waitlist.html", {"patient": patient, "form": form})


@never_cache
@require_POST
@login_required
def my_waitlist_leave(request: HttpRequest, entry_id: int) -> HttpResponse:
    own_patient_id(request)
    entry = waitlist_entry_for(user=request.user, entry_id=entry_id)
    try:
        waitlist.waitlist_withdraw(entry=entry, actor=request.user, now=timezone.now())
    except SchedulingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "You are off the waitlist.")
    return redirect(reverse("my-person", kwargs={"patient_id": entry.patient_id}))


urlpatterns: list[URLPattern] = [
    path("my/", my_family, name="my-family"),
    path("my/people/<int:patient_id>/", my_person, name="my-person"),
    path("my/people/<int:patient_id>/details/", my_profile, name="my-profile"),
    path("my/people/<int:patient_id>/waitlist/", my_waitlist_join, name="my-waitlist-join"),
    path("my/waitlist/<int:entry_id>/leave/", my_waitlist_leave, name="my-waitlist-leave"),
]
