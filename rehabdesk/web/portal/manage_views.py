"""A patient managing one of their bookings: see it, confirm they will come, cancel it,
move it.

Two doors lead to the same pages:

- the link in every booking e-mail, `/manage/<token>/`, for whoever holds it, without
  signing in (the token is signed and expires: scheduling/manage_links.py; a refused
  token gets one plain page, whatever the reason);
- the patient portal, `/my/appointments/<id>/`, for a signed-in patient and the family
  whose bookings they manage.

What may be changed is the clinic's policy (scheduling/services/self_service.py): online until
the cancellation notice starts, by phone after. A move offers the free times of the
same service with the same practitioner at the same location, and always the ways on:
later days, anyone, another location offering the service (moving.py). HTTP only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rehabdesk.access.accessors import appointment_by_link, appointment_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.policy import person_for
from rehabdesk.clinic.selectors import locations_active, practitioners_active
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import appointment_was_offered, waitlist_offer_open
from rehabdesk.scheduling.services import (
    appointment_cancel_by_patient,
    appointment_confirm_by_patient,
    appointment_move_by_patient,
    self_service_terms,
    waitlist_offer_accept,
    waitlist_offer_decline,
)
from rehabdesk.web.free_times import free_time_from
from rehabdesk.web.online.slots import slot_days, slot_picker_days
from rehabdesk.web.online.summary import booking_summary
from rehabdesk.web.portal.moving import MoveSearch, move_choice, move_search, ways_on
from rehabdesk.web.portal.my_views import BookAgain, own_patient_id
from rehabdesk.web.refusals import page_status


@dataclass(frozen=True)
class Managed:
    """One appointment as its patient manages it, and where its pages are."""

    appointment: Appointment
    actor: Any  # the signed-in user, or None through an e-mailed link
    route: str  # "manage-booking" or "my-appointment"
    kwargs: dict[str, object]

    def url(self, page: str = "") -> str:
        return reverse(f"{self.route}-{page}" if page else self.route, kwargs=self.kwargs)

    @property
    def cancel_url(self) -> str:
        return self.url("cancel")

    @property
    def confirm_url(self) -> str:
        return self.url("confirm")

    @property
    def move_url(self) -> str:
        return self.url("move")

    @property
    def offer_url(self) -> str:
        return self.url("offer")

    @property
    def from_portal(self) -> bool:
        return self.route == "my-appointment"


Page = Callable[[HttpRequest, Managed], HttpResponse]


def _whose(managed: Managed, *, capital: bool = False) -> str:
    """ "your", or "Charlie's" for a guardian managing their child's booking: in the
    portal, a booking not of the signed-in patient; through the e-mailed link, one of a
    patient with no address of their own (the e-mail went to their guardian)."""
    patient = managed.appointment.patient
    if patient is None:
        theirs = False
    elif managed.from_portal:
        theirs = person_for(managed.actor).patient_id != patient.pk
    else:
        theirs = not patient.email
    if theirs and patient is not None:
        return f"{patient.preferred_name or patient.first_name}'s"
    return "Your" if capital else "your"


def _context(managed: Managed, **extra: object) -> dict[str, Any]:
    appointment = managed.appointment
    now = timezone.now()
    offer = waitlist_offer_open(appointment=appointment, now=now)
    return {
        **booking_summary(appointment),
        "managed": managed,
        "whose": _whose(managed),
        "offer": offer,
        "offer_until": offer.expires_at.astimezone(appointment.location.zone) if offer else None,
        "terms": self_service_terms(appointment=appointment, now=now),
        "upcoming": appointment.start > now,
        "phone": appointment.location.phone or appointment.location.clinic.phone,
        "book_again": BookAgain(appointment.service, appointment.practitioner, appointment.location)
        if appointment.service.online_bookable
        else None,
        **extra,
    }


def _show(request: HttpRequest, managed: Managed) -> HttpResponse:
    return render(request, "web/manage/appointment.html", _context(managed))


def _cancel(request: HttpRequest, managed: Managed) -> HttpResponse:
    if request.method == "POST":
        try:
            appointment_cancel_by_patient(
                appointment=managed.appointment, actor=managed.actor, now=timezone.now()
            )
        except SchedulingError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                f"{_whose(managed, capital=True)} appointment is cancelled. We have e-mailed you.",
            )
        return redirect(managed.url())
    return render(request, "web/manage/cancel.html", _context(managed))


def _confirm(request: HttpRequest, managed: Managed) -> HttpResponse:
    """The patient says they will come (the reminder asks): the desk's day shows it."""
    appointment = managed.appointment
    if appointment.status != AppointmentStatus.BOOKED or appointment.start <= timezone.now():
        messages.error(request, "This appointment can no longer be confirmed.")
        return redirect(managed.url())
    appointment_confirm_by_patient(
        appointment=appointment, now=timezone.now(), actor=managed.actor, how="online"
    )
    messages.success(request, "Thank you: we will see you then.")
    return redirect(managed.url())


def _offer(request: HttpRequest, managed: Managed) -> HttpResponse:
    """Answer a waitlist offer: take the held time, or let it go to the next patient."""
    now = timezone.now()
    offer = waitlist_offer_open(appointment=managed.appointment, now=now)
    answer = request.POST.get("answer")
    if offer is None:
        messages.error(request, "This offer has ended; the time may have gone to someone else.")
    elif answer not in {"accept", "decline"}:
        messages.error(request, "Please take the time or let it go.")
    else:
        respond = waitlist_offer_accept if answer == "accept" else waitlist_offer_decline
        try:
            respond(offer=offer, actor=managed.actor, now=now)
        except SchedulingError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                "It is booked. We have e-mailed you the details."
                if answer == "accept"
                else "Thank you: the time goes to the next person. You are still on the waitlist.",
            )
    return redirect(managed.url())


