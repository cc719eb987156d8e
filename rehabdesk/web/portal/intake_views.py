"""The health intake for patients, through two doors (the pages: web/intake_pages.py):

- the portal, /my/intake/…: the signed-in patient, for themselves and the dependents
  whose bookings they manage;
- the e-mailed manage link, /manage/<token>/intake/…: whoever holds the link of a
  booking, for that booking's patient (the link is the credential, as for moving it).

Both open only an online draft; a submitted form is never shown again here. HTTP only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import patients_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.intake import intake_to_fill, intake_to_fill_by_link
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.policy import person_for
from rehabdesk.intake.choices import IntakeChannel
from rehabdesk.intake.selectors import intake_statuses
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.web.intake_pages import Door, Filling, review, section_page, start, status_words
from rehabdesk.web.portal.my_views import own_patient_id


def _whose(patient: Patient, own: bool) -> str:
    return "your" if own else f"{patient.preferred_name or patient.first_name}'s"


# --- Through the portal -----------------------------------------------------------------


@never_cache
@require_GET
@login_required
def my_intakes(request: HttpRequest) -> HttpResponse:
    """The signed-in patient and their dependents, each with their health form's status."""
    own_id = own_patient_id(request)
    people = patients_for(
        user=request.user,
        patients=patients_by_ids(ids=person_for(request.user).managed_patient_ids),
        summary="portal: health forms",
        object_type="web.my_intake",
    )
    people.sort(key=lambda p: p.pk != own_id)
    statuses = intake_statuses(patient_ids=[p.pk for p in people])
    rows = [(p, status_words(statuses.get(p.pk)), statuses.get(p.pk)) for p in people]
    return render(request, "web/intake/my_list.html", {"rows": rows, "own_id": own_id})


def _in_portal(request: HttpRequest, patient_id: int, page: Door) -> HttpResponse:
    own_id = own_patient_id(request)
    state = intake_to_fill(user=request.user, patient_id=patient_id, channel=IntakeChannel.ONLINE)
    filling = Filling(
        state=state,
        actor=request.user,
        channel=IntakeChannel.ONLINE,
        route="my-intake",
        kwargs={"patient_id": patient_id},
        whose=_whose(state.patient, state.patient.pk == own_id),
        done_url=reverse("my-intakes"),
        back_url=reverse("my-intakes"),
    )
    return page(request, filling)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_intake(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _in_portal(request, patient_id, start)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_intake_review(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _in_portal(request, patient_id, review)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_intake_section(request: HttpRequest, patient_id: int, section: str) -> HttpResponse:
    return _in_portal(request, patient_id, lambda r, f: section_page(r, f, section))


# --- Through the e-mailed link ----------------------------------------------------------


def _via_link(request: HttpRequest, token: str, page: Door) -> HttpResponse:
    try:
        state = intake_to_fill_by_link(token=token, now=timezone.now())
    except AccessDenied as denial:
        record_denial(request, denial)
        return render(request, "web/manage/refused.html", status=404)
    manage = reverse("manage-booking", kwargs={"token": token})
    filling = Filling(
        state=state,
        actor=None,
        channel=IntakeChannel.ONLINE,
        route="manage-intake",
        kwargs={"token": token},
        # The e-mail went to a guardian when the patient has no address of their own.
        whose=_whose(state.patient, bool(state.patient.email)),
        done_url=manage,
        back_url=manage,
    )
    return page(request, filling)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_intake(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, start)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_intake_review(request: HttpRequest, token: str) -> HttpResponse:
    return _via_link(request, token, review)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_intake_section(request: HttpRequest, token: str, section: str) -> HttpResponse:
    return _via_link(request, token, lambda r, f: section_page(r, f, section))


urlpatterns: list[URLPattern] = [
    path("my/intake/", my_intakes, name="my-intakes"),
    path("my/intake/<int:patient_id>/", my_intake, name="my-intake"),
    path("my/intake/<int:patient_id>/review/", my_intake_review, name="my-intake-review"),
    path("my/intake/<int:patient_id>/<slug:section>/", my_intake_section, name="my-intake-section"),
    path("manage/<str:token>/intake/", manage_intake, name="manage-intake"),
    path("manage/<str:token>/intake/review/", manage_intake_review, name="manage-intake-review"),
    path(
        "manage/<str:token>/intake/<slug:section>/",
        manage_intake_section,
        name="manage-intake-section",
    ),
]
