"""Day-end: a location's business day of payments by method against what the desk
counted in the drawer and on the terminal; the differences with their notes; the day
closed. A closed day is shown read-only, and takes no more payments (billing.services).

HTTP only: the desk and managers (Capability.CLOSE_DAY); totals by method only, no
patient named, so nothing of a patient's record is shown or put on file here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.billing import services as billing
from rehabdesk.billing.choices import COUNTED_METHODS
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.models import ZERO
from rehabdesk.billing.selectors import DaySummary, day_summary
from rehabdesk.clinic.models import Location
from rehabdesk.clinic.selectors import location_home_among, locations_active
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.billing_forms import DayEndForm, DayPickForm, refusal_to_form
from rehabdesk.web.staff.billing_links import acting_user
from rehabdesk.web.staff.desk_forms import LocationChoiceForm


@dataclass(frozen=True)
class CountRow:
    label: str
    expected: Decimal
    counted: BoundField | None = None
    note: BoundField | None = None


def _location(request: HttpRequest) -> tuple[Location, list[Location]]:
    locations = list(locations_active())
    if not locations:
        raise Http404("No location is active.")
    slug = request.GET.get("location") or ""
    if not slug:
        return location_home_among(user_id=request.user.pk, locations=locations), locations
    chosen = next((loc for loc in locations if loc.slug == slug), None)
    if chosen is None:
        raise Http404("No such location.")
    return chosen, locations


def _expected(summary: DaySummary, method: str) -> Decimal:
    return summary.expected.get(method, ZERO)


@require_http_methods(["GET", "POST"])
@login_required
def day_end(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.CLOSE_DAY)
    location, locations = _location(request)
    today = timezone.now().astimezone(location.zone).date()
    picked = DayPickForm(request.GET if "day" in request.GET else None)
    day: date = picked.cleaned_data["day"] if picked.is_bound and picked.is_valid() else today
    summary = day_summary(location.pk, day)
    closed = summary.closed
    form = (
        DayEndForm(request.POST if request.method == "POST" else None)
        if closed is None and day <= today
        else None
    )
    refusal = None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            billing.day_close(
                location=location,
                business_date=day,
                counted=form.counted(),
                by=acting_user(request),
                now=timezone.now(),
                note=form.cleaned_data["note"].strip(),
                notes=form.notes(),
            )
        except BillingError as refused:
            refusal = refused
            refusal_to_form(form, refused)
        else:
            messages.success(request, f"{location.name}: {day:%A, %B %-d} is closed.")
            return redirect(_here(location, day))
    elif request.method == "POST" and form is None:
        messages.error(request, "This day is closed already, or still to come.")
        return redirect(_here(location, day))
    rows = [
        CountRow(
            label=str(method.label),
            expected=_expected(summary, str(method)),
            counted=form[f"counted_{method}"] if form else None,
            note=form[f"note_{method}"] if form else None,
        )
        for method in COUNTED_METHODS
    ]
    return render(
        request,
        "web/billing/day_end.html",
        {
            "location": location,
            "day": day,
            "today": today,
            "summary": summary,
            "closed": closed,
            "form": form,
            "rows": rows,
            "picker": DayPickForm(initial={"day": day}),
            "switcher": LocationChoiceForm(
                initial={"location": location.slug}, locations=locations
            ),
            "several_locations": len(locations) > 1,
            "future": day > today,
        },
        status=page_status(refusal),
    )


def _here(location: Location, day: date) -> str:
    query = urlencode({"location": location.slug, "day": day.isoformat()})
    return f"{reverse('billing-day-end')}?{query}"


urlpatterns: list[URLPattern] = [
    path("staff/day-end/", day_end, name="billing-day-end"),
]
