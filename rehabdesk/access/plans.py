"""Treatment plans through the access policy.

A plan is clinical (its problems, goals, the measures it asks): Action.VIEW_CLINICAL to
read it, CHANGE_CLINICAL to write one, so only the practitioners in the patient's care
reach it; every look is audited here, every change by the plans services. Booking the
plan is a booking (Action.MANAGE_BOOKINGS): the front desk confirms the visits a plan
proposes, and what it is given for that is the times — the courses' service,
practitioner and place, and the dates —, never the plan's problems or goals.

A refusal raises AccessDenied: a 404, put on file by access.middleware, the same for a
plan that is not there as for one that is not the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rehabdesk.access.accessors import User, patient_for
from rehabdesk.access.chart import Chart
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.lockbox import visits_withheld
from rehabdesk.access.policy import Action, Capability, can, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care.choices import VisitType
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import note_by_id
from rehabdesk.patients.models import Patient
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.models import PlanCourse, TreatmentPlan
from rehabdesk.plans.selectors import Progress, plan_by_id, plan_progress, plans_for_patient

PLAN = "plans.treatmentplan"
NOTE = "care.visitnote"
PATIENT = "patients.patient"


def plan_for(
    *, user: User, patient_id: int, plan_id: int, action: Action = Action.VIEW_CLINICAL
) -> TreatmentPlan:
    """The plan with its goals, courses and measures, if it is `patient_id`'s and `user`
    may do `action` (VIEW_CLINICAL or CHANGE_CLINICAL) to their clinical record; the
    look audited (a form to change it shows it too)."""
    plan = _plan(user, patient_id, plan_id, action, "treatment plan")
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PLAN,
        object_id=str(plan.pk),
        patient_ids=[plan.patient_id],
        summary="treatment plan",
    )
    return plan


@dataclass(frozen=True)
class PlanStart:
    """Whom a new plan is for, and the signed assessment it is made from (if any)."""

    patient: Patient
    note: VisitNote | None = None


def plan_start_for(*, user: User, patient_id: int, note_id: int | None = None) -> PlanStart:
    """The patient a new plan is written for, if `user` may change their clinical
    record; with `note_id`, the signed assessment of this patient it starts from
    (anything else is refused alike). The look is one event: the patient's, or the
    note's when the plan starts from one (it links the patient)."""
    patient = patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.CHANGE_CLINICAL,
        summary="patient for a treatment plan",
        view=note_id is None,
        family=False,
    )
    if note_id is None:
        return PlanStart(patient=patient)
    note = note_by_id(note_id=note_id)
    if note is None or note.patient_id != patient.pk or not note.signed or not is_assessment(note):
        raise AccessDenied(
            object_type=NOTE,
            object_id=str(note_id),
            patient_ids=[patient.pk],
            summary="assessment for a treatment plan",
            found=note is not None and note.patient_id == patient.pk,
        )
    # A signed note of a patient whose clinical record the user may change: theirs to read.
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=NOTE,
        object_id=str(note.pk),
        patient_ids=[patient.pk],
        summary="assessment for a treatment plan",
    )
    return PlanStart(patient=patient, note=note)


def is_assessment(note: VisitNote) -> bool:
    """A note a plan may be made from: an initial assessment, on its template's word."""
    return note.corrects_id is None and note.template.visit_type == VisitType.INITIAL


@dataclass(frozen=True)
class PlanBooking:
    """What booking a plan takes, for whoever books the patient's visits: the patient,
    the plan (to hand to the plans services, never to a page) and its courses' service,
    practitioner and place. Nothing here is the plan's clinical content."""

    patient: Patient
    plan: TreatmentPlan = field(repr=False)
    courses: tuple[PlanCourse, ...]
    # Whether the caller may open the plan itself (a practitioner in care).
    may_read_plan: bool


def plan_booking_for(*, user: User, patient_id: int, plan_id: int) -> PlanBooking:
    """The plan's booking, if `user` may book the patient's visits (the desk, a
    manager, a practitioner in care) and the plan is still active; the look audited
    as the times of a treatment plan."""
    summary = "treatment plan booking (times)"
    plan = _plan(user, patient_id, plan_id, Action.MANAGE_BOOKINGS, summary)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PLAN,
        object_id=str(plan.pk),
        patient_ids=[plan.patient_id],
        summary=summary,
    )
    return PlanBooking(
        patient=plan.patient,
        plan=plan,
        courses=tuple(plan.courses.all()),
        may_read_plan=may(person_for(user), Action.VIEW_CLINICAL, plan.patient_id),
    )


def plans_to_book_for(*, user: User, patient: Patient) -> list[int]:
    """The patient's active plans, by id, for the desk's way from the patient page to
    their booking: nothing of the plan, and [] unless `user` runs the desk and may book
    for them (a practitioner books from the plan itself). The patient page's own view
    event covers the look."""
    person = person_for(user)
    if not can(person, Capability.RUN_THE_DESK) or not may(
        person, Action.MANAGE_BOOKINGS, patient.pk
    ):
        return []
    return [
        plan.pk
        for plan in plans_for_patient(patient_id=patient.pk)
        if plan.status == PlanStatus.ACTIVE
    ]


@dataclass(frozen=True)
class ChartPlans:
    """The chart's lines about plans: the active plan with its progress, and the plans
    discharged, newest first."""

    patient_id: int
    active: TreatmentPlan | None
    progress: Progress | None
    closed: list[TreatmentPlan]


def plans_on_chart(*, chart: Chart, now: datetime) -> ChartPlans:
    """The plans the chart shows: the chart was authorized (VIEW_CLINICAL) and put on
    file as one event by access.chart.chart_for, which covers what it shows."""
    patient = chart.patient
    plans = plans_for_patient(patient_id=patient.pk)
    active = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    return ChartPlans(
        patient_id=patient.pk,
        active=active,
        progress=plan_progress(plan=active, now=now, leaving_out=chart.withheld_visits)
        if active
        else None,
        closed=[p for p in plans if p.status != PlanStatus.ACTIVE],
    )


def plan_progress_for(*, user: User, plan: TreatmentPlan, now: datetime) -> Progress:
    """A plan read through `plan_for` followed as of `now`, as `user` may see it: the
    measures asked for the visits the patient's lockbox withholds from them, and the
    scores taken then, left out (a goal shows the latest score they may see). No query
    of its own: the lockbox's condition is a subquery of the progress's reads."""
    withheld = visits_withheld(practitioner_id=person_for(user).practitioner_id)
    return plan_progress(plan=plan, now=now, leaving_out=withheld)


def _plan(user: User, patient_id: int, plan_id: int, action: Action, summary: str) -> TreatmentPlan:
    plan = plan_by_id(plan_id=plan_id)
    if plan is None or plan.patient_id != patient_id:
        raise AccessDenied(
            object_type=PLAN,
            object_id=str(plan_id),
            patient_ids=[plan.patient_id] if plan else [],
            summary=summary,
            found=False,
        )
    if not may(person_for(user), action, plan.patient_id):
        raise AccessDenied(
            object_type=PLAN,
            object_id=str(plan.pk),
            patient_ids=[plan.patient_id],
            summary=summary,
        )
    return plan
