"""Outcome measures for patients to answer, through two doors to one form:

- the e-mailed link `/measure/<token>/`, for whoever holds it, without signing in (the
  token is the credential for that one request, kept only as its SHA-256 digest);
- the portal, `/my/measures/`: the open requests of the signed-in patient and of the
  dependents whose bookings they manage, each answered at `/my/measures/<id>/`.

The form is the instrument's in our words (NPRS, PSFS, GROC) or the clinic's licensed
ones; without them, a page says the clinic must enter them (NO_WORDING). A request is
answered once: the same link used again gets "already answered" (409), also when two
sends race (the service's unique key decides). An unknown or cancelled link gets one
plain page (404) with the clinic's name. HTTP only: rehabdesk.access.outcomes
authorizes and audits each look, outcomes.services scores and audits the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.outcomes import (
    ToAnswer,
    request_by_link,
    request_shown,
    request_to_answer,
    requests_to_answer,
)
from rehabdesk.access.policy import person_for
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.outcomes.services import measure_result_record
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids
from rehabdesk.web.measure_forms import MeasureForm, measure_form, read_answers, with_refusal
from rehabdesk.web.portal.my_views import own_patient_id
from rehabdesk.web.refusals import page_status

# What the patient is asked about: the rating now (NPRS), the change since the first
# visit (GROC). The practitioner chooses other periods in the clinic.
PATIENT_CONTEXT = {Instrument.NPRS: "now", Instrument.GROC: "since_first_visit"}


@dataclass(frozen=True)
class Door:
    """How the one answering came: the link (no user) or the portal."""

    actor: Any  # the signed-in user, or None through the e-mailed link
    source: ResultSource
    whose: str  # "your", or "Charlie's" for a guardian answering for their child
    back_url: str = ""
    back_label: str = ""


def _title(seen: ToAnswer) -> str:
    return Instrument(seen.request.instrument).label


def _name(patient: Patient) -> str:
    return patient.preferred_name or patient.first_name


def _context(door: Door, seen: ToAnswer, **extra: object) -> dict[str, Any]:
    return {
        "whose": door.whose,
        "title": _title(seen),
        "due_on": seen.request.due_on,
        "back_url": door.back_url,
        "back_label": door.back_label,
        **extra,
    }


def _form(seen: ToAnswer) -> MeasureForm:
    return measure_form(
        instrument=seen.request.instrument,
        wording=seen.wording.items if seen.wording else None,
        activities=seen.activities,
    )


def _answer(
    request: HttpRequest, door: Door, seen: ToAnswer, done: Callable[[], HttpResponse]
) -> HttpResponse:
    """The form (GET), or the answers sent (POST): `done()` once saved, or the form
    again with what needs another look beside each question."""
    if seen.answered:
        return _already(request, door, seen)
    form = _form(seen)
    if form.wording_missing:
        refusal = OutcomeError(OutcomeErrorCode.NO_WORDING, "The clinic must enter the wording.")
        page = "web/outcomes/no_wording.html"
        return render(request, page, _context(door, seen), status=page_status(refusal))
    if request.method == "GET":
        return render(request, "web/outcomes/answer.html", _context(door, seen, form=form))
    answered = read_answers(form, request.POST)
    if not answered.valid:
        return _again(request, door, seen, answered.form)
    try:
        measure_result_record(
            patient=seen.patient,
            instrument=seen.request.instrument,
            answers=answered.answers,
            activities=answered.activities or None,
            context=PATIENT_CONTEXT.get(Instrument(seen.request.instrument), ""),
            source=door.source,
            request=seen.request,
            recorded_by=door.actor,
            now=timezone.now(),
        )
    except OutcomeError as refusal:
        if refusal.code == OutcomeErrorCode.ALREADY_ANSWERED:
            return _already(request, door, seen)
        if refusal.code == OutcomeErrorCode.REQUEST_CLOSED:
            return render(request, "web/outcomes/link_refused.html", status=HTTPStatus.NOT_FOUND)
        return _again(request, door, seen, with_refusal(answered, refusal), refusal)
    return done()


def _again(
    request: HttpRequest,
    door: Door,
    seen: ToAnswer,
    form: MeasureForm,
    refusal: OutcomeError | None = None,
) -> HttpResponse:
    request_shown(seen, actor=door.actor)  # the activities named last time, shown again
    return render(
        request,
        "web/outcomes/answer.html",
        _context(door, seen, form=form),
        status=page_status(refusal),
    )


def _already(request: HttpRequest, door: Door, seen: ToAnswer) -> HttpResponse:
    refusal = OutcomeError(OutcomeErrorCode.ALREADY_ANSWERED, "Already answered.")
    return render(
        request, "web/outcomes/answered.html", _context(door, seen), status=page_status(refusal)
    )


# --- Through the e-mailed link ----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def measure_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        seen = request_by_link(
            token=token, today=timezone.localdate(), view=request.method == "GET"
        )
    except AccessDenied as denial:
        record_denial(request, denial)
        return render(request, "web/outcomes/link_refused.html", status=HTTPStatus.NOT_FOUND)
    # The e-mail went to a guardian when the patient has no address of their own.
    whose = "your" if seen.patient.email else f"{_name(seen.patient)}'s"
    door = Door(actor=None, source=ResultSource.LINK, whose=whose)
    return _answer(
        request,
        door,
        seen,
        lambda: render(request, "web/outcomes/thanks.html", _context(door, seen)),
    )


# --- Through the portal -----------------------------------------------------------------


@never_cache
@require_GET
@login_required
def my_measures(request: HttpRequest) -> HttpResponse:
    """The open requests of the signed-in patient and their dependents, soonest due."""
    own_id = own_patient_id(request)
    requests = requests_to_answer(user=request.user, today=timezone.localdate())
    names = {p.pk: p for p in patients_by_ids(ids=person_for(request.user).managed_patient_ids)}
    rows = [(r, "You" if r.patient_id == own_id else _name(names[r.patient_id])) for r in requests]
    return render(request, "web/outcomes/my_list.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def my_measure(request: HttpRequest, request_id: int) -> HttpResponse:
    own_id = own_patient_id(request)
    seen = request_to_answer(
        user=request.user,
        request_id=request_id,
        today=timezone.localdate(),
        view=request.method == "GET",
    )
    door = Door(
        actor=request.user,
        source=ResultSource.PORTAL,
        whose="your" if seen.patient.pk == own_id else f"{_name(seen.patient)}'s",
        back_url=reverse("my-measures"),
        back_label="All questionnaires",
    )

    def done() -> HttpResponse:
        messages.success(
            request, f"Thank you: {door.whose} answers to the {_title(seen)} are sent."
        )
        return redirect("my-measures")

    return _answer(request, door, seen, done)


urlpatterns: list[URLPattern] = [
    path("measure/<str:token>/", measure_link, name="measure-link"),
    path("my/measures/", my_measures, name="my-measures"),
    path("my/measures/<int:request_id>/", my_measure, name="my-measure"),
]
