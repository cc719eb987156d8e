"""The health intake on the staff side.

- /staff/patients/<id>/intake/: a practitioner reads a submitted intake of a patient in
  their care (VIEW_CLINICAL; audited), laid out to print.
- /staff/patients/<id>/intake/enter/…: the front desk types in a paper form for the
  patient, section by section (the pages: web/intake_pages.py). Once it is sent the
  desk sees only that it is complete, never the answers. HTTP only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.intake import intake_for, intake_to_fill
from rehabdesk.access.policy import Capability
from rehabdesk.intake.choices import IntakeChannel
from rehabdesk.intake.form import answers_shown, load_form
from rehabdesk.intake.selectors import intake_status_of
from rehabdesk.web.intake_pages import Door, Filling, review, section_page, start, status_words


@never_cache
@require_GET
@login_required
def patient_intake(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    patient, response = intake_for(user=request.user, patient_id=patient_id)
    context: dict[str, object] = {"patient": patient, "response": response}
    if response is None:
        context["status"] = status_words(intake_status_of(patient_id=patient.pk))
    else:
        form = load_form(response.form_version)
        context.update(form=form, answered=answers_shown(form, response.answers))
    return render(request, "web/intake/read.html", context)


def _at_desk(request: HttpRequest, patient_id: int, page: Door) -> HttpResponse:
    # The desk's pages: a patient filling in their own form has the portal.
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    state = intake_to_fill(user=request.user, patient_id=patient_id, channel=IntakeChannel.PAPER)
    patient_page = reverse("patient-detail", kwargs={"patient_id": patient_id})
    filling = Filling(
        state=state,
        actor=request.user,
        channel=IntakeChannel.PAPER,
        route="staff-intake-enter",
        kwargs={"patient_id": patient_id},
        whose=f"{state.patient.full_name}'s",
        done_url=patient_page,
        back_url=patient_page,
        template="web/intake/_staff_layout.html",
    )
    return page(request, filling)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def intake_enter(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _at_desk(request, patient_id, start)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def intake_enter_review(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _at_desk(request, patient_id, review)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def intake_enter_section(request: HttpRequest, patient_id: int, section: str) -> HttpResponse:
    return _at_desk(request, patient_id, lambda r, f: section_page(r, f, section))


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/intake/", patient_intake, name="patient-intake"),
    path("staff/patients/<int:patient_id>/intake/enter/", intake_enter, name="staff-intake-enter"),
    path(
        "staff/patients/<int:patient_id>/intake/enter/review/",
        intake_enter_review,
        name="staff-intake-enter-review",
    ),
    path(
        "staff/patients/<int:patient_id>/intake/enter/<slug:section>/",
        intake_enter_section,
        name="staff-intake-enter-section",
    ),
]
