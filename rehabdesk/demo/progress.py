"""The demo's treatment plans, home programs and outcome measures (issue 24): the demo
practitioner's patients followed over a course of care, so the chart's line charts,
the plan page and the adherence figures have something true to show.

Five of her patients, each on the course of their charted story (demo/care.py: low
back pain, a knee replacement, a stiff shoulder, chosen by the patient's id as the
notes choose it) and its measures (ODI and NPRS, LEFS and PSFS, QuickDASH and NPRS):

- one improving, one on a plateau, one getting worse (its reassessment due), each with
  an active plan of ten weeks so far;
- one discharged three weeks ago with a summary, its goals judged, its program stopped;
- the demo's regular patient, who signs in ("Patient (exercises, receipts)"): a plan of
  eight weeks not booked yet (README's walk books it), a program with today's session
  still to tick, a daily reminder, and a pain rating asked by e-mail today (the link is
  in the outbox, then var/mail/; demo_welcome prints it).

The plans, goals, measures asked and results, the programs, their stopping and the
reminder are written through the services (plan_create, plan_discharge,
measure_request_create, measure_result_record — which scores every answer set with the
scoring package —, program_prescribe, program_stop, reminder_set), each as of its day.
Two things go in bulk, as the demo's history does: the visits the history already
holds with her in the plan's weeks are tied to the plan's course (a series per service
and location, as `plan_book` would have booked them), and the ticked sessions (the
patients without a sign-in could not have ticked them through `session_tick`, which
asks for the patient's own account). Invented, like the patients.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.demo.care import STORIES
from rehabdesk.exercises.models import Exercise, Program, ProgramSession
from rehabdesk.exercises.services import ItemInput, program_prescribe, program_stop, reminder_set
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.outcomes.choices import RequestPurpose, ResultSource
from rehabdesk.outcomes.models import MeasureRequest
from rehabdesk.outcomes.scoring import SPECS, Instrument, Spec, Verdict, judge_change
from rehabdesk.outcomes.selectors import measure_series
from rehabdesk.outcomes.services import (
    measure_request_create,
    measure_request_send,
    measure_result_record,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import care_assignment_add
from rehabdesk.plans.choices import DischargeReason, GoalOutcome, PlanStatus
from rehabdesk.plans.inputs import CourseInput, GoalInput, MeasureInput
from rehabdesk.plans.models import PlanCourse, PlanGoal, TreatmentPlan
from rehabdesk.plans.services import plan_create, plan_discharge
from rehabdesk.scheduling.care import cares_for
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment, AppointmentSeries

SERVICE = "physiotherapy-follow-up-30-minutes"
PHYSIOTHERAPY = "physiotherapy"
COURSE_WEEKS = 12  # one visit every two weeks for twelve weeks
PROGRAM_DAYS = 27  # programs began four weeks ago (today the 28th day)
# Visits tied to a plan: every one in its weeks, whatever became of it.
TIED = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
    AppointmentStatus.CANCELLED,
)
MEASURED_AT_ITS_VISIT = timedelta(minutes=10)  # filled in in the waiting room
MESSAGE_KIND = "measure_request"  # outcomes/services/requests.py's template


@dataclass(frozen=True)
class Story:
    """A course's plan, by the notes' story (demo/care.py's physiotherapy STORIES)."""

    main: Instrument
    second: Instrument
    problems: tuple[str, ...]
    # (words, instrument or "", target, weeks from the start)
    goals: tuple[tuple[str, str, Decimal | None, int], ...]
    exercises: tuple[str, ...]  # library codes
    activities: tuple[str, ...] = ()  # PSFS: the patient's own activities


STORY_PLANS = (
    Story(
        main=Instrument.ODI,
        second=Instrument.NPRS,
        problems=("Pain with sitting", "Reduced lumbar flexion", "Off running"),
        goals=(
            ("Sits through a workday without back pain", "odi", Decimal(20), 10),
            ("Back to running 5 km", "", None, 12),
        ),
        exercises=("low-back-pelvic-tilt", "core-bird-dog", "hip-bridge"),
    ),
    Story(
        main=Instrument.LEFS,
        second=Instrument.PSFS,
        problems=("Limited knee flexion", "Quadriceps weakness", "Stairs one at a time"),
        goals=(
            ("Stairs step over step", "lefs", Decimal(60), 10),
            ("Walks 30 minutes without the cane", "psfs", Decimal(7), 12),
        ),
        exercises=("knee-heel-slide", "hip-sit-to-stand", "knee-step-up"),
        activities=("Climbing stairs", "Getting up from a low chair", "Walking 30 minutes"),
    ),
    Story(
        main=Instrument.QUICKDASH,
        second=Instrument.NPRS,
        problems=("Pain reaching overhead", "Rotator cuff weakness", "Night pain"),
        goals=(
            ("Puts dishes away in the top cupboard", "quickdash", Decimal(20), 10),
            ("Sleeps through the night", "nprs", Decimal(2), 8),
        ),
        exercises=(
            "shoulder-external-rotation-band",
            "shoulder-wall-slide",
            "shoulder-blade-squeeze",
        ),
    ),
)


@dataclass(frozen=True)
class Course:
    """How one patient's course goes: severity (0 none, 1 the worst the measure
    reads) of the main and second measure from the first score to the last, the
    plan's start in weeks ago, and the home program's share of sessions done."""

    role: str
    story: int | None  # the story wanted (None: any)
    main: tuple[float, float]
    second: tuple[float, float]
    weeks_ago: int
    done_share: float
    sessions_per_day: int = 1
    days_per_week: int = 7
    wiggle: float = 0.02
    reassess_weeks: int = 12


IMPROVING = Course("improving", 0, (0.46, 0.16), (0.7, 0.2), 10, 0.85, sessions_per_day=2)
PLATEAU = Course("plateau", 1, (0.5, 0.48), (0.5, 0.48), 10, 0.6, wiggle=0.03)
WORSENING = Course(
    "worsening", 2, (0.32, 0.58), (0.4, 0.7), 10, 0.4, days_per_week=5, reassess_weeks=8
)
DISCHARGED = Course("discharged", None, (0.44, 0.1), (0.6, 0.1), 16, 0.8)
SIGNS_IN = Course("signs_in", None, (0.52, 0.36), (0.6, 0.4), 8, 0.75)
COURSES = (IMPROVING, PLATEAU, WORSENING, DISCHARGED)
DISCHARGED_WEEKS_AGO = 3
SCORES = (5, 6)  # scores of each measure over a course: at least, at most
SIGNS_IN_SCORES = 4


@dataclass(frozen=True)
class Followed:
    """What the loader made for one patient (the demo's tests read it)."""

    role: str
    patient: Patient
    plan: TreatmentPlan
    program: Program


@dataclass
class _World:
    practitioner: Practitioner
    user: User
    now: datetime
    zone: ZoneInfo
    rng: random.Random
    service: Service

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)


