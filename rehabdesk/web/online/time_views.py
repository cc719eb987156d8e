"""Online booking, steps 1 to 4: whether the visitor has been to the clinic before and
the service (a new patient only those they may book: online_new_patient_validate), the
location, the practitioner (or anyone), and a free time from a calendar week of them
(slots.py). Choosing a time holds it at once, for nobody yet (online_time_pick); a time
gone meanwhile is answered with the nearest free times instead, here and on the next
steps.

HTTP only: each view reads its form, calls one step of rehabdesk.online.services
(which owns the step's transaction, its rate limits and its rules), and renders or
redirects. The choices so far travel in the query string (no personal detail); the
time picked is kept in the visitor's session (session.py).
"""

from __future__ import annotations

import contextlib
from datetime import date
from textwrap import shorten

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.policy import person_for
from rehabdesk.clinic.models import Discipline, Service
from rehabdesk.clinic.selectors import (
    locations_active,
    practitioners_offering,
    services_online_by_discipline,
)
from rehabdesk.guidance.rules import Level
from rehabdesk.guidance.selectors import guide_result_unlinked
from rehabdesk.online.errors import OnlineError
from rehabdesk.online.services import ChosenTime, online_new_patient_validate, online_time_pick
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingError
from rehabdesk.web.online import session
from rehabdesk.web.online.slots import (
    NEW,
    RETURNING,
    Choice,
    choice_from,
    number,
    picked_time,
    slot_days,
    slot_picker_week,
)
from rehabdesk.web.prices import priced
from rehabdesk.web.refusals import page_status

BIO_LENGTH = 200  # a practitioner's bio on step 3, cut at a word
VISIT_NEEDED = "Please tell us whether you have been to the clinic before."
SERVICE_NEEDED = "Please choose a service."


def _choice(request: HttpRequest) -> Choice | None:
    return choice_from(request.GET if request.method == "GET" else request.POST)


def _signed_in_patient(request: HttpRequest) -> bool:
    return person_for(request.user).patient_id is not None


def _step_one(
    request: HttpRequest, *, visit_error: str = "", service_error: str = "", status: int = 200
) -> HttpResponse:
    """Step 1: have you been here before, and which service, grouped by discipline with
    prices and tax. Nothing is chosen for the visitor; what they chose comes back when
    they return to this step (or are sent back to it with an error)."""
    today = timezone.localdate()
    visit = request.GET.get("visit", "")
    groups = services_online_by_discipline()
    see_a_doctor = _guide_said_see_a_doctor(request)
    return render(
        request,
        "web/online/service.html",
        {
            "see_a_doctor": see_a_doctor,
            "locations": locations_active() if see_a_doctor else [],
            "groups": [(discipline, priced(services, today)) for discipline, services in groups],
            "signed_in": _signed_in_patient(request),
            "visit": visit if visit in (NEW, RETURNING) else "",
            "service_id": _service_asked(request.GET.get("service", ""), groups),
            "visit_error": visit_error,
            "service_error": service_error,
            "step": 1,
        },
        status=status,
    )


def _guide_said_see_a_doctor(request: HttpRequest) -> bool:
    """Whether the treatment guide, in this browser, told the visitor to see a doctor
    first (or to call 911): then step 1 offers no treatment to book, only the phone,
    until a clinician has talked it through with them (docs/algorithms/guidance.md)."""
    result_id = session.guide_result_id(request)
    result = guide_result_unlinked(result_id=result_id) if result_id is not None else None
    return result is not None and result.level != Level.BOOK


def _service_asked(asked: str, groups: list[tuple[Discipline, list[Service]]]) -> int | None:
    """The service a link chose for step 1: by id (a way back to this step), or by
    its slug (the treatment guide's "Book this"); the visitor still says whether they
    have been here before."""
    chosen = number(asked)
    if chosen is not None:
        return chosen
    found = (service.pk for _, services in groups for service in services if service.slug == asked)
    return next(found, None) if asked else None


