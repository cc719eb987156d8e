"""Outcome measures on the chart (issue 24): the chart page of a patient followed with
three measures of twenty scores each and an active treatment plan, as the practitioner
opens it — a line chart and a table per measure, the plan's progress, the programs.

On the two-clinic dataset: the demo practitioner's patient with the third most visit
notes (the first two are the 100-note chart's and the writing cases', bench/care_cases.py)
gets, once, an active plan with a goal on each measure and twenty scores each of the
ODI, the pain rating and the PSFS, a week apart, all through the services
(`plan_create`, `measure_result_record`). The top-up is untimed and idempotent: a later
run finds them there and adds nothing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from bench.care_cases import CareCaseError, Operation, _author, _ok, _signed_in
from rehabdesk.care.choices import NoteKind
from rehabdesk.care.models import VisitNote
from rehabdesk.clinic.models import Practitioner, Service
from rehabdesk.demo.progress import answers_for
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.outcomes.services import measure_result_record
from rehabdesk.patients.models import Patient
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_create
from rehabdesk.scheduling.models import Appointment

CHART_MEASURES_TARGET_P95_MS = 80.0
SCORES_EACH = 20
MEASURES = (Instrument.ODI, Instrument.NPRS, Instrument.PSFS)
ACTIVITIES = {"1": "Sitting through a meeting", "2": "Lifting the shopping"}
SERVICE = "physiotherapy-follow-up-30-minutes"


def measured_patient() -> Patient:
    """The demo practitioner's patient with the third most visit notes (counted by
    visits, which no case adds to: the same patient run after run)."""
    ranked = list(
        VisitNote.objects.filter(author=_author(), kind=NoteKind.VISIT)
        .values_list("patient_id", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "patient_id")[:3]
    )
    if len(ranked) < 3:
        raise CareCaseError("the demo practitioner has fewer than three charted patients")
    return Patient.objects.get(pk=ranked[2])


def measures_top_up(*, now: datetime) -> int:
    """Give the measured patient an active plan and SCORES_EACH scores of each of
    MEASURES, through the services, unless they have them. Returns the scores added."""
    author = Practitioner.objects.select_related("user").get(pk=_author().pk)
    patient = measured_patient()
    if not TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).exists():
        _plan(author, patient, now)
    rng = random.Random(24)  # noqa: S311 - sample answers, not security
    added = 0
    for instrument in MEASURES:
        have = MeasureResult.objects.filter(patient=patient, instrument=instrument).count()
        spec = SPECS[instrument]
        keys = tuple(ACTIVITIES) if instrument is Instrument.PSFS else spec.items
        for number in range(have, SCORES_EACH):
            severity = 0.7 - 0.5 * number / (SCORES_EACH - 1) + rng.uniform(-0.05, 0.05)
            measure_result_record(
                patient=patient,
                instrument=instrument,
                answers=answers_for(spec, min(max(severity, 0.0), 1.0), keys, rng),
                activities=ACTIVITIES if instrument is Instrument.PSFS else None,
                source=ResultSource.PRACTITIONER,
                recorded_by=author.user,
                now=now - timedelta(weeks=SCORES_EACH - number),
            )
            added += 1
    return added


def _plan(author: Practitioner, patient: Patient, now: datetime) -> TreatmentPlan:
    service = Service.objects.get(slug=SERVICE)
    location_id = (
        Appointment.objects.filter(practitioner=author, patient=patient)
        .values_list("location_id", flat=True)
        .order_by("-start")
        .first()
    )
    if location_id is None:
        raise CareCaseError("the measured patient has no visit with the demo practitioner")
    starts_on = timezone.localdate(now) - timedelta(weeks=SCORES_EACH)
    by = starts_on + timedelta(weeks=24)
    return plan_create(
        patient=patient,
        practitioner=author,
        problems=["Low back pain limiting sitting and lifting"],
        goals=[
            GoalInput("Sits through a workday", by, "odi", Decimal(20)),
            GoalInput("Pain 2/10 or less", by, "nprs", Decimal(2)),
            GoalInput("Lifts the shopping", by, "psfs", Decimal(8)),
        ],
        courses=[
            CourseInput(
                discipline_id=service.discipline_id,
                service_id=service.pk,
                practitioner_id=author.pk,
                location_id=location_id,
                visits=1,
                weeks=26,
            )
        ],
        measures=[MeasureInput(str(instrument), every_visits=1) for instrument in MEASURES],
        starts_on=starts_on,
        reassess_on=starts_on + timedelta(weeks=26),
        reassess_after_visits=None,
        discharge_criteria="ODI 20 or less",
        user=author.user,
        now=now,
    )


def chart_page_3_measures() -> Operation:
    """GET the measured patient's chart, as the demo practitioner."""
    measures_top_up(now=timezone.now())
    patient = measured_patient()
    counts = dict(
        MeasureResult.objects.filter(patient=patient)
        .values_list("instrument")
        .annotate(n=Count("pk"))
    )
    if counts != {str(instrument): SCORES_EACH for instrument in MEASURES}:
        raise CareCaseError(f"the measured chart holds {counts}, not {SCORES_EACH} of each")
    if not TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).exists():
        raise CareCaseError("the measured patient has no active plan")
    client = _signed_in()
    path = reverse("patient-chart", kwargs={"patient_id": patient.pk})

    def get() -> object:
        response = _ok(client.get(path), f"GET {path}")
        if b"Outcome measures" not in response.content:
            raise CareCaseError("the chart shows no outcome measures")
        return response

    return get