def load_demo_progress(
    *, practitioner: Practitioner, front_desk: User, regular: Patient | None, now: datetime
) -> list[Followed]:
    """Plans, programs and measures for the demo practitioner's patients (see the
    module's docstring); returns what was made, by patient."""
    service = Service.objects.select_related("discipline").get(slug=SERVICE)
    # The demo's locations share the clinic's zone (demo/care.py reads days in it too).
    zone = ZoneInfo(str(timezone.get_current_timezone()))
    world = _World(practitioner, practitioner.user, now, zone, random.Random(24), service)
    followed = []
    taken = {regular.pk} if regular is not None else set()
    for course, patient in _chosen(practitioner, now, taken):
        followed.append(_follow(world, course, patient))
    if regular is not None and regular.user_id is not None:
        if not _cares_for(practitioner, regular):
            care_assignment_add(
                actor=front_desk,
                patient=regular,
                practitioner=practitioner,
                reason="Referred for physiotherapy: home program and pain follow-up",
            )
        followed.append(_follow(world, SIGNS_IN, regular))
    return followed


def demo_measure_link(*, email: str) -> str | None:
    """The questionnaire link last e-mailed to `email` (the outbox keeps the message;
    the worker writes it to var/mail/), for demo_welcome to print."""
    message = (
        OutboxMessage.objects.filter(kind=MESSAGE_KIND, recipient=email).order_by("-pk").first()
    )
    if message is None:
        return None
    return next((word for word in message.body_text.split() if "/measure/" in word), None)