def _move(request: HttpRequest, managed: Managed) -> HttpResponse:
    """The free times to move to, and always the ways on (moving.py): never a dead end."""
    appointment = managed.appointment
    search = move_search(request.GET, appointment)
    choice = move_choice(search, appointment)
    refusal: SchedulingError | None = None
    if request.method == "POST":
        picked = free_time_from(
            request.POST.get("pick", ""), practitioners_active(), locations_active()
        )
        if picked is None:
            messages.error(request, "Please choose a time.")
            return redirect(managed.url("move"))
        try:
            appointment_move_by_patient(
                appointment=appointment,
                start=picked.start,
                practitioner=picked.practitioner,
                location=picked.location,
                actor=managed.actor,
                now=timezone.now(),
            )
        except SchedulingError as error:
            if error.code not in TIME_NOT_FREE:
                messages.error(request, error.message)
                return redirect(managed.url())
            # Taken meanwhile: say so, with the nearest free times instead.
            refusal = error
            search = MoveSearch(search.anyone, picked.location, None)
            choice = move_choice(search, appointment)
            days = slot_days(list(error.alternatives))
            empty = "" if days else "No other times are free soon."
        else:
            messages.success(
                request,
                f"{_whose(managed, capital=True)} appointment is moved. "
                "We have e-mailed you the new time.",
            )
            return redirect(managed.url())
    elif not self_service_terms(appointment=appointment, now=timezone.now()).allowed:
        return _show(request, managed)  # which says why, and whom to call
    else:
        days, empty = slot_picker_days(choice, from_day=search.from_day, now=timezone.now())
    return render(
        request,
        "web/manage/move.html",
        _context(
            managed,
            choice=choice,
            search=search,
            days=days,
            empty=empty,
            refusal=refusal.message if refusal else "",
            ways=ways_on(search, appointment, days, managed.move_url),
        ),
        status=page_status(refusal),
    )


# --- Through the e-mailed link --------------------------------------------------------


def _via_link(request: HttpRequest, token: str, page: Page) -> HttpResponse:
    try:
        appointment = appointment_by_link(token=token, now=timezone.now())
    except AccessDenied as denial:
        # Forged, expired or not theirs: one plain answer, whatever the reason.
        record_denial(request, denial)
        return render(request, "web/manage/refused.html", status=404)
    return page(request, Managed(appointment, None, "manage-booking", {"token": token}))


@never_cache
@require_GET
def manage_booking(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, _show)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_booking_cancel(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, _cancel)


@never_cache
@require_POST
def manage_booking_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, _confirm)


@never_cache
@require_POST
def manage_booking_offer(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, _offer)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_booking_move(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, _move)


# --- Through the portal -----------------------------------------------------------------


def _in_portal(request: HttpRequest, appointment_id: int, page: Page) -> HttpResponse:
    own_patient_id(request)  # the portal is for patients; staff have their own pages
    appointment = appointment_for(
        user=request.user, appointment_id=appointment_id, view=request.method == "GET"
    )
    if appointment.status == AppointmentStatus.PENDING and not appointment_was_offered(
        appointment_id=appointment.pk
    ):
        # An unfinished online booking is not theirs to manage here (a waitlist offer is).
        raise AccessDenied(
            object_type="scheduling.appointment",
            object_id=str(appointment_id),
            summary="appointment (a hold)",
            found=False,
        )
    managed = Managed(
        appointment, request.user, "my-appointment", {"appointment_id": appointment_id}
    )
    return page(request, managed)


@never_cache
@require_GET
@login_required
def my_appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _in_portal(request, appointment_id, _show)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _in_portal(request, appointment_id, _cancel)


@never_cache
@require_POST
@login_required
def my_appointment_confirm(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _in_portal(request, appointment_id, _confirm)


@never_cache
@require_POST
@login_required
def my_appointment_offer(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _in_portal(request, appointment_id, _offer)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_appointment_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _in_portal(request, appointment_id, _move)


urlpatterns: list[URLPattern] = [
    path("manage/<str:token>/", manage_booking, name="manage-booking"),
    path("manage/<str:token>/cancel/", manage_booking_cancel, name="manage-booking-cancel"),
    path("manage/<str:token>/move/", manage_booking_move, name="manage-booking-move"),
    path("manage/<str:token>/offer/", manage_booking_offer, name="manage-booking-offer"),
    path("manage/<str:token>/confirm/", manage_booking_confirm, name="manage-booking-confirm"),
    path("my/appointments/<int:appointment_id>/", my_appointment, name="my-appointment"),
    path(
        "my/appointments/<int:appointment_id>/cancel/",
        my_appointment_cancel,
        name="my-appointment-cancel",
    ),
    path(
        "my/appointments/<int:appointment_id>/offer/",
        my_appointment_offer,
        name="my-appointment-offer",
    ),
    path(
        "my/appointments/<int:appointment_id>/confirm/",
        my_appointment_confirm,
        name="my-appointment-confirm",
    ),
    path(
        "my/appointments/<int:appointment_id>/move/",
        my_appointment_move,
        name="my-appointment-move",
    ),
]
