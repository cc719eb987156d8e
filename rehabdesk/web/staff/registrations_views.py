"""The registrations to renew: the practitioners' college registrations ending within
the next weeks, and those already lapsed (a practitioner may not treat on a lapsed
one: clinic/qualifications.py). For the manager."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

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


urlpatterns: list[URLPattern] = [
    path(
        "staff/registrations/expiring/",
        registrations_expiring,
        name="registrations-expiring",
    ),
]