# --- Who --------------------------------------------------------------------------------


def _chosen(
    practitioner: Practitioner, now: datetime, taken: set[int]
) -> list[tuple[Course, Patient]]:
    """Her patients with the most physiotherapy visits with her in the last sixteen
    weeks, each course given the first one whose story it wants (else the next)."""
    counts = (
        Appointment.objects.filter(
            practitioner=practitioner,
            service__discipline__slug=PHYSIOTHERAPY,
            status=AppointmentStatus.FULFILLED,
            start__gte=now - timedelta(weeks=16),
            start__lt=now,
            patient__active=True,
        )
        .exclude(patient_id__in=taken)
        .values("patient_id")
        .annotate(visits=Count("pk"))
        .order_by("-visits", "patient_id")
    )
    candidates = [row["patient_id"] for row in counts[:40]]
    stories = len(STORIES[PHYSIOTHERAPY])
    chosen: dict[Course, int] = {}
    for course in COURSES:
        left = [pk for pk in candidates if pk not in chosen.values()]
        wanted = [pk for pk in left if course.story is None or pk % stories == course.story]
        if wanted or left:
            chosen[course] = (wanted or left)[0]
    patients = Patient.objects.in_bulk(chosen.values())
    return [(course, patients[pk]) for course, pk in chosen.items()]


def _cares_for(practitioner: Practitioner, patient: Patient) -> bool:
    return cares_for(practitioner_id=practitioner.pk, patient_id=patient.pk)


# --- One patient's course -----------------------------------------------------------------


def _follow(world: _World, course: Course, patient: Patient) -> Followed:
    story = STORY_PLANS[patient.pk % len(STORY_PLANS)]
    starts_on = world.today - timedelta(weeks=course.weeks_ago)
    ends_on = (
        world.today - timedelta(weeks=DISCHARGED_WEEKS_AGO) if course is DISCHARGED else world.today
    )
    plan = _plan(world, course, story, patient, starts_on)
    # The regular patient's plan is left to book (README's walk books it).
    visits = [] if course is SIGNS_IN else _tie_visits(world, plan, starts_on, ends_on)
    _measure(world, course, story, plan, visits, starts_on, ends_on)
    program = _program(world, course, story, patient, ends_on)
    if course is DISCHARGED:
        _discharge(world, plan, ends_on)
        program_stop(
            program=program,
            reason="Discharged: goals met; keep the exercises three times a week.",
            user=world.user,
            now=world.at(ends_on, 17),
        )
    if course is SIGNS_IN and patient.user is not None:
        _ask_by_email(world, plan, patient)
        # Their own choice, made in the portal: a reminder at six every evening.
        reminder_set(program=program, at=time(18, 0), user=patient.user, now=world.now)
    return Followed(course.role, patient, plan, program)


def _plan(
    world: _World, course: Course, story: Story, patient: Patient, starts_on: date
) -> TreatmentPlan:
    measures = [
        MeasureInput(story.main, at_start=True, every_visits=2, at_discharge=True),
        MeasureInput(story.second, at_start=True, every_visits=1, at_discharge=True),
    ]
    return plan_create(
        patient=patient,
        practitioner=world.practitioner,
        problems=list(story.problems),
        goals=[
            GoalInput(text, starts_on + timedelta(weeks=weeks), instrument, target)
            for text, instrument, target, weeks in story.goals
        ],
        courses=[
            CourseInput(
                discipline_id=world.service.discipline_id,
                service_id=world.service.pk,
                practitioner_id=world.practitioner.pk,
                location_id=_usual_location(world.practitioner, patient),
                visits=1,
                every_weeks=2,
                weeks=COURSE_WEEKS,
            )
        ],
        measures=measures,
        starts_on=starts_on,
        reassess_on=starts_on + timedelta(weeks=course.reassess_weeks),
        reassess_after_visits=None,
        discharge_criteria=f"{story.goals[0][0]}; the home program kept up alone.",
        user=world.user,
        # Before the clinic opens: the plan's first visit may be that morning.
        now=world.at(starts_on, 7),
    )


