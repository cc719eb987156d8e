"""Proposing a plan's booking: nothing is written (docs/algorithms/treatment-plans.md,
"Proposing").

For each course not booked yet:

1. Its weekly pattern: the patient's usual times with the course's practitioner at the
   course's location (the most frequent weekday and wall-clock time of their past visits,
   then the next most frequent on another weekday, up to the course's visits a week),
   each kept only when it is free on at least half of the course's dates (MOSTLY_FREE);
   completed by the practitioner's first free times in the first week (each day's first
   that is free on most of the course's dates), on weekdays spread apart.
2. Its visits: the pattern's times in each of its weeks, counted from its first day
   (the plan's start, or today once that has passed) — rolling weeks, so a plan that
   starts on a Wednesday still gets its visits each week; with `every_weeks` > 1, only
   every so many weeks. Each is the instant the location's wall clock shows the time
   that day (across a clock change too, as series do).
3. Each visit is free when the availability engine offers exactly that start with the
   practitioner at the course's location, the patient has no other booking then, and
   no earlier-placed visit of the plan is in the way. The rest get the nearest free time
   with the same practitioner within three days either way (at their other locations
   too when `both_locations`), never before the course's first day, on a day with no
   other visit of the course, ties going to the course's location.

One availability search per course reads the whole span (two queries), one query reads
the patient's bookings and one their history: a fixed number however many visits.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rehabdesk.availability import find_slots, wall_clock_instant
from rehabdesk.availability.types import Query, Slot
from rehabdesk.clinic.calendar_configuration import CalendarConfiguration, calendar_configuration
from rehabdesk.clinic.models import Location
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.models import PlanCourse, TreatmentPlan
from rehabdesk.plans.proposal import CourseProposal, Proposal, ProposedVisit, WhyNotFree
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services.series import NEAREST_WITHIN

WEEK = timedelta(days=7)
SECOND = timedelta(seconds=1)
# Visits whose times make the patient's usual times.
USUAL_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED)
# How many of their latest visits with the practitioner say what is usual.
USUAL_LOOKS_AT = 50
# A weekly time is taken for the pattern when free on at least this share of the
# course's dates: a usual time taken most weeks would scatter the visits.
MOSTLY_FREE = 0.5


def plan_booking_propose(*, plan: TreatmentPlan, both_locations: bool, now: datetime) -> Proposal:
    """The plan's booking as it would be made now (Proposal): nothing is written."""
    fresh = TreatmentPlan.objects.get(pk=plan.pk)
    if fresh.status == PlanStatus.DISCHARGED:
        raise PlanError(PlanErrorCode.DISCHARGED, "This plan is discharged: nothing to book.")
    courses = list(
        PlanCourse.objects.filter(plan_id=plan.pk).select_related(
            "service", "practitioner", "location"
        )
    )
    booked = set(
        PlanCourse.series.through.objects.filter(plancourse__plan_id=plan.pk).values_list(
            "plancourse_id", flat=True
        )
    )
    open_courses = [course for course in courses if course.pk not in booked]
    configuration = calendar_configuration()
    drafts = [
        _Draft.start(course, fresh.starts_on, both_locations, configuration, now)
        for course in open_courses
    ]
    if drafts:
        _propose(fresh.patient_id, drafts, configuration, now)
    return Proposal(
        plan_id=fresh.pk,
        revision=fresh.revision,
        both_locations=both_locations,
        made_at=now,
        courses=tuple(draft.proposal() for draft in drafts),
        booked_course_ids=tuple(sorted(booked)),
        location_names=dict(
            Location.objects.filter(
                pk__in={i for draft in drafts for i in draft.location_ids}
            ).values_list("pk", "name")
        ),
    )


@dataclass
class _Busy:
    """A time taken: by one of the patient's bookings, or by a visit of the plan placed
    in the proposal (not yet in the calendar the engine reads)."""

    start: datetime
    end: datetime
    busy_until: datetime
    practitioner_id: int
    resource_ids: tuple[int, ...] = ()

    def blocks(self, slot: Slot) -> bool:
        """The patient cannot be in two visits at once; a placed visit also keeps its
        practitioner and rooms until its buffer is over (the engine already knows the
        bookings that are in the calendar)."""
        if slot.start < self.end and self.start < slot.end:
            return True
        shares = slot.practitioner_id == self.practitioner_id or set(slot.resource_ids) & set(
            self.resource_ids
        )
        return bool(shares) and slot.start < self.busy_until and self.start < slot.busy_until


