"""Server-rendered pages. HTTP only: each view reads through selectors and renders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.clinic import selectors
from rehabdesk.clinic.models import Registration

EXPIRY_WINDOW_DAYS = 60


def _with_days_left(
    registrations: Iterable[Registration], today: date
) -> list[tuple[Registration, int | None]]:
    """Each registration with the days left until its last day (None: no end date)."""
    return [
        (r, None if r.valid_until is None else (r.valid_until - today).days) for r in registrations
    ]


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where each person works: the desk, their own day, the schedule, their family."""
    person = person_for(request.user)
    if can(person, Capability.RUN_THE_DESK):
        return redirect("desk-day")
    if person.practitioner_id is not None:
        return redirect("my-day")
    if person.patient_id is not None:
        return redirect("my-family")
    return redirect("home")


@require_GET
@login_required
@permission_required("clinic.view_registration", raise_exception=True)
def registrations_expiring(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/registrations_expiring.html",
        {
            "today": today,
            "window_days": EXPIRY_WINDOW_DAYS,
            "expiring": _with_days_left(
                selectors.registrations_expiring(today=today, within_days=EXPIRY_WINDOW_DAYS), today
            ),
            "lapsed": _with_days_left(selectors.registrations_lapsed(today=today), today),
        },
    )
