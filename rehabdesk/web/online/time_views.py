"""Online booking, steps 1 to 4: the service, the location, the practitioner (or
anyone), and a free time from the slot picker (slots.py). Choosing a time holds it at
once, for nobody yet (online_time_pick); a time gone meanwhile is answered with the
nearest free times instead, here and on the next steps.

HTTP only: each view reads its form, calls one step of rehabdesk.online.services
(which owns the step's transaction, its rate limits and its rules), and renders or
redirects. The choices so far travel in the query string (no personal detail); the
time picked is kept in the visitor's session (session.py).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.clinic.selectors import locations_active, practitioners_active, services_online
from rehabdesk.online.errors import OnlineError
from rehabdesk.online.services import ChosenTime, online_time_pick
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingError
from rehabdesk.web.online import session
from rehabdesk.web.online.slots import Choice, choice_from, picked_time, slot_days, slot_picker_days
from rehabdesk.web.refusals import page_status


def _choice(request: HttpRequest) -> Choice | None:
    return choice_from(request.GET if request.method == "GET" else request.POST)


def _no_choice(request: HttpRequest) -> HttpResponse:
    messages.error(request, "Please choose a service.")
    return redirect("book-start")


@require_GET
def book_start(request: HttpRequest) -> HttpResponse:
    return render(request, "web/online/service.html", {"services": services_online(), "step": 1})


@require_GET
def book_location(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice is None:
        return _no_choice(request)
    return render(
        request,
        "web/online/location.html",
        {"choice": choice, "locations": locations_active(), "step": 2},
    )


@require_GET
def book_practitioner(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice is None:
        return _no_choice(request)
    practitioners = practitioners_active(discipline_id=choice.service.discipline_id)
    return render(
        request,
        "web/online/practitioner.html",
        {"choice": choice, "practitioners": practitioners, "step": 3},
    )


@require_http_methods(["GET", "POST"])
def book_times(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice is None:
        return _no_choice(request)
    if request.method == "GET":
        from_day = None
        with contextlib.suppress(ValueError):
            from_day = date.fromisoformat(request.GET.get("from", ""))
        return _times(request, choice, from_day=from_day)
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
    session.remember_pick(request, time, hold)
    return redirect("book-details")


def _times(
    request: HttpRequest, choice: Choice, *, from_day: date | None = None, status: int = 200
) -> HttpResponse:
    days, empty = slot_picker_days(choice, from_day=from_day, now=timezone.now())
    later = days[-1].day + timedelta(days=1) if days else None
    return render(
        request,
        "web/online/times.html",
        {
            "choice": choice,
            "days": days,
            "empty": empty,
            "later_query": choice.query(**{"from": later.isoformat()}) if later else "",
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
            "choice": Choice(time.service, time.location, None),
            "days": slot_days(list(error.alternatives)),
            "refusal": error.message,
            "empty": "" if error.alternatives else "No other times are free soon: please call us.",
            "later_query": "",
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