@dataclass
class _Draft:
    """A course's proposal while it is being made."""

    course: PlanCourse
    zone: ZoneInfo
    first_day: date
    location_ids: list[int]
    query: Query
    slots: list[Slot] = field(default_factory=list)
    starts: list[datetime] = field(default_factory=list)
    pattern: list[tuple[int, time]] = field(default_factory=list)
    usual: bool = False
    # number -> (wanted, chosen slot or None, why)
    visits: dict[int, tuple[datetime, Slot | None, str]] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        course: PlanCourse,
        starts_on: date,
        both_locations: bool,
        configuration: CalendarConfiguration,
        now: datetime,
    ) -> _Draft:
        zone = course.location.zone
        first_day = max(starts_on, now.astimezone(zone).date())
        home = course.location_id
        others = sorted(
            {
                shift.location_id
                for person, shift in configuration.shifts
                if person == course.practitioner_id
                and shift.location_id != home
                and configuration.locations[shift.location_id].active
            }
        )
        location_ids = [home, *others] if both_locations else [home]
        last_day = first_day + WEEK * course.weeks
        query = build_query(
            service_id=course.service_id,
            location_ids=location_ids,
            practitioner_ids=[course.practitioner_id],
            start=max(_midnight(first_day, zone) - NEAREST_WITHIN, now),
            end=_midnight(last_day, zone) + NEAREST_WITHIN,
            now=now,
            channel=Channel.STAFF,
            lean=True,
            configuration=configuration,
        )
        draft = cls(course, zone, first_day, location_ids, query)
        draft.slots = list(find_slots(query).slots)
        draft.starts = [slot.start for slot in draft.slots]
        return draft

    def home_slots(self) -> dict[datetime, Slot]:
        home = self.course.location_id
        return {slot.start: slot for slot in self.slots if slot.location_id == home}

    def days_on(self, weekday: int) -> list[date]:
        """The weekday's date in each of the course's on-weeks."""
        offset = timedelta(days=(weekday - self.first_day.weekday()) % 7)
        return [
            self.first_day + WEEK * week + offset
            for week in range(0, self.course.weeks, self.course.every_weeks)
        ]

    def wanted_times(self) -> list[datetime]:
        """The pattern's instants over the course's on-weeks (rolling weeks from the
        first day), in order."""
        return sorted(
            wall_clock_instant(day, wall_time, self.zone).astimezone(UTC)
            for weekday, wall_time in self.pattern
            for day in self.days_on(weekday)
        )

    def proposal(self) -> CourseProposal:
        course = self.course
        visits = tuple(
            ProposedVisit(
                course_id=course.pk,
                number=number,
                wanted=wanted,
                start=slot.start if slot else None,
                location_id=slot.location_id if slot else course.location_id,
                why=why,
            )
            for number, (wanted, slot, why) in sorted(self.visits.items())
        )
        return CourseProposal(
            course_id=course.pk,
            practitioner_id=course.practitioner_id,
            practitioner_name=course.practitioner.display_name,
            service_id=course.service_id,
            service_name=course.service.name,
            location_id=course.location_id,
            pattern=tuple(sorted(self.pattern)),
            usual=self.usual,
            first_day=self.first_day,
            visits=visits,
            short=course.planned_visits - len(visits),
        )