def _usual_location(practitioner: Practitioner, patient: Patient) -> int:
    """Where they see her most (where she works most, for a patient only assigned)."""
    for visits in (
        Appointment.objects.filter(practitioner=practitioner, patient=patient),
        Appointment.objects.filter(practitioner=practitioner),
    ):
        usual = (
            visits.values("location_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "location_id")
            .values_list("location_id", flat=True)
            .first()
        )
        if usual is not None:
            return int(usual)
    return Location.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)[0]


def _tie_visits(
    world: _World, plan: TreatmentPlan, starts_on: date, ends_on: date
) -> list[Appointment]:
    """The history's physiotherapy visits with her in the course's weeks (until the
    discharge), tied to the course as `plan_book` ties the series it books: one series
    per service and location. Returns them in time order."""
    last = min(starts_on + timedelta(weeks=COURSE_WEEKS), ends_on + timedelta(days=1))
    visits = list(
        Appointment.objects.filter(
            practitioner=world.practitioner,
            patient_id=plan.patient_id,
            service__discipline__slug=PHYSIOTHERAPY,
            status__in=TIED,
            series__isnull=True,
            start__gte=world.at(starts_on, 0),
            start__lt=world.at(last, 0),
        ).order_by("start", "pk")
    )
    groups: dict[tuple[int, int], list[Appointment]] = defaultdict(list)
    for visit in visits:
        groups[(visit.service_id, visit.location_id)].append(visit)
    course = PlanCourse.objects.get(plan=plan)
    for (service_id, location_id), booked in groups.items():
        days = [visit.start.astimezone(world.zone) for visit in booked]
        series = AppointmentSeries.objects.create(
            patient_id=plan.patient_id,
            practitioner=world.practitioner,
            service_id=service_id,
            location_id=location_id,
            pattern=[
                {"weekday": weekday, "time": at}
                for weekday, at in sorted({(d.weekday(), f"{d:%H:%M}") for d in days})
            ],
            first_day=days[0].date(),
            weeks=(days[-1].date() - days[0].date()).days // 7 + 1,
            created_at=plan.created_at,
            created_by=world.user,
        )
        Appointment.objects.filter(pk__in=[visit.pk for visit in booked]).update(series=series)
        course.series.add(series)
    return visits


# --- Measures -----------------------------------------------------------------------------


def _measure(
    world: _World,
    course: Course,
    story: Story,
    plan: TreatmentPlan,
    visits: list[Appointment],
    starts_on: date,
    ends_on: date,
) -> None:
    """Both measures scored on the same days, along the course's trend: at each visit
    held (asked for it first, as the plan's schedule asks), and on days between when
    the visits are too few; the next visit booked gets its request, open."""
    held = [v for v in visits if v.status == AppointmentStatus.FULFILLED and v.start < world.now]
    least, most = (SIGNS_IN_SCORES, SIGNS_IN_SCORES) if course is SIGNS_IN else SCORES
    if len(held) > most:
        held = held[:1] + held[-(most - 1) :]
    last_day = ends_on if course is DISCHARGED else world.today - timedelta(days=1)
    points: list[tuple[datetime, Appointment | None]] = [
        (visit.start - MEASURED_AT_ITS_VISIT, visit) for visit in held
    ]
    for day in _days_between(starts_on, last_day, least):
        if len(points) >= least:
            break
        if all(abs((when.astimezone(world.zone).date() - day).days) > 4 for when, _ in points):
            points.append((world.at(day, 11, world.rng.randint(0, 50)), None))
    points.sort(key=lambda point: point[0])
    for index, (when, visit) in enumerate(points):
        progress = index / max(len(points) - 1, 1)
        purpose = (
            RequestPurpose.ASSESSMENT
            if index == 0
            else RequestPurpose.DISCHARGE
            if course is DISCHARGED and index == len(points) - 1
            else RequestPurpose.PROGRESS
        )
        for instrument, (first, last) in ((story.main, course.main), (story.second, course.second)):
            severity = first + (last - first) * progress
            if 0 < index < len(points) - 1:
                severity += course.wiggle * (1 if index % 2 else -1)
            _score(world, plan, story, instrument, severity, when, visit, purpose)
    _ask_next_visit(world, course, story, plan, visits)


