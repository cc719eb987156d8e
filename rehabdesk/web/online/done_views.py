"""Online booking, step 8: booked. The page says what was booked and what the patient
can do next without calling the clinic: change or cancel it themselves (the
manage-my-booking page, through its signed link: scheduling/manage_links.py), add it to
their calendar (the .ics the confirmation e-mail carries), and set a password for the
patient portal (a link e-mailed to the address they proved: online/accounts.py).

Keyed, like the steps before, by the session's random token for the booking: no
personal detail in a URL. HTTP only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.policy import person_for
from rehabdesk.online.accounts import password_link_request
from rehabdesk.online.errors import OnlineError
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.manage_links import manage_token
from rehabdesk.scheduling.messages import calendar_download
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.online import session
from rehabdesk.web.online.review_views import booking_of
from rehabdesk.web.online.summary import booking_summary


def _booked(request: HttpRequest, token: str) -> Appointment | None:
    appointment = booking_of(request, token)
    return appointment if appointment.status == AppointmentStatus.BOOKED else None


def _address(request: HttpRequest, appointment: Appointment) -> str:
    """The address the visitor proved with a code (it may be a parent's, booking for
    their child), else (signed in) the patient's own."""
    own = appointment.patient.email if appointment.patient else ""
    return str(session.state(request).get("email") or own)


@never_cache
@require_GET
def book_done(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _booked(request, token)
    if appointment is None:
        return redirect("book-review", token=token)
    return render(
        request,
        "web/online/done.html",
        {
            **booking_summary(appointment),
            "manage_url": reverse("manage-booking", kwargs={"token": manage_token(appointment)}),
            "calendar_url": reverse("book-calendar", kwargs={"token": token}),
            "password_url": reverse("book-password", kwargs={"token": token}),
            "signed_in": person_for(request.user).patient_id is not None,
            "has_sign_in": appointment.patient is not None and appointment.patient.user_id,
            "email": _address(request, appointment),
            "step": 7,
        },
    )


@never_cache
@require_GET
def book_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The booking as a calendar file, to open on a phone or save."""
    appointment = _booked(request, token)
    if appointment is None:
        raise Http404
    response = HttpResponse(
        calendar_download(appointment, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_POST
def book_password(request: HttpRequest, token: str) -> HttpResponse:
    """E-mail a link to set a password for the portal, to the address the visitor
    proved on the way here."""
    appointment = _booked(request, token)
    if appointment is None:
        raise Http404
    try:
        sent = password_link_request(
            email=_address(request, appointment),
            client_ip=session.visitor_ip(request),
            now=timezone.now(),
        )
    except OnlineError as refusal:
        messages.error(request, refusal.message)
    else:
        if sent is None:
            messages.error(request, "We could not send a link for this address: please call us.")
        else:
            messages.success(
                request,
                "We have e-mailed you a link to set your password. It works for "
                f"{settings.PASSWORD_RESET_TIMEOUT // 3600} hours.",
            )
    return redirect("book-done", token=token)


urlpatterns: list[URLPattern] = [
    path("book/hold/<str:token>/booked/", book_done, name="book-done"),
    path("book/hold/<str:token>/booked/calendar.ics", book_calendar, name="book-calendar"),
    path("book/hold/<str:token>/booked/password/", book_password, name="book-password"),
]