def _propose(
    patient_id: int, drafts: list[_Draft], configuration: CalendarConfiguration, now: datetime
) -> None:
    earliest = min(draft.query.start for draft in drafts)
    latest = max(draft.query.end for draft in drafts)
    theirs = [
        _Busy(start, end, start, 0)
        for start, end in Appointment.objects.filter(
            patient_id=patient_id,
            status__in=ACTIVE_STATUSES,
            start__lt=latest,
            end__gt=earliest,
        )
        .exclude(status=AppointmentStatus.PENDING, hold_expires_at__lte=now)
        .values_list("start", "end")
    ]
    history = _history(patient_id, drafts, now)
    placed: list[_Busy] = []
    for draft in drafts:
        usual = history.get((draft.course.practitioner_id, draft.course.location_id), [])
        # The first free times a pattern falls back on keep clear of the plan's visits
        # placed so far, as of the patient's other bookings.
        _pattern(draft, usual, [*theirs, *placed])
        _place_wanted(draft, theirs, placed)
    for draft in drafts:
        _place_alternatives(draft, theirs, placed, now)


def _history(
    patient_id: int, drafts: list[_Draft], now: datetime
) -> dict[tuple[int, int], list[datetime]]:
    """The starts of the patient's latest visits before now with each course's
    practitioner and location, newest first: one query."""
    found: dict[tuple[int, int], list[datetime]] = {}
    rows = (
        Appointment.objects.filter(
            patient_id=patient_id,
            practitioner_id__in={d.course.practitioner_id for d in drafts},
            location_id__in={d.course.location_id for d in drafts},
            status__in=USUAL_STATUSES,
            start__lt=now,
        )
        .order_by("-start")
        .values_list("practitioner_id", "location_id", "start")[: USUAL_LOOKS_AT * len(drafts)]
    )
    for practitioner_id, location_id, start in rows:
        found.setdefault((practitioner_id, location_id), []).append(start)
    return found


def _pattern(draft: _Draft, history: Sequence[datetime], blocked: list[_Busy]) -> None:
    """The usual weekdays and times from the history, those free on at least half of
    the course's dates; completed by first free times."""
    wanted = draft.course.visits
    home = draft.home_slots()
    local = [start.astimezone(draft.zone) for start in history[:USUAL_LOOKS_AT]]
    counts = Counter((moment.weekday(), moment.time()) for moment in local)
    newest: dict[tuple[int, time], datetime] = {}
    for moment in local:
        newest.setdefault((moment.weekday(), moment.time()), moment)
    ordered = sorted(counts, key=lambda key: (-counts[key], -newest[key].timestamp()))
    for weekday, wall_time in ordered:
        if len(draft.pattern) >= wanted:
            break
        if weekday in {day for day, _ in draft.pattern}:
            continue
        if _free_share(draft, weekday, wall_time, home, blocked) >= MOSTLY_FREE:
            draft.pattern.append((weekday, wall_time))
    draft.usual = bool(draft.pattern)
    if len(draft.pattern) < wanted:
        _first_free_times(draft, home, blocked)


def _free_share(
    draft: _Draft, weekday: int, wall_time: time, home: dict[datetime, Slot], blocked: list[_Busy]
) -> float:
    """On how many of the course's dates for this weekday the time is free (0 to 1)."""
    days = draft.days_on(weekday)
    free = 0
    for day in days:
        slot = home.get(wall_clock_instant(day, wall_time, draft.zone).astimezone(UTC))
        if slot is not None and not any(busy.blocks(slot) for busy in blocked):
            free += 1
    return free / len(days) if days else 0.0


def _first_free_times(draft: _Draft, home: dict[datetime, Slot], blocked: list[_Busy]) -> None:
    """For each day of the first week (then of the whole span), its first free time
    that is free on at least half of the course's dates, else its first free time; on
    weekdays at least two days apart where possible (then one)."""
    first_week_start = _midnight(draft.first_day, draft.zone)
    first_week_end = _midnight(draft.first_day + WEEK, draft.zone)
    free: dict[bool, dict[int, list[Slot]]] = {True: {}, False: {}}
    for start in sorted(home):
        slot = home[start]
        if any(busy.blocks(slot) for busy in blocked):
            continue
        in_first_week = first_week_start <= start < first_week_end
        weekday = start.astimezone(draft.zone).weekday()
        free[in_first_week].setdefault(weekday, []).append(slot)
    for in_first_week in (True, False):
        candidates = {
            weekday: _steadiest(draft, weekday, slots, home, blocked)
            for weekday, slots in free[in_first_week].items()
        }
        for apart in (2, 1):
            for weekday in sorted(candidates, key=lambda day: candidates[day].start):
                if len(draft.pattern) >= draft.course.visits:
                    return
                days = [day for day, _ in draft.pattern]
                if all(_days_apart(weekday, day) >= apart for day in days):
                    draft.pattern.append(
                        (weekday, candidates[weekday].start.astimezone(draft.zone).time())
                    )


