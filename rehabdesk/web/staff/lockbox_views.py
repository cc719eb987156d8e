"""The lockbox on the staff side.

- A practitioner whose patient withholds their record from them opens it with the
  patient's express consent, or in an emergency, with a reason
  (/staff/patients/<id>/open/; the chart links there when it says "withheld at the
  patient's request"); a practitioner outside the patient's care finds them by exact
  name and date of birth (/staff/emergency/) and opens it in an emergency only.
- The desk records a directive the patient gave in person or on paper
  (/staff/patients/<id>/lockbox/), saying how; the desk's name is on file.
- The privacy officer reviews every opening (/staff/privacy/emergency/…).

HTTP only: rehabdesk.access.openings authorizes and audits the looks,
rehabdesk.consents.lockbox writes (audited; the patient told through the outbox).
Re-authentication before break-glass is the lead's to wire (rehabdesk.web.reauth).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import patient_for, require
from rehabdesk.access.openings import (
    emergency_lookup,
    lockbox_patient_for,
    opening_for_review,
    openings_for_review,
    practitioner_only,
    record_to_open,
)
from rehabdesk.access.policy import Action, Capability
from rehabdesk.clinic.selectors import practitioners_active
from rehabdesk.consents.errors import ConsentError
from rehabdesk.consents.lockbox import OPENING_LASTS, directive_set, override_open, override_review
from rehabdesk.consents.selectors import directives_of
from rehabdesk.scheduling.selectors import patient_past_visits
from rehabdesk.web.lockbox_forms import DirectiveForm, EmergencyLookupForm, OpeningForm, ReviewForm
from rehabdesk.web.reauth import recent_sign_in_required


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@recent_sign_in_required
def record_open(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Open a record past the lockbox (consent or emergency) or outside one's care
    (emergency): the reason asked, then the chart."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    to_open = record_to_open(user=request.user, patient_id=patient_id)
    form = OpeningForm(
        request.POST if request.method == "POST" else None,
        kinds=to_open.kinds,
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            override_open(
                patient=to_open.patient,
                practitioner=to_open.practitioner,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
        except ConsentError as refused:
            form.refuse(refused)
        else:
            hours = int(OPENING_LASTS.total_seconds() // 3600)
            messages.success(
                request,
                f"Opened for {hours} hours. The patient is told; the privacy officer reviews it.",
            )
            return redirect("patient-chart", patient_id=to_open.patient.pk)
    return render(
        request,
        "web/lockbox/open.html",
        {"to_open": to_open, "form": form, "hours": int(OPENING_LASTS.total_seconds() // 3600)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def emergency(request: HttpRequest) -> HttpResponse:
    """Break-glass for a patient outside one's care: their exact name and date of birth
    (no list, no partial match), then the reason."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    form = EmergencyLookupForm(request.POST if request.method == "POST" else None)
    practitioner_only(user=request.user)
    missing = False
    if request.method == "POST" and form.is_valid():
        found = emergency_lookup(user=request.user, **form.cleaned_data)
        if found is not None:
            return redirect(reverse("record-open", args=[found.pk]) + "?kind=emergency")
        missing = True
    return render(
        request,
        "web/lockbox/emergency.html",
        {"form": form, "missing": missing},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def desk_lockbox(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The desk records a directive the patient gave in person or signed on paper."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.SET_LOCKBOX,
        summary="lockbox directives",
        view=True,
        family=False,
    )
    now = timezone.now()
    form = DirectiveForm(
        request.POST if request.method == "POST" else None,
        patients=[patient],
        visits={patient.pk: patient_past_visits(patient_id=patient.pk, before=now, limit=100)},
        practitioners=list(practitioners_active()),
        channel=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive_set(
                patient=lockbox_patient_for(user=request.user, patient_id=patient.pk),
                scope=data["scope"],
                appointment_id=data["visit"],
                mode=data["mode"],
                practitioner_ids=data["practitioners"],
                channel=data["channel"],
                actor=request.user,
                now=now,
            )
        except ConsentError as refused:
            form.refuse(refused)
        else:
            messages.success(request, "The patient's directive is on file.")
            return redirect("desk-lockbox", patient_id=patient.pk)
    return render(
        request,
        "web/lockbox/desk_lockbox.html",
        {"patient": patient, "form": form, "directives": directives_of(patient_ids=[patient.pk])},
    )


@never_cache
@require_GET
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """The privacy officer's openings: to review (oldest first), or reviewed."""
    reviewed = request.GET.get("reviewed") == "1"
    openings = openings_for_review(user=request.user, reviewed=reviewed)
    return render(
        request,
        "web/lockbox/review_list.html",
        {"openings": openings, "reviewed": reviewed, "now": timezone.now()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def review_one(request: HttpRequest, opening_id: int) -> HttpResponse:
    opening = opening_for_review(user=request.user, opening_id=opening_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            override_review(
                opening=opening,
                reviewer=request.user,
                review=form.cleaned_data["review"],
                note=form.cleaned_data["note"],
                now=timezone.now(),
            )
        except ConsentError as refused:
            form.refuse(refused)
        else:
            messages.success(request, "Reviewed.")
            return redirect("privacy-emergency")
    return render(
        request,
        "web/lockbox/review_one.html",
        {"opening": opening, "form": form},
    )


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/open/", record_open, name="record-open"),
    path("staff/emergency/", emergency, name="emergency-lookup"),
    path("staff/patients/<int:patient_id>/lockbox/", desk_lockbox, name="desk-lockbox"),
    path("staff/privacy/emergency/", review_list, name="privacy-emergency"),
    path(
        "staff/privacy/emergency/<int:opening_id>/",
        review_one,
        name="privacy-emergency-review",
    ),
]
