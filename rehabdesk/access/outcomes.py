"""Outcome measures through the access policy: answers and scores are clinical content.

- Reading a patient's scores (their chart, a visit's note) is VIEW_CLINICAL, entering a
  measure in the clinic CHANGE_CLINICAL: practitioners, for the patients in their care.
- Answering a measure asked of one is ANSWER_MEASURE: the patient and the guardians who
  manage their bookings, in the portal — the questions and their own answers only,
  never the scores' history. The desk never sees either.
- The e-mailed link `/measure/<token>/` is the credential for its one request, like the
  manage-my-booking link: no sign-in, the look audited without a user.

Every look is put on file here (one event per page), every answer by the outcomes
services; a refusal raises AccessDenied (a 404, recorded by the middleware or the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rehabdesk.access.accessors import PATIENT, User, patient_for
from rehabdesk.access.chart import Chart
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.lockbox import visits_withheld
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.outcomes.models import InstrumentWording, MeasureRequest, MeasureResult
from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.outcomes.selectors import (
    Point,
    Visits,
    latest_scores,
    measure_series,
    request_answered_by_token,
    request_by_id,
    request_by_token,
    requests_open,
    results_for_appointments,
    wording_current,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_exists
from rehabdesk.plans.selectors import goals_with_targets
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import appointment_detail

RESULT = "outcomes.measureresult"
REQUEST = "outcomes.measurerequest"


@dataclass(frozen=True)
class GoalTarget:
    """A plan's goal tied to an instrument: its words, the score to reach, by when."""

    label: str
    value: Decimal
    on: date | None


@dataclass(frozen=True)
class PatientMeasures:
    """A patient's scores by instrument, oldest first, and their plans' goals."""

    patient_id: int
    series: Mapping[Instrument, list[Point]]
    goals: Mapping[str, list[GoalTarget]] = field(default_factory=dict)


def measures_on_chart(*, chart: Chart) -> PatientMeasures:
    """The patient's scores and their plans' goals as the chart shows them: one query
    for every score, one for the goals. The chart was authorized (VIEW_CLINICAL) and put
    on file as one event by access.chart.chart_for, which covers what it shows."""
    patient_id = chart.patient.pk
    goals: dict[str, list[GoalTarget]] = {}
    for goal in goals_with_targets(patient_id=patient_id):
        if goal.target is not None:  # the query asks for a target; mypy cannot know
            goals.setdefault(goal.instrument, []).append(
                GoalTarget(label=goal.text, value=goal.target, on=goal.target_on)
            )
    # The visits the lockbox withholds from the viewer: their scores left out.
    series = measure_series(patient_id=patient_id, leaving_out=chart.withheld_visits)
    return PatientMeasures(patient_id=patient_id, series=series, goals=goals)


def visit_results_for(*, user: User, patient_id: int, appointment_id: int) -> list[MeasureResult]:
    """The measures taken for one visit, for the note pages of a practitioner in the
    patient's care; the look audited when there is something to show."""
    _clinical(user, Action.VIEW_CLINICAL, patient_id, "outcome measures of a visit")
    withheld = visits_withheld(practitioner_id=person_for(user).practitioner_id)
    results = results_for_appointments(appointment_ids=[appointment_id], leaving_out=withheld).get(
        appointment_id, []
    )
    results = [r for r in results if r.patient_id == patient_id]
    if results:
        _viewed(user, [patient_id], "outcome measures of a visit")
    return results


@dataclass(frozen=True)
class ToRecord:
    """What a practitioner enters a measure for: the patient, the visit if one, and the
    PSFS activities named last time (re-rated, not named again)."""

    patient: Patient
    appointment: Appointment | None
    activities: dict[str, str]


def measure_to_record(
    *, user: User, patient_id: int, appointment_id: int | None = None
) -> ToRecord:
    """The patient (and their visit) a practitioner in their care enters a measure for;
    the look, which shows the last PSFS activities (of a visit they may see), audited.
    A visit the patient's lockbox withholds from them is refused like another's."""
    patient = patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.CHANGE_CLINICAL,
        summary="outcome measure to enter",
        view=True,
        family=False,
    )
    appointment = None
    withheld = visits_withheld(practitioner_id=person_for(user).practitioner_id)
    if appointment_id is not None:
        appointment = appointment_detail(appointment_id=appointment_id)
        if (
            appointment is None
            or appointment.patient_id != patient.pk
            or withheld.filter(appointment_id=appointment.pk).exists()
        ):
            raise AccessDenied(
                object_type="scheduling.appointment",
                object_id=str(appointment_id),
                patient_ids=[patient.pk],
                summary="visit for an outcome measure",
                found=False,
            )
    return ToRecord(
        patient=patient,
        appointment=appointment,
        activities=_psfs_activities(patient.pk, leaving_out=withheld),
    )


