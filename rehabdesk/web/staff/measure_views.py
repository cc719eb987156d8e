"""Outcome measures for the practitioners in a patient's care: enter one in the clinic
(`/staff/patients/<id>/measures/new/`, for a visit with `?appointment=`), the chart's
line charts (chart_measures, one context key of chart_views.chart) and a visit's scores
beside its note (visit_measures_context, for the note pages).

HTTP only: rehabdesk.access.outcomes authorizes (CHANGE_CLINICAL to enter,
VIEW_CLINICAL to read) and audits each look; outcomes.services scores the answers,
refuses what cannot be scored and audits the result. Scores never go into a URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.chart import Chart
from rehabdesk.access.outcomes import (
    ToRecord,
    measure_to_record,
    measures_on_chart,
    visit_results_for,
)
from rehabdesk.access.policy import Capability
from rehabdesk.accounts.models import User
from rehabdesk.care.models import VisitNote
from rehabdesk.core.bounds import MAX_ID
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.errors import OutcomeError
from rehabdesk.outcomes.scoring import INSTRUMENT_CHOICES, SPECS, Instrument
from rehabdesk.outcomes.selectors import wording_current
from rehabdesk.outcomes.services import measure_result_record
from rehabdesk.web.charts import Goal
from rehabdesk.web.measure_forms import MeasureForm, measure_form, read_answers, with_refusal
from rehabdesk.web.outcome_charts import MeasureChart, measure_charts
from rehabdesk.web.refusals import page_status


def _signed_in(request: HttpRequest) -> User:
    """The user behind a page that login_required guards."""
    assert isinstance(request.user, User)
    return request.user


def _id(raw: str | None) -> int | None:
    """An id from the query string; anything else is a page that does not exist."""
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise Http404("No such visit.")
    return int(raw)


def _instrument(raw: str | None) -> Instrument | None:
    if not raw:
        return None
    try:
        return Instrument(raw)
    except ValueError:
        raise Http404("No such measure.") from None


def _form(seen: ToRecord, instrument: Instrument) -> MeasureForm:
    wording = wording_current(instrument=instrument) if SPECS[instrument].licensed_wording else None
    return measure_form(
        instrument=instrument,
        wording=wording.items if wording else None,
        activities=seen.activities,
        by_number=True,
        contexts=True,
    )


def _page(
    request: HttpRequest,
    seen: ToRecord,
    form: MeasureForm | None,
    refusal: OutcomeError | None = None,
) -> HttpResponse:
    return render(
        request,
        "web/outcomes/record.html",
        {
            "patient": seen.patient,
            "appointment": seen.appointment,
            "form": form,
            "by_number": form is not None and form.by_number,
            "instruments": INSTRUMENT_CHOICES,
        },
        status=page_status(refusal),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def measure_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Choose an instrument, then enter its answers; saved, back to the chart."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    seen = measure_to_record(
        user=request.user,
        patient_id=patient_id,
        appointment_id=_id(request.GET.get("appointment")),
    )
    source = request.POST if request.method == "POST" else request.GET
    instrument = _instrument(source.get("instrument"))
    if instrument is None:
        return _page(request, seen, None)
    form = _form(seen, instrument)
    if request.method == "GET":
        return _page(request, seen, form)
    answered = read_answers(form, request.POST)
    if not answered.valid:
        return _page(request, seen, answered.form)
    try:
        result = measure_result_record(
            patient=seen.patient,
            instrument=instrument,
            answers=answered.answers,
            activities=answered.activities or None,
            context=answered.context,
            source=ResultSource.PRACTITIONER,
            appointment=seen.appointment,
            recorded_by=_signed_in(request),
            now=timezone.now(),
        )
    except OutcomeError as refusal:
        return _page(request, seen, with_refusal(answered, refusal), refusal)
    messages.success(request, f"{instrument.label} saved: {_score_words(result)}.")
    return redirect(reverse("patient-chart", args=[seen.patient.pk]) + "#measures-heading")


def _score_words(result: Any) -> str:
    spec = SPECS[Instrument(result.instrument)]
    if result.score is None:
        return "no score (too few answers)"
    labels = {b.code: b.label for b in spec.bands}
    band = f", {labels[result.band].lower()}" if result.band in labels else ""
    return f"{result.score.normalize():f}{spec.unit}{band}"


def chart_measures(*, chart: Chart) -> list[MeasureChart]:
    """The chart's line charts, one per instrument with scores; the chart's own view
    event covers the look."""
    seen = measures_on_chart(chart=chart)
    goals = {
        code: [Goal(g.label, g.value, g.on) for g in targets if g.value is not None]
        for code, targets in seen.goals.items()
    }
    return measure_charts(seen.series, goals)


def visit_measures_context(*, user: Any, note: VisitNote) -> dict[str, object]:
    """A visit's scores for the note pages (empty for an entry with no visit), and where
    its practitioner enters one more."""
    if note.appointment_id is None or note.corrects_id is not None:
        return {}
    results = visit_results_for(
        user=user, patient_id=note.patient_id, appointment_id=note.appointment_id
    )
    shown = []
    for result in results:
        spec = SPECS[Instrument(result.instrument)]
        labels = {b.code: b.label for b in spec.bands}
        shown.append(
            {
                "title": spec.instrument.label,
                "score": f"{result.score.normalize():f}{spec.unit}"
                if result.score is not None
                else "no score",
                "band": labels.get(result.band, ""),
                "prorated": result.prorated,
            }
        )
    url = reverse("measure-new", args=[note.patient_id]) + f"?appointment={note.appointment_id}"
    return {"visit_measures": shown, "visit_measures_url": url}


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/measures/new/", measure_new, name="measure-new"),
]
