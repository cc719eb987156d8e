"""Online booking, step 5: who the booking is for. Every visitor who is not signed in
first proves an e-mail address with a code (book_details); the page says the same for
every address, on file or not. Only then is anyone matched: the people that address
may book for are offered (book_returning), or the visitor gives a name and date of
birth (book_new) and is booked as the patient with that name, date of birth and
address, else registered as a new one. A signed-in patient chooses from their family.
Either way the hold then has a patient, and the next pages are keyed by a random token
for it (review_views.py).

HTTP only: each view reads its form and calls one step of rehabdesk.online.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.access.accessors import patients_for
from rehabdesk.access.policy import person_for
from rehabdesk.core.errors import DomainError
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.selectors import bookable_people
from rehabdesk.online.services import (
    CODE_LIFETIME,
    online_book_by_details,
    online_book_returning,
    online_code_request,
    online_code_verify,
    online_new_patient_validate,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.safety.errors import SafetyError
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.online import session
from rehabdesk.web.online.forms import CodeForm, EmailForm, NewPatientForm
from rehabdesk.web.online.slots import NEW, number
from rehabdesk.web.online.time_views import just_taken, time_gone
from rehabdesk.web.refusals import page_status

CODE_SENT = (
    "We have e-mailed a six-digit code to the address you gave. It works for "
    f"{int(CODE_LIFETIME.total_seconds() // 60)} minutes."
)


def _no_pick(request: HttpRequest) -> HttpResponse:
    messages.error(request, "Please choose a service and a time first.")
    return redirect("book-start")


def _to_review(request: HttpRequest, hold: Appointment) -> HttpResponse:
    return redirect("book-review", token=session.remember_hold(request, hold))


def _after_the_code(request: HttpRequest) -> HttpResponse:
    """Where a proved address leads: what the visitor said on step 1, nothing else (the
    people on file for it are offered only on the next page)."""
    return redirect("book-new" if session.visit(request) == NEW else "book-returning")


@require_http_methods(["GET", "POST"])
def book_details(request: HttpRequest) -> HttpResponse:
    time = session.chosen_time(request)
    if time is None:
        return _no_pick(request)
    if person_for(request.user).patient_id is not None:
        return redirect("book-returning")  # signed in: they choose from their family
    state = session.state(request)
    if state.get("email"):
        return _after_the_code(request)
    action = request.POST.get("action", "")
    email_form = EmailForm(request.POST if action == "send" else None)
    code_form = CodeForm(request.POST if action == "verify" else None)
    refusal: DomainError | None = None
    now = timezone.now()
    if action in ("send", "resend"):
        email = (
            email_form.cleaned_data["email"].lower()
            if action == "send" and email_form.is_valid()
            else str(state.get("code_email", ""))
            if action == "resend"
            else ""
        )
        if email:
            try:
                online_code_request(
                    email=email,
                    clinic=time.location.clinic,
                    client_ip=session.visitor_ip(request),
                    now=now,
                )
            except OnlineError as refused:
                refusal = refused
            else:
                session.save(request, {**state, "code_email": email, "email": ""})
                messages.success(request, CODE_SENT)
                return redirect("book-details")
    elif action == "verify" and code_form.is_valid() and state.get("code_email"):
        try:
            online_code_verify(
                email=state["code_email"],
                code=code_form.cleaned_data["code"],
                client_ip=session.visitor_ip(request),
                now=now,
            )
        except OnlineError as refused:
            if refused.code == OnlineErrorCode.RATE_LIMITED:
                refusal = refused
            else:
                code_form.add_error("code", refused.message)
        else:
            session.save(request, {**state, "email": state["code_email"]})
            return _after_the_code(request)
    elif action == "restart":
        session.save(request, {**state, "code_email": "", "email": ""})
        return redirect("book-details")
    return render(
        request,
        "web/online/details.html",
        {
            "pick": time,
            "email_form": email_form,
            "code_form": code_form,
            "code_sent": bool(state.get("code_email")),
            "error": refusal.message if refusal else "",
            "step": 5,
        },
        status=page_status(refusal),
    )


@require_http_methods(["GET", "POST"])
def book_new(request: HttpRequest) -> HttpResponse:
    time = session.chosen_time(request)
    if time is None:
        return _no_pick(request)
    try:  # before they type anything: a follow-up needs a first visit
        online_new_patient_validate(service=time.service)
    except OnlineError as refused:
        if session.visit(request) == NEW or not session.state(request).get("email"):
            return render(
                request,
                "web/online/new.html",
                {"pick": time, "refusal": refused.message, "step": 5},
                status=page_status(refused),
            )
    state = session.state(request)
    email = str(state.get("email") or "")
    if not email:
        return redirect("book-details")  # the address first, proved with a code
    form = NewPatientForm(request.POST or None, initial=state.get("new_patient") or None)
    refusal: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        state["new_patient"] = {**data, "date_of_birth": data["date_of_birth"].isoformat()}
        session.save(request, state)
        try:
            hold = online_book_by_details(
                details=form.details(),
                email=email,
                time=time,
                hold_id=session.hold_id(request),
                client_ip=session.visitor_ip(request),
                now=timezone.now(),
            )
        except (OnlineError, SchedulingError, SafetyError) as refused:
            if isinstance(refused, SchedulingError) and time_gone(refused):
                return just_taken(request, time, refused)
            refusal = refused
            form.add_error(None, refused.message)
        else:
            return _to_review(request, hold)
    return render(
        request,
        "web/online/new.html",
        {"pick": time, "form": form, "email": email, "step": 5},
        status=page_status(refusal),
    )


def _people(request: HttpRequest, email: str) -> list[Patient]:
    """Who the visitor may book for: a signed-in patient's own family (no code needed),
    or the people the e-mail address they proved with a code reaches."""
    person = person_for(request.user)
    if person.patient_id is not None:
        return patients_for(
            user=request.user,
            patients=patients_by_ids(ids=person.managed_patient_ids, active_only=True),
            summary="online booking: who it is for",
            object_type="web.book_returning",
        )
    return bookable_people(email=email) if email else []


@require_http_methods(["GET", "POST"])
def book_returning(request: HttpRequest) -> HttpResponse:
    """Who it is for, among the people the visitor may book for: a signed-in patient's
    family, or those the address they proved reaches (none: their details instead)."""
    time = session.chosen_time(request)
    if time is None:
        return _no_pick(request)
    state = session.state(request)
    signed_in = person_for(request.user).patient_id is not None
    email = str(state.get("email") or "")
    if not signed_in and not email:
        return redirect("book-details")  # the address first, proved with a code
    people = _people(request, email)
    if not signed_in and not people:
        return redirect("book-new")
    error = ""
    refusal: DomainError | None = None
    if request.method == "POST":
        person = {p.pk: p for p in people}.get(number(request.POST.get("person")) or 0)
        if person is None:
            error = "Please choose who the appointment is for."
        else:
            try:
                hold = online_book_returning(
                    patient=person,
                    time=time,
                    hold_id=session.hold_id(request),
                    client_ip=session.visitor_ip(request),
                    now=timezone.now(),
                )
            except (OnlineError, SchedulingError, SafetyError) as refused:
                if isinstance(refused, SchedulingError) and time_gone(refused):
                    return just_taken(request, time, refused)
                refusal = refused
            else:
                return _to_review(request, hold)
    return render(
        request,
        "web/online/returning.html",
        {
            "pick": time,
            "people": people,
            "signed_in": signed_in,
            "error": refusal.message if refusal else error,
            "step": 5,
        },
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path("book/details/", book_details, name="book-details"),
    path("book/details/new/", book_new, name="book-new"),
    path("book/details/returning/", book_returning, name="book-returning"),
]
