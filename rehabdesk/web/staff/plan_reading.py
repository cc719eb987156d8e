"""A treatment plan as its pages show it and as its form holds it: the rows of a new
plan (from a signed assessment, the practitioner's own course filled in), the rows of
a plan to change, the form's rows read back into the services' inputs, and the plan
page's facts (the visits' progress, the last scores against the goals)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rehabdesk.access.plans import PlanStart
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import PlanGoal, PlanMeasure, TreatmentPlan
from rehabdesk.plans.selectors import GoalProgress, Progress
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.web.staff.plan_forms import PlanForms

# The assessment's fields a new plan starts from (the shipped initial templates).
PROBLEM_FIELDS = ("problem_list",)


def start_rows(start: PlanStart, *, practitioner_id: int | None, today: date) -> dict[str, Any]:
    """A new plan's form: today's start, the assessment's problem list, and a first
    course with the practitioner writing it."""
    initial: dict[str, Any] = {"starts_on": today}
    if start.note is not None:
        initial["note"] = start.note.pk
        content: Mapping[str, Any] = start.note.content or {}
        problems = [str(content.get(code) or "").strip() for code in PROBLEM_FIELDS]
        initial["problems"] = "\n".join(p for p in problems if p)
    courses = [{"practitioner": practitioner_id}] if practitioner_id else []
    return {"initial": initial, "courses": courses}


def plan_rows(plan: TreatmentPlan) -> dict[str, Any]:
    """The plan as its form shows it to change, with the revision it was read at."""
    return {
        "initial": {
            "problems": "\n".join(plan.problems),
            "starts_on": plan.starts_on,
            "reassess_on": plan.reassess_on,
            "reassess_after_visits": plan.reassess_after_visits,
            "discharge_criteria": plan.discharge_criteria,
            "revision": plan.revision,
        },
        "goals": [
            {
                "text": g.text,
                "instrument": g.instrument,
                "target": g.target,
                "target_on": g.target_on,
            }
            for g in plan.goals.all()
        ],
        "courses": [
            {
                "id": c.pk,
                "service": c.service_id,
                "practitioner": c.practitioner_id,
                "location": c.location_id,
                "visits": c.visits,
                "every_weeks": c.every_weeks,
                "weeks": c.weeks,
            }
            for c in plan.courses.all()
        ],
        "measures": [
            {
                "instrument": m.instrument,
                "at_start": m.at_start,
                "every_visits": m.every_visits,
                "at_discharge": m.at_discharge,
            }
            for m in plan.measures.all()
        ],
    }


def plan_inputs(forms: PlanForms) -> dict[str, Any]:
    """The valid form read into the plans services' keyword arguments."""
    data = forms.plan.cleaned_data
    return {
        "problems": data["problems"],
        "starts_on": data["starts_on"],
        "reassess_on": data["reassess_on"],
        "reassess_after_visits": data["reassess_after_visits"],
        "discharge_criteria": data["discharge_criteria"].strip(),
        "goals": [
            GoalInput(
                text=row["text"].strip(),
                instrument=row["instrument"],
                target=row["target"],
                target_on=row["target_on"],
            )
            for row in forms.goals.rows()
        ],
        "courses": [
            CourseInput(
                discipline_id=row["service"].discipline_id,
                service_id=row["service"].pk,
                practitioner_id=row["practitioner"].pk,
                location_id=row["location"].pk,
                visits=row["visits"],
                every_weeks=row["every_weeks"],
                weeks=row["weeks"],
                id=row["id"],
            )
            for row in forms.courses.rows()
        ],
        "measures": [
            MeasureInput(
                instrument=row["instrument"],
                at_start=row["at_start"],
                every_visits=row["every_visits"],
                at_discharge=row["at_discharge"],
            )
            for row in forms.measures.rows()
        ],
    }


@dataclass(frozen=True)
class GoalLine:
    """A goal beside the patient's latest score on its measure (if it has one), as the
    plan's pages word it; whether it is reached is the plans selectors' rule."""

    progress: GoalProgress

    @property
    def goal(self) -> PlanGoal:
        return self.progress.goal

    @property
    def latest(self) -> MeasureResult | None:
        return self.progress.latest

    @property
    def reached(self) -> bool:
        return bool(self.progress.reached)

    @property
    def target(self) -> str:
        """ "ODI 20 or less"; "" for a goal in words only."""
        if not self.goal.instrument or self.goal.target is None:
            return ""
        instrument = Instrument(self.goal.instrument)
        side = "or more" if SPECS[instrument].higher_is_better else "or less"
        return f"{short_name(instrument)} {_number(self.goal.target)} {side}"

    @property
    def last_score(self) -> str:
        if self.latest is None or self.latest.score is None:
            return "no score"
        return _number(self.latest.score)


def short_name(instrument: Instrument) -> str:
    """ "ODI" for "Oswestry Disability Index (ODI)": the name clinicians write."""
    label = instrument.label
    return label[label.rindex("(") + 1 : -1] if label.endswith(")") else label


def _number(value: Decimal) -> str:
    """34.00 as "34", 12.50 as "12.5"."""
    return f"{value.normalize():f}"


def measure_when(measure: PlanMeasure) -> str:
    """When the plan asks a measure, in words: "at the start, every 4 visits and at discharge"."""
    parts = []
    if measure.at_start:
        parts.append("at the start")
    if measure.every_visits:
        parts.append(
            f"every {measure.every_visits} visits" if measure.every_visits > 1 else "every visit"
        )
    if measure.at_discharge:
        parts.append("at discharge")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def plan_page(plan: TreatmentPlan, *, progress: Progress, now: datetime) -> dict[str, Any]:
    """What the plan page (and the discharge page above its form) shows: the plan and
    its progress as the viewer may see it (access.plans.plan_progress_for)."""
    asked = Counter(line.state for line in progress.measures)
    still_booked = sum(
        1
        for course in progress.courses
        for visit in course.visits
        if visit.status == AppointmentStatus.BOOKED and visit.start >= now
    )
    return {
        "patient": plan.patient,
        "plan": plan,
        "closed": plan.status != PlanStatus.ACTIVE,
        "progress": progress,
        "goals": [GoalLine(progress=line) for line in progress.goals],
        "measures": [(m, measure_when(m)) for m in plan.measures.all()],
        "asked": asked,
        # Visits of the plan booked and not yet come (the page tells a closed plan's).
        "still_booked": still_booked,
        # Courses not booked yet (a booked course is one with its series).
        "to_book": sum(1 for course in progress.courses if not course.visits),
    }