@dataclass(frozen=True)
class ToAnswer:
    """A request as the one answering it sees it: the instrument's words, and PSFS's
    activities named the first time. `answered`: it has its result already."""

    request: MeasureRequest
    patient: Patient
    activities: dict[str, str]
    wording: InstrumentWording | None
    answered: bool


def requests_to_answer(*, user: User, today: date) -> list[MeasureRequest]:
    """The open requests of the signed-in patient and of the dependents whose bookings
    they manage (ANSWER_MEASURE), soonest due first; one audit event for the list."""
    person = person_for(user)
    ids = sorted(
        pid for pid in person.managed_patient_ids if may(person, Action.ANSWER_MEASURE, pid)
    )
    if not ids:
        return []
    requests = requests_open(patient_ids=ids, today=today)
    if requests:
        _viewed(user, sorted({r.patient_id for r in requests}), "measures to answer", REQUEST)
    return requests


def request_to_answer(*, user: User, request_id: int, today: date, view: bool = True) -> ToAnswer:
    """One request the signed-in patient may answer (their own or a dependent's); a
    cancelled or lapsed one, or anyone else's, refused alike. `view`: audit the look
    (False when the request only writes, which the service audits)."""
    request = request_by_id(request_id=request_id)
    if request is None or not request.is_open_on(today):
        raise AccessDenied(
            object_type=REQUEST, object_id=str(request_id), summary="measure", found=False
        )
    if not may(person_for(user), Action.ANSWER_MEASURE, request.patient_id):
        raise AccessDenied(
            object_type=REQUEST,
            object_id=str(request.pk),
            patient_ids=[request.patient_id],
            summary="measure",
        )
    return _to_answer(request, actor=user, view=view, summary="measure to answer (portal)")


def request_by_link(*, token: str, today: date, view: bool = True) -> ToAnswer:
    """The request an e-mailed link names, for whoever holds the link, answered or not
    (the page says which); an unknown, cancelled or lapsed one is refused (404). The look
    is audited without a user: the link was the credential."""
    request = request_by_token(token) or request_answered_by_token(token)
    if request is None or not request.is_open_on(today):
        raise AccessDenied(
            object_type=REQUEST,
            object_id=str(request.pk) if request else "",
            patient_ids=[request.patient_id] if request else [],
            summary="measure (link refused)",
            found=False,
        )
    return _to_answer(request, actor=None, view=view, summary="measure to answer (e-mailed link)")


def request_shown(seen: ToAnswer, *, actor: User | None) -> None:
    """Put on file that a request's form was shown again after a refused answer (the
    activities named last time are on it)."""
    _audit_look(seen.request, actor, "measure shown again")


def _to_answer(
    request: MeasureRequest, *, actor: User | None, view: bool, summary: str
) -> ToAnswer:
    answered = hasattr(request, "result")
    activities = {} if answered else _psfs_activities(request.patient_id)
    if view:
        _audit_look(request, actor, summary)
    return ToAnswer(
        request=request,
        patient=request.patient,
        activities=activities,
        wording=None if answered else wording_current(instrument=request.instrument),
        answered=answered,
    )


def _audit_look(request: MeasureRequest, actor: User | None, summary: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=REQUEST,
        object_id=str(request.pk),
        patient_ids=[request.patient_id],
        summary=summary,
    )


def _psfs_activities(patient_id: int, leaving_out: Visits = None) -> dict[str, str]:
    """The PSFS activities to re-rate: those of the latest PSFS result, if any (not one
    taken for the visits `leaving_out`)."""
    latest = latest_scores(patient_id=patient_id, leaving_out=leaving_out).get(Instrument.PSFS)
    return {str(k): str(v) for k, v in (latest.activities if latest else {}).items() if v}


def _clinical(user: User, action: Action, patient_id: int, summary: str) -> None:
    if not may(person_for(user), action, patient_id):
        found = patient_exists(patient_id=patient_id)
        raise AccessDenied(
            object_type=PATIENT,
            object_id=str(patient_id),
            patient_ids=[patient_id] if found else [],
            summary=summary,
            found=found,
        )


def _viewed(
    user: User | None, patient_ids: Sequence[int], summary: str, object_type: str = RESULT
) -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        patient_ids=list(patient_ids),
        summary=summary,
    )
