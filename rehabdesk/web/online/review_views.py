"""Online booking, step 6: review the booking (price, cancellation policy) and agree
to the privacy notice, which makes it final (booked: done_views.py); the e-mail
address was proved with a code before anyone was put on the hold (details_views.py).
The pages are keyed by a random token for the hold, kept in the visitor's session, so
no personal detail is in a URL.

HTTP only: each view reads its form and calls one step of rehabdesk.online.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.consents.selectors import privacy_notice_current
from rehabdesk.online.errors import OnlineError
from rehabdesk.online.selectors import online_booking
from rehabdesk.online.services import online_terms_accept
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.online import session
from rehabdesk.web.online.forms import TermsForm
from rehabdesk.web.online.guide_link import link_guide_result
from rehabdesk.web.online.summary import booking_summary

CONSENT_NEEDED = "Please read the privacy notice and tick the box to agree to it."


def booking_of(request: HttpRequest, token: str) -> Appointment:
    """The booking a token of this session stands for."""
    appointment = online_booking(appointment_id=session.held(request, token))
    if appointment is None:
        raise Http404
    return appointment


def _expired(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    messages.error(
        request, "The time we held for you has been released: please choose a time again."
    )
    choice = f"service={appointment.service_id}&location={appointment.location_id}&practitioner="
    return redirect(f"{reverse('book-times')}?{choice}")


@require_http_methods(["GET", "POST"])
def book_review(request: HttpRequest, token: str) -> HttpResponse:
    appointment = booking_of(request, token)
    if appointment.status == AppointmentStatus.BOOKED:
        return redirect("book-done", token=token)
    now = timezone.now()
    if appointment.status != AppointmentStatus.PENDING or (
        appointment.hold_expires_at and appointment.hold_expires_at <= now
    ):
        return _expired(request, appointment)
    consent_error = ""
    if request.method == "POST":
        form = TermsForm(request.POST)
        if not form.is_valid():
            consent_error = CONSENT_NEEDED
        else:
            try:
                online_terms_accept(
                    appointment=appointment,
                    notice_version=form.cleaned_data["notice"],
                    now=now,
                )
            except OnlineError as refused:
                consent_error = refused.message
            except SchedulingError:
                return _expired(request, appointment)
            else:
                link_guide_result(request, appointment, now=now)
                return redirect("book-done", token=token)
    return render(
        request,
        "web/online/review.html",
        {
            **booking_summary(appointment),
            "notice": privacy_notice_current(),
            "consent_error": consent_error,
            "token": token,
            "step": 6,
        },
    )


urlpatterns: list[URLPattern] = [
    path("book/hold/<str:token>/review/", book_review, name="book-review"),
]