def _days_between(first: date, last: date, count: int) -> list[date]:
    span = max((last - first).days, 0)
    return [first + timedelta(days=round(span * n / max(count - 1, 1))) for n in range(count)]


def _score(
    world: _World,
    plan: TreatmentPlan,
    story: Story,
    instrument: Instrument,
    severity: float,
    when: datetime,
    visit: Appointment | None,
    purpose: RequestPurpose,
) -> None:
    spec = SPECS[instrument]
    keys = spec.items[: len(story.activities)] if instrument is Instrument.PSFS else spec.items
    answers = answers_for(spec, min(max(severity, 0.0), 1.0), keys, world.rng)
    request = None
    if visit is not None:
        request = measure_request_create(
            patient=plan.patient,
            instrument=instrument,
            purpose=purpose,
            due_on=visit.start.astimezone(world.zone).date(),
            appointment=visit,
            plan_id=plan.pk,
            requested_by=world.user,
            now=max(plan.created_at, when - timedelta(days=2)),
        )
    measure_result_record(
        patient=plan.patient,
        instrument=instrument,
        answers=answers,
        activities=dict(zip(keys, story.activities, strict=True))
        if instrument is Instrument.PSFS
        else None,
        source=ResultSource.PRACTITIONER,
        request=request,
        appointment=visit,
        recorded_by=world.user,
        now=when,
    )


def answers_for(
    spec: Spec, severity: float, keys: tuple[str, ...], rng: random.Random
) -> dict[str, int]:
    """An answer set to `keys` reading about `severity` (0 none, 1 the worst the
    instrument can say): the items' total spread evenly, the odd points on items
    drawn at random. The scoring package scores it (measure_result_record)."""
    span = spec.high - spec.low
    level = 1 - severity if spec.higher_is_better else severity
    total = round(level * span * len(keys))
    base, extra = divmod(total, len(keys))
    lifted = set(rng.sample(keys, extra))
    return {key: spec.low + base + (1 if key in lifted else 0) for key in keys}


def _ask_next_visit(
    world: _World, course: Course, story: Story, plan: TreatmentPlan, visits: list[Appointment]
) -> None:
    if course is DISCHARGED:
        return
    upcoming = [v for v in visits if v.status == AppointmentStatus.BOOKED and v.start > world.now]
    if upcoming:
        visit = upcoming[0]
        measure_request_create(
            patient=plan.patient,
            instrument=story.main,
            purpose=RequestPurpose.PROGRESS,
            due_on=visit.start.astimezone(world.zone).date(),
            appointment=visit,
            plan_id=plan.pk,
            requested_by=world.user,
            now=world.now,
        )


def _ask_by_email(world: _World, plan: TreatmentPlan, patient: Patient) -> MeasureRequest:
    """Today's pain rating, asked between visits and e-mailed with its link (our own
    wording: no licence needed)."""
    request = measure_request_create(
        patient=patient,
        instrument=Instrument.NPRS,
        purpose=RequestPurpose.BY_HAND,
        due_on=world.today,
        plan_id=plan.pk,
        requested_by=world.user,
        now=world.now,
    )
    measure_request_send(request=request, now=world.now, actor=world.user)
    return request