def _steadiest(
    draft: _Draft, weekday: int, slots: list[Slot], home: dict[datetime, Slot], blocked: list[_Busy]
) -> Slot:
    """A day's first free time that is free on most of the course's dates, else its
    first free time."""
    for slot in slots:
        wall_time = slot.start.astimezone(draft.zone).time()
        if _free_share(draft, weekday, wall_time, home, blocked) >= MOSTLY_FREE:
            return slot
    return slots[0]


def _days_apart(one: int, other: int) -> int:
    gap = abs(one - other) % 7
    return min(gap, 7 - gap)


def _place_wanted(draft: _Draft, theirs: list[_Busy], placed: list[_Busy]) -> None:
    """Each wanted time that is free, placed; the others' reasons noted."""
    home = draft.home_slots()
    for number, wanted in enumerate(draft.wanted_times(), start=1):
        slot = home.get(wanted)
        probe = slot or _probe(draft, wanted)
        if any(busy.blocks(probe) for busy in theirs):
            draft.visits[number] = (wanted, None, WhyNotFree.PATIENT_BUSY)
        elif any(busy.blocks(probe) for busy in placed):
            draft.visits[number] = (wanted, None, WhyNotFree.PLAN_VISIT)
        elif slot is None:
            draft.visits[number] = (wanted, None, _engine_reason(draft, wanted))
        else:
            draft.visits[number] = (wanted, slot, "")
            placed.append(_busy(slot))


def _place_alternatives(
    draft: _Draft, theirs: list[_Busy], placed: list[_Busy], now: datetime
) -> None:
    home = draft.course.location_id
    for number, (wanted, slot, why) in sorted(draft.visits.items()):
        if slot is not None:
            continue
        taken_days = {
            chosen.start.astimezone(draft.zone).date()
            for _, chosen, _ in draft.visits.values()
            if chosen is not None
        }
        # Never before the course's first day (nor now): the plan starts when it says.
        earliest = max(wanted - NEAREST_WITHIN, now, _midnight(draft.first_day, draft.zone))
        low = bisect.bisect_left(draft.starts, earliest)
        high = bisect.bisect_right(draft.starts, wanted + NEAREST_WITHIN)
        candidates = [
            candidate
            for candidate in draft.slots[low:high]
            if candidate.start.astimezone(draft.zone).date() not in taken_days
            and not any(busy.blocks(candidate) for busy in theirs)
            and not any(busy.blocks(candidate) for busy in placed)
        ]
        if not candidates:
            continue
        best = min(
            candidates,
            key=lambda c: (abs(c.start - wanted), c.location_id != home, c.start),
        )
        draft.visits[number] = (wanted, best, why)
        placed.append(_busy(best))


def _probe(draft: _Draft, wanted: datetime) -> Slot:
    """A stand-in slot at the wanted time, to ask who is in its way."""
    facts = draft.query.service
    end = wanted + facts.duration
    return Slot(
        wanted, draft.course.practitioner_id, draft.course.location_id, end, end + facts.buffer
    )


def _engine_reason(draft: _Draft, wanted: datetime) -> str:
    """Why the engine does not offer exactly this start (no query: the facts read for
    the course's span cover it)."""
    result = find_slots(replace(draft.query, start=wanted, end=wanted + SECOND), limit=1)
    if result.slots or result.reason is None:
        return WhyNotFree.NOT_OFFERED
    return WhyNotFree(result.reason.value)


def _busy(slot: Slot) -> _Busy:
    return _Busy(slot.start, slot.end, slot.busy_until, slot.practitioner_id, slot.resource_ids)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return wall_clock_instant(day, time(0), zone).astimezone(UTC)
