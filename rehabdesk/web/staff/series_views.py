"""Staff pages that book more than one time, or none yet: a caller put on the
waitlist, and a series of weekly visits, with each conflicting date resolved one by one
(the nearest free time, or skipped).

HTTP only: scheduling.services (waitlist, series) decide and record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.clinic.selectors import practitioners_active
from rehabdesk.core.bounds import moment_within_bounds
from rehabdesk.safety.errors import SafetyError
from rehabdesk.safety.services import booking_safety_validate
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.errors import SchedulingError
from rehabdesk.scheduling.services import series as series_services
from rehabdesk.web.forms import WaitlistForm
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.booking_forms import SeriesForm
from rehabdesk.web.staff.booking_views import booking_patient


@require_http_methods(["GET", "POST"])
@login_required
def patient_waitlist_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = booking_patient(request, patient_id)
    form = WaitlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form.join(patient=patient, actor=request.user, now=timezone.now())
        if entry is not None:
            messages.success(
                request,
                f"{patient.full_name} is on the waitlist for {entry.service.name} "
                f"until {entry.valid_until:%B} {entry.valid_until.day}.",
            )
            return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "web/booking/waitlist.html", {"patient": patient, "form": form})


@dataclass(frozen=True)
class ConflictRow:
    """A conflicting date of a series as the resolution form shows it."""

    name: str  # the radio group: "resolve:<the pattern's start>"
    start: datetime  # local
    message: str
    nearest: datetime | None  # local, with the series' practitioner
    # The nearest time with someone else, for information: (their name, local time).
    nearest_other: tuple[str, datetime] | None


RESOLVE = "resolve:"
SKIP = "skip"


def _replacements(post: QueryDict) -> dict[datetime, datetime | None]:
    """The desk's choices for conflicting dates: keep the nearest time, or skip."""
    chosen: dict[datetime, datetime | None] = {}
    for name, value in post.items():
        if not name.startswith(RESOLVE):
            continue
        try:
            original = datetime.fromisoformat(name.removeprefix(RESOLVE))
            replacement = None if value == SKIP else datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if not moment_within_bounds(original) or (
            replacement is not None and not moment_within_bounds(replacement)
        ):
            continue
        chosen[original] = replacement
    return chosen


def _conflict_rows(
    conflicts: Sequence[series_services.Conflict],
    plan: series_services.SeriesPlan,
) -> list[ConflictRow]:
    zone = plan.location.zone
    # A replacement time that conflicts in turn is resolved under its original date.
    original_of = {new: old for old, new in plan.replacements.items() if new is not None}
    names = {p.pk: p.display_name for p in practitioners_active()}
    rows = []
    for conflict in conflicts:
        original = original_of.get(conflict.start, conflict.start)
        alternative = conflict.alternative
        same = alternative is not None and alternative.practitioner_id == plan.practitioner.pk
        other = None
        if alternative is not None and not same:
            name = names.get(alternative.practitioner_id, "another practitioner")
            other = (name, alternative.start.astimezone(zone))
        rows.append(
            ConflictRow(
                name=f"{RESOLVE}{original.isoformat()}",
                start=conflict.start.astimezone(zone),
                message=conflict.message,
                nearest=alternative.start.astimezone(zone) if same and alternative else None,
                nearest_other=other,
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def patient_series(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = booking_patient(request, patient_id)
    form = SeriesForm(
        request.POST or None, initial={"first_day": timezone.localdate() + timedelta(days=1)}
    )
    conflicts: list[ConflictRow] = []
    kept: dict[datetime, datetime | None] = {}
    refusal: SchedulingError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = series_services.SeriesPlan(
            patient=patient,
            practitioner=data["practitioner"],
            service=data["service"],
            location=data["location"],
            channel=Channel.PHONE,
            pattern=form.pattern(),
            first_day=data["first_day"],
            weeks=data["weeks"],
            replacements=_replacements(request.POST),
        )
        try:
            booking_safety_validate(patient_id=patient.pk, service=data["service"])
            created = series_services.series_book(plan=plan, actor=request.user, now=timezone.now())
        except SafetyError as held:
            form.add_error(None, held.message)
        except series_services.SeriesConflict as refused:
            refusal = refused
            conflicts = _conflict_rows(refused.conflicts, plan)
            open_names = {row.name for row in conflicts}
            kept = {
                old: new
                for old, new in plan.replacements.items()
                if f"{RESOLVE}{old.isoformat()}" not in open_names
            }
        except SchedulingError as refused:
            refusal = refused
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            count = created.appointments.count()
            messages.success(request, f"Booked a series of {count} visits for {patient.full_name}.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(
        request,
        "web/booking/series.html",
        {
            "patient": patient,
            "form": form,
            "conflicts": conflicts,
            "kept": [
                (f"{RESOLVE}{old.isoformat()}", SKIP if new is None else new.isoformat())
                for old, new in kept.items()
            ],
            "skip": SKIP,
        },
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/waitlist/",
        patient_waitlist_add,
        name="patient-waitlist-add",
    ),
    path("staff/patients/<int:patient_id>/series/", patient_series, name="patient-series"),
]
