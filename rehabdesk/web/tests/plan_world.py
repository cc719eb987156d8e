"""What the treatment plan's page tests share: the plans' world (the physio at
Pickering and Milton, the massage therapist, patient A in the physio's care), plans
written through the services from today (the pages read the real clock), a signed
initial assessment, the plan form's fields as a browser posts them, and a client
signed in as a persona."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rehabdesk.care.choices import NoteKind
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.testing import note_write
from rehabdesk.patients.models import Patient
from rehabdesk.plans.choices import DischargeReason, GoalOutcome
from rehabdesk.plans.inputs import GoalInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_book, plan_booking_propose, plan_discharge
from rehabdesk.plans.testing import PlanWorld, build_plan_world, write_plan
from rehabdesk.testing.personas import Personas

# An initial assessment as the physio signs it (physio-initial's required fields).
ASSESSMENT = {
    "chief_complaint": "Low back pain for six weeks, worse sitting",
    "red_flag_screen": "negative",
    "history": "Office work; no previous episodes",
    "impression": "Mechanical low back pain",
    "problem_list": "Sitting tolerance 20 minutes\nCannot lift a laundry basket",
    "interventions": "Education; walking program",
}


def plan_world(personas: Personas) -> PlanWorld:
    return build_plan_world(personas)


def today() -> date:
    return timezone.localdate()


def a_plan(world: PlanWorld, **changes: Any) -> TreatmentPlan:
    """The physio's plan for patient A from today: twice a week for six weeks at
    Pickering, an ODI goal of 20 or less in six weeks."""
    changes.setdefault("now", timezone.now())
    return write_plan(world, **changes)


def goal(number: int = 0, *, weeks: int = 6) -> GoalInput:
    """An ODI goal of 20 or less, `weeks` from today."""
    return GoalInput(
        text=f"Goal {number}: sits through a work day",
        target_on=today() + timedelta(weeks=weeks),
        instrument="odi",
        target=Decimal("20"),
    )


def booked(
    world: PlanWorld, plan: TreatmentPlan, *, both: bool = False, now: datetime | None = None
) -> TreatmentPlan:
    """The plan booked as proposed `now` (the real now unless told)."""
    now = now or timezone.now()
    proposal = plan_booking_propose(plan=plan, both_locations=both, now=now)
    plan_book(plan=plan, proposal=proposal, actor=world.physio.user, now=now)
    return plan


def discharge(plan: TreatmentPlan) -> TreatmentPlan:
    """The plan closed, its goals met."""
    return plan_discharge(
        plan=plan,
        reason=DischargeReason.GOALS_MET,
        summary="Back at full duties.",
        goal_outcomes={g.pk: GoalOutcome.MET for g in plan.goals.all()},
        user=plan.practitioner.user,
        now=timezone.now(),
    )


def assessment(
    world: PlanWorld,
    *,
    sign: bool = True,
    code: str = "physio-initial",
    content: Mapping[str, Any] = ASSESSMENT,
    patient: Patient | None = None,
) -> VisitNote:
    """The physio's initial assessment of patient A (unless told), by phone an hour ago."""
    now = timezone.now()
    return note_write(
        actor=world.physio.user,
        template=NoteTemplate.objects.get(code=code, current=True),
        patient=patient or world.patient,
        kind=NoteKind.PHONE,
        encounter_at=now - timedelta(hours=1),
        content=content,
        now=now,
        sign=sign,
    )


def signed_in(personas: Personas, who: str) -> Client:
    client = Client()
    user = personas.user(who)
    if user is not None:
        client.force_login(user)
    return client


def plan_url(name: str, plan: TreatmentPlan) -> str:
    return reverse(name, kwargs={"patient_id": plan.patient_id, "plan_id": plan.pk})


def rows(prefix: str, filled: list[dict[str, Any]], blank: dict[str, Any]) -> dict[str, str]:
    """A formset's fields as the page posts them: the filled rows, then one blank row
    as the page offers it (its default numbers and ticks filled in)."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(filled) + 1), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate([*filled, blank]):
        data.update({f"{prefix}-{index}-{name}": str(value) for name, value in row.items()})
    return data


def plan_post(world: PlanWorld, **changes: Any) -> dict[str, str]:
    """A whole plan as the form posts it: two problems, an ODI goal and one in words,
    physio twice a week for six weeks and massage every two weeks for eight, the ODI
    at the start, every 4 visits and at discharge. `changes` replace fields by name
    (`goals-0-target_on`)."""
    start = today()
    data = {
        "problems": "Sitting tolerance 20 minutes\r\nCannot lift a laundry basket",
        "starts_on": start.isoformat(),
        "reassess_on": (start + timedelta(weeks=4)).isoformat(),
        "reassess_after_visits": "8",
        "discharge_criteria": "ODI 20 or less; back at full duties",
        "revision": "",
        "note": "",
        **rows(
            "goals",
            [
                {
                    "text": "Sits through a work day",
                    "instrument": "odi",
                    "target": "20",
                    "target_on": (start + timedelta(weeks=6)).isoformat(),
                },
                {
                    "text": "Lifts the laundry basket without pain",
                    "instrument": "",
                    "target": "",
                    "target_on": (start + timedelta(weeks=8)).isoformat(),
                },
            ],
            {"text": "", "instrument": "", "target": "", "target_on": ""},
        ),
        **rows(
            "courses",
            [
                {
                    "id": "",
                    "service": world.follow_up.pk,
                    "practitioner": world.physio.pk,
                    "location": world.pickering.pk,
                    "visits": 2,
                    "every_weeks": 1,
                    "weeks": 6,
                },
                {
                    "id": "",
                    "service": world.massage.pk,
                    "practitioner": world.massage_therapist.pk,
                    "location": world.pickering.pk,
                    "visits": 1,
                    "every_weeks": 2,
                    "weeks": 8,
                },
            ],
            {
                "id": "",
                "service": "",
                "practitioner": "",
                "location": "",
                "visits": 2,
                "every_weeks": 1,
                "weeks": 6,
            },
        ),
        **rows(
            "measures",
            [{"instrument": "odi", "at_start": "on", "every_visits": "4", "at_discharge": "on"}],
            {"instrument": "", "at_start": "on", "every_visits": "", "at_discharge": "on"},
        ),
    }
    data.update({name: str(value) for name, value in changes.items()})
    return data
