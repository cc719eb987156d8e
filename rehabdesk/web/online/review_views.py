"""Online booking, steps 6 and 7: review the booking (price, cancellation policy)
and agree to the privacy notice; a new patient then confirms their e-mail address with
the code sent to it (booked: done_views.py). The pages are keyed by a random token for
the hold, kept in the visitor's session, so no personal detail is in a URL.

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
from rehabdesk.core.errors import DomainError
from rehabdesk.online.errors import OnlineError
from rehabdesk.online.selectors import online_booking
from rehabdesk.online.services import online_code_resend, online_confirm_new, online_terms_accept
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.online import session
from rehabdesk.web.online.forms import CodeForm, TermsForm
from rehabdesk.web.online.guide_link import link_guide_result
from rehabdesk.web.online.summary import booking_summary
from rehabdesk.web.refusals import page_status

CONSENT_NEEDED = "Please read the privacy notice and tick the box to agree to it."


def booking_of(request: HttpRequest, token: str) -> tuple[Appointment, bool]:
    """The booking a token of this session stands for, and whether it is a new
    patient's (who confirms it with a code)."""
    appointment_id, new = session.held(request, token)
    appointment = online_booking(appointment_id=appointment_id)
    if appointment is None:
        raise Http404
    return appointment, new


def _expired(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    messages.error(
        request, "The time we held for you has been released: please choose a time again."
    )
    choice = f"service={appointment.service_id}&location={appointment.location_id}&practitioner="
    return redirect(f"{reverse('book-times')}?{choice}")


@require_http_methods(["GET", "POST"])
def book_review(request: HttpRequest, token: str) -> HttpResponse:
    appointment, new = booking_of(request, token)
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
                    new_patient=new,
                    now=now,
                )
            except OnlineError as refused:
                consent_error = refused.message
            except SchedulingError:
                return _expired(request, appointment)
            else:
                if not new:
                    link_guide_result(request, appointment, now=now)
                return redirect("book-verify" if new else "book-done", token=token)
    return render(
        request,
        "web/online/review.html",
        {
            **booking_summary(appointment),
            "notice": privacy_notice_current(),
            "consent_error": consent_error,
            "new": new,
            "token": token,
            "step": 6,
        },
    )


@require_http_methods(["GET", "POST"])
def book_verify(request: HttpRequest, token: str) -> HttpResponse:
    appointment, new = booking_of(request, token)
    if appointment.status == AppointmentStatus.BOOKED:
        return redirect("book-done", token=token)
    if not new:
        return redirect("book-review", token=token)
    now = timezone.now()
    action = request.POST.get("action")
    form = CodeForm(request.POST if action == "verify" else None)
    refusal: DomainError | None = None
    if request.method == "POST" and action == "resend":
        try:
            online_code_resend(appointment=appointment, now=now)
        except OnlineError as refused:
            refusal = refused
            messages.error(request, refused.message)
        else:
            messages.success(request, "We have sent a new code.")
            return redirect("book-verify", token=token)
    elif form.is_bound and form.is_valid():
        try:
            online_confirm_new(appointment=appointment, code=form.cleaned_data["code"], now=now)
        except OnlineError as refused:
            form.add_error("code", refused.message)
        except SchedulingError:
            return _expired(request, appointment)
        else:
            link_guide_result(request, appointment, now=now)
            return redirect("book-done", token=token)
    return render(
        request,
        "web/online/verify.html",
        {**booking_summary(appointment), "form": form, "token": token, "step": 7},
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path("book/hold/<str:token>/review/", book_review, name="book-review"),
    path("book/hold/<str:token>/confirm/", book_verify, name="book-verify"),
]