def _discharge(world: _World, plan: TreatmentPlan, on: date) -> None:
    goals = PlanGoal.objects.filter(plan=plan).order_by("position")
    plan_discharge(
        plan=plan,
        reason=DischargeReason.GOALS_MET,
        summary="Goals met over the course: back to the day's activities without pain. "
        "Discharged to the home program, three times a week; to call if the pain returns.",
        goal_outcomes={goal.pk: GoalOutcome.MET for goal in goals},
        user=world.user,
        now=world.at(on, 17),
    )


# --- The home program ---------------------------------------------------------------------


def _program(
    world: _World, course: Course, story: Story, patient: Patient, ends_on: date
) -> Program:
    """Prescribed four weeks before `ends_on` (today, or the discharge), and ticked on
    about `done_share` of the sessions since, some with a pain score along the trend."""
    starts_on = ends_on - timedelta(days=PROGRAM_DAYS)
    library = Exercise.objects.in_bulk(story.exercises, field_name="code")
    program = program_prescribe(
        patient=patient,
        items=[
            ItemInput(
                exercise=exercise,
                sets=exercise.default_sets,
                reps=exercise.default_reps,
                hold_seconds=exercise.default_hold_seconds,
            )
            for exercise in (library[code] for code in story.exercises)
        ],
        sessions_per_day=course.sessions_per_day,
        days_per_week=course.days_per_week,
        starts_on=starts_on,
        notes="Slowly and within comfort; a little soreness the next day is fine.",
        user=world.user,
        now=world.at(starts_on, 10),
    )
    ProgramSession.objects.bulk_create(_ticks(world, course, program, patient, ends_on))
    return program


def _ticks(
    world: _World, course: Course, program: Program, patient: Patient, ends_on: date
) -> list[ProgramSession]:
    rng = world.rng
    sessions = []
    days = (ends_on - program.starts_on).days  # up to the day before `ends_on`
    for offset in range(days):
        day = program.starts_on + timedelta(days=offset)
        for number in range(1, course.sessions_per_day + 1):
            if rng.random() >= course.done_share * course.days_per_week / 7:
                continue
            pain = None
            if rng.random() < 0.6:
                first, last = course.second
                felt = 10 * (first + (last - first) * offset / max(days - 1, 1))
                pain = min(max(round(felt) + rng.randint(-1, 1), 0), 10)
            sessions.append(
                ProgramSession(
                    program=program,
                    day=day,
                    number=number,
                    pain=pain,
                    done_at=world.at(day, 7 + 11 * (number - 1), rng.randint(0, 59)),
                    recorded_by_id=patient.user_id,
                )
            )
    return sessions


# --- For the welcome ---------------------------------------------------------------------

TREND_WORDS = {
    Verdict.IMPROVED: "Improving",
    Verdict.NO_CLEAR_CHANGE: "On a plateau",
    Verdict.WORSENED: "Worsening",
}


def followed_charts(*, practitioner: Practitioner) -> list[tuple[str, Patient]]:
    """(what, patient) for each of her plans, as demo_welcome lists their charts: the
    trend of the plan's main measure (its first goal's), "Discharged", or "Signs in"
    for the patient who follows their program in the portal."""
    rows = []
    plans = TreatmentPlan.objects.filter(practitioner=practitioner).select_related("patient")
    for plan in plans.order_by("pk"):
        main = PlanGoal.objects.filter(plan=plan, position=1).values_list("instrument", flat=True)
        instrument = Instrument(main.get())
        points = measure_series(patient_id=plan.patient_id).get(instrument, [])
        if plan.status == PlanStatus.DISCHARGED:
            what = "Discharged"
        elif plan.patient.user_id is not None:
            what = "Signs in (exercises)"
        elif len(points) > 1 and points[0].score is not None and points[-1].score is not None:
            verdict = judge_change(
                instrument, baseline=points[0].score, follow_up=points[-1].score
            ).verdict
            short = "QuickDASH" if instrument is Instrument.QUICKDASH else instrument.upper()
            what = f"{TREND_WORDS[verdict]} ({short})"
        else:
            continue
        rows.append((what, plan.patient))
    return rows