def _refused(
    request: HttpRequest, choice: Choice | None, *, from_step_one: bool = False
) -> HttpResponse | None:
    """Step 1 again, with what is missing or refused: no service, a new patient's
    service that follows a first visit (the rule is the online service's), or, sent
    from step 1, no answer to whether they have been here before (a "book again" link
    straight to a later step leaves it to the details step to ask)."""
    if choice is None:
        return _step_one(request, service_error=SERVICE_NEEDED) if from_step_one else None
    if from_step_one and not choice.visit and not _signed_in_patient(request):
        return _step_one(request, visit_error=VISIT_NEEDED)
    if choice.new_patient:
        try:
            online_new_patient_validate(service=choice.service)
        except OnlineError as refusal:
            return _step_one(request, service_error=refusal.message, status=page_status(refusal))
    return None


def _no_choice(request: HttpRequest) -> HttpResponse:
    messages.error(request, SERVICE_NEEDED)
    return redirect("book-start")


@require_GET
def book_start(request: HttpRequest) -> HttpResponse:
    return _step_one(request)


@require_GET
def book_location(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    refused = _refused(request, choice, from_step_one=True)
    if refused is not None or choice is None:
        return refused or _no_choice(request)
    return render(
        request,
        "web/online/location.html",
        {"choice": choice, "locations": locations_active(), "step": 2},
    )


@require_GET
def book_practitioner(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    refused = _refused(request, choice)
    if refused is not None or choice is None:
        return refused or _no_choice(request)
    practitioners = [
        (practitioner, shorten(practitioner.bio, BIO_LENGTH, placeholder=" …"))
        for practitioner in practitioners_offering(
            service=choice.service,
            location=choice.location,
            today=timezone.localdate(
                timezone.now(), choice.location.zone if choice.location else None
            ),
        )
    ]
    return render(
        request,
        "web/online/practitioner.html",
        {"choice": choice, "practitioners": practitioners, "step": 3},
    )


@require_http_methods(["GET", "POST"])
def book_times(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    refused = _refused(request, choice) if request.method == "GET" else None
    if refused is not None or choice is None:
        return refused or _no_choice(request)
    if request.method == "GET":
        week_of = None
        with contextlib.suppress(ValueError):
            week_of = date.fromisoformat(request.GET.get("week") or request.GET.get("from", ""))
        return _times(request, choice, week_of=week_of)
    picked = picked_time(request.POST.get("pick", ""))
    if picked is None:
        messages.error(request, "Please choose a time.")
        return redirect(f"{reverse('book-times')}?{choice.query()}")
    time = ChosenTime(choice.service, picked.start, picked.practitioner, picked.location)
    try:
        hold = online_time_pick(
            time=time,
            previous_hold_id=session.hold_id(request),
            client_ip=session.visitor_ip(request),
            now=timezone.now(),
        )
    except SchedulingError as refusal:
        if time_gone(refusal):
            return just_taken(request, time, refusal)
        messages.error(request, refusal.message)
        return _times(request, choice, status=page_status(refusal))
    except OnlineError as refusal:
        messages.error(request, refusal.message)
        return _times(request, choice, status=page_status(refusal))
    session.remember_pick(request, time, hold, visit=choice.visit)
    return redirect("book-details")


def _times(
    request: HttpRequest, choice: Choice, *, week_of: date | None = None, status: int = 200
) -> HttpResponse:
    week = slot_picker_week(choice, week_of=week_of, now=timezone.now())
    return render(
        request,
        "web/online/times.html",
        {
            "choice": choice,
            "days": week.days,
            "week": week,
            "empty": week.empty,
            "previous_query": choice.query(week=week.previous.isoformat()) if week.previous else "",
            "next_query": choice.query(week=week.next.isoformat()) if week.next else "",
            "step": 4,
        },
        status=status,
    )


def time_gone(error: SchedulingError) -> bool:
    return error.code in TIME_NOT_FREE or bool(error.alternatives)


def just_taken(request: HttpRequest, time: ChosenTime, error: SchedulingError) -> HttpResponse:
    """The time went meanwhile (or is no longer on offer): say so kindly, with the
    nearest alternatives to choose from."""
    return render(
        request,
        "web/online/times.html",
        {
            "choice": Choice(time.service, time.location, None, session.visit(request)),
            "days": slot_days(list(error.alternatives)),
            "refusal": error.message,
            "empty": "" if error.alternatives else "No other times are free soon: please call us.",
            "step": 4,
        },
        status=page_status(error),
    )


urlpatterns: list[URLPattern] = [
    path("book/", book_start, name="book-start"),
    path("book/location/", book_location, name="book-location"),
    path("book/practitioner/", book_practitioner, name="book-practitioner"),
    path("book/times/", book_times, name="book-times"),
]
