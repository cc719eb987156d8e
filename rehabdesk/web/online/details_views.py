"""Online booking, step 5: who the booking is for. A new patient gives their
details and is registered and put on the held time at once; a returning patient
proves their e-mail address with a code (or is signed in) and chooses themselves or a
dependent whose bookings they manage. Either way the hold then has a patient, and the
next pages are keyed by a random token for it (review_views.py).

HTTP only: each view reads its form and calls one step of rehabdesk.online.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import patients_for
from rehabdesk.access.policy import person_for
from rehabdesk.core.errors import DomainError
from rehabdesk.online.errors import OnlineError
from rehabdesk.online.selectors import bookable_people
from rehabdesk.online.services import (
    online_book_new_patient,
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


def _no_pick(request: HttpRequest) -> HttpResponse:
    messages.error(request, "Please choose a service and a time first.")
    return redirect("book-start")


def _to_review(request: HttpRequest, hold: Appointment, *, new: bool) -> HttpResponse:
    return redirect("book-review", token=session.remember_hold(request, hold, new=new))


@require_GET
def book_details(request: HttpRequest) -> HttpResponse:
    time = session.chosen_time(request)
    if time is None:
        return _no_pick(request)
    if person_for(request.user).patient_id is not None:
        return redirect("book-returning")  # signed in: they choose from their family
    said = session.visit(request)  # on step 1: straight on to their form
    if said:
        return redirect("book-new" if said == NEW else "book-returning")
    return render(request, "web/online/details.html", {"pick": time, "step": 5})


@require_http_methods(["GET", "POST"])
def book_new(request: HttpRequest) -> HttpResponse:
    time = session.chosen_time(request)
    if time is None:
        return _no_pick(request)
    try:  # before they type anything: a follow-up needs a first visit
        online_new_patient_validate(service=time.service)
    except OnlineError as refused:
        return render(
            request,
            "web/online/new.html",
            {"pick": time, "refusal": refused.message, "step": 5},
            status=page_status(refused),
        )
    state = session.state(request)
    form = NewPatientForm(request.POST or None, initial=state.get("new_patient") or None)
    refusal: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        state["new_patient"] = {**data, "date_of_birth": data["date_of_birth"].isoformat()}
        session.save(request, state)
        try:
            hold = online_book_new_patient(
                details=form.details(),
                time=time,
                hold_id=session.hold_id(request),
                client_ip=session.visitor_ip(request),
                now=timezone.now(),
            )
        except (OnlineError, SchedulingError) as refused:
            if isinstance(refused, SchedulingError) and time_gone(refused):
                return just_taken(request, time, refused)
            refusal = refused
            form.add_error(None, refused.message)
        else:
            return _to_review(request, hold, new=True)
    return render(
        request,
        "web/online/new.html",
        {"pick": time, "form": form, "step": 5},
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
    time = session.chosen_time(request)
    if time is None:
        return _no_pick(request)
    state = session.state(request)
    signed_in = person_for(request.user).patient_id is not None
    action = request.POST.get("action", "")
    email_form = EmailForm(request.POST if action == "send" else None)
    code_form = CodeForm(request.POST if action == "verify" else None)
    error = ""
    refusal: DomainError | None = None
    now = timezone.now()
    if action == "send" and email_form.is_valid():
        email = email_form.cleaned_data["email"].lower()
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
            # The same answer whether or not the address is on file.
            session.save(request, {**state, "code_email": email, "email": ""})
            messages.success(request, "If this address is on file, we have e-mailed it a code.")
            return redirect("book-returning")
    elif action == "verify" and code_form.is_valid() and state.get("code_email"):
        try:
            online_code_verify(
                email=state["code_email"], code=code_form.cleaned_data["code"], now=now
            )
        except OnlineError as refused:
            code_form.add_error("code", refused.message)
        else:
            session.save(request, {**state, "email": state["code_email"]})
            return redirect("book-returning")
    elif action == "restart":
        session.save(request, {**state, "code_email": "", "email": ""})
        return redirect("book-returning")
    elif action == "choose" and (signed_in or state.get("email")):
        by_pk = {p.pk: p for p in _people(request, state.get("email", ""))}
        person = by_pk.get(number(request.POST.get("person")) or 0)
        if person is None:
            error = "Please choose who the appointment is for."
        else:
            try:
                hold = online_book_returning(
                    patient=person,
                    time=time,
                    hold_id=session.hold_id(request),
                    client_ip=session.visitor_ip(request),
                    now=now,
                )
            except (OnlineError, SchedulingError, SafetyError) as refused:
                if isinstance(refused, SchedulingError) and time_gone(refused):
                    return just_taken(request, time, refused)
                refusal = refused
            else:
                return _to_review(request, hold, new=False)
    return render(
        request,
        "web/online/returning.html",
        {
            "pick": time,
            "email_form": email_form,
            "code_form": code_form,
            "code_sent": bool(state.get("code_email")),
            "verified": signed_in or bool(state.get("email")),
            "people": _people(request, state.get("email", "")),
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
