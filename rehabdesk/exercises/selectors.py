"""Reads of home exercise programs: the library to choose from, a patient's programs,
today's sessions, and adherence — what share of the prescribed sessions the patient
ticked off in the last 7 and 28 days (docs/domain/home-exercise.md). Each in a fixed
number of queries; pages reach them through rehabdesk.access.exercises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from rehabdesk.clinic.models import Location
from rehabdesk.exercises.choices import BodyRegion
from rehabdesk.exercises.models import Exercise, Program, ProgramExercise, ProgramSession
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

# Visits that say where a patient comes: booked or held, never a hold or a cancellation.
VISITS = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)
WINDOWS = (7, 28)
LIBRARY_SEARCH_MAX = 100


# --- Where the patient's day is told ------------------------------------------------


def usual_zone_name(patient_field: str = "patient_id") -> Subquery:
    """The time zone of the patient's usual location — where their latest visit (past
    or booked) is — as a subquery on `patient_field`; NULL when they have none."""
    latest = Appointment.objects.filter(
        patient_id=OuterRef(patient_field), status__in=VISITS
    ).order_by("-start", "-pk")
    return Subquery(latest.values("location__time_zone")[:1])


def clinic_zone() -> ZoneInfo:
    """The zone of the clinic's first active location (by name), else the server's."""
    first = Location.objects.filter(active=True).order_by("clinic_id", "name", "pk").first()
    return first.zone if first else ZoneInfo(str(timezone.get_default_timezone()))


def zone_of(name: str | None) -> ZoneInfo:
    return ZoneInfo(name) if name else clinic_zone()


def patient_zone(*, patient_id: int) -> ZoneInfo:
    """Where the patient's day is told: their usual location's zone, else the clinic's
    first location's. One query (two without a visit)."""
    latest = (
        Appointment.objects.filter(patient_id=patient_id, status__in=VISITS)
        .order_by("-start", "-pk")
        .values_list("location__time_zone", flat=True)
        .first()
    )
    return zone_of(latest)


def today_for(*, patient_id: int, now: datetime) -> date:
    return now.astimezone(patient_zone(patient_id=patient_id)).date()


# --- The library ---------------------------------------------------------------------


def exercise_library(*, region: str = "", text: str = "") -> list[Exercise]:
    """Active exercises of the library, by region and name, narrowed to a region
    and/or to names, codes or instructions containing `text`."""
    found = Exercise.objects.filter(active=True)
    if region in BodyRegion.values:
        found = found.filter(body_region=region)
    for word in text.split()[:5]:
        found = found.filter(
            Q(name__icontains=word) | Q(code__icontains=word) | Q(instructions__icontains=word)
        )
    return list(found.order_by("body_region", "name")[:LIBRARY_SEARCH_MAX])


def exercises_by_ids(*, ids: Iterable[int]) -> dict[int, Exercise]:
    """The exercises of these ids, active or not (a program may hold a retired one)."""
    return {e.pk: e for e in Exercise.objects.filter(pk__in=list(ids))}


# --- Programs ------------------------------------------------------------------------


def _current_items() -> Prefetch:
    return Prefetch(
        "items",
        queryset=ProgramExercise.objects.filter(removed_at__isnull=True)
        .select_related("exercise")
        .order_by("position"),
        to_attr="current_items",
    )


def _programs() -> QuerySet[Program]:
    return Program.objects.select_related("patient", "practitioner").prefetch_related(
        _current_items()
    )


def program_by_id(*, program_id: int) -> Program | None:
    """One program with its patient, practitioner and current exercises, or None."""
    return _programs().filter(pk=program_id).first()


def programs_for_patient(*, patient_id: int) -> list[Program]:
    """The patient's programs, those in force first, each newest first, with their
    current exercises (three queries)."""
    programs = list(_programs().filter(patient_id=patient_id).order_by("-starts_on", "-pk"))
    return sorted(programs, key=lambda p: p.stopped_at is not None)


def programs_in_force(*, patient_ids: Sequence[int], today: date) -> list[Program]:
    """The programs the patients follow today: not stopped, started, not ended."""
    return list(
        _programs()
        .filter(patient_id__in=list(patient_ids), stopped_at__isnull=True, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("patient_id", "-starts_on", "-pk")
    )


def session_by_id(*, program: Program, session_id: int) -> ProgramSession | None:
    return ProgramSession.objects.filter(program=program, pk=session_id).first()


# --- Today ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One of the day's sessions: its number, and the tick when it is done."""

    number: int
    done: ProgramSession | None


@dataclass(frozen=True)
class Today:
    program: Program
    day: date
    slots: list[Slot]

    @property
    def done_count(self) -> int:
        return sum(1 for slot in self.slots if slot.done)

    @property
    def next_number(self) -> int | None:
        return next((slot.number for slot in self.slots if slot.done is None), None)


def program_today(*, program: Program, today: date) -> Today:
    """The day's sessions of the program, each done (with its tick) or not (one query)."""
    return programs_today(programs=[program], today=today)[program.pk]


def programs_today(*, programs: Sequence[Program], today: date) -> dict[int, Today]:
    ticks = ProgramSession.objects.filter(
        program__in=[p.pk for p in programs], day=today, undone_at__isnull=True
    )
    by_program: dict[tuple[int, int], ProgramSession] = {
        (tick.program_id, tick.number): tick for tick in ticks
    }
    return {
        program.pk: Today(
            program=program,
            day=today,
            slots=[
                Slot(number=n, done=by_program.get((program.pk, n)))
                for n in range(1, program.sessions_per_day + 1)
            ],
        )
        for program in programs
    }


# --- Adherence -----------------------------------------------------------------------


def _half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2))


@dataclass(frozen=True)
class Window:
    """The last `length` days: how many of them the program ran, the sessions done in
    them and those prescribed (sessions a day × days a week, prorated to those days)."""

    length: int
    days: int
    done: int
    prescribed: Fraction

    @property
    def percent(self) -> int | None:
        """Done over prescribed, rounded half up, at most 100; None with none prescribed."""
        if self.prescribed <= 0:
            return None
        return min(100, _half_up(self.done * 100 / self.prescribed))

    @property
    def prescribed_shown(self) -> int:
        return _half_up(self.prescribed)


@dataclass(frozen=True)
class Adherence:
    last_7: Window
    last_28: Window


def window_span(
    *, length: int, starts_on: date, last_day: date | None, today: date
) -> tuple[date, date] | None:
    """The days of the last `length` days (today included) the program ran: from its
    start, until today, its end or the day it was stopped; None when none."""
    first = max(today - timedelta(days=length - 1), starts_on)
    last = min(today, last_day) if last_day else today
    return (first, last) if first <= last else None


def window_figures(
    *,
    length: int,
    sessions_per_day: int,
    days_per_week: int,
    starts_on: date,
    last_day: date | None,
    today: date,
    done: int,
) -> Window:
    """The arithmetic of one window (pure: the table-driven tests check it)."""
    span = window_span(length=length, starts_on=starts_on, last_day=last_day, today=today)
    days = (span[1] - span[0]).days + 1 if span else 0
    prescribed = Fraction(sessions_per_day * days_per_week * days, 7)
    return Window(length=length, days=days, done=done if days else 0, prescribed=prescribed)


def last_day_of(program: Program, zone: ZoneInfo) -> date | None:
    """The program's last day: its end date, or the local day it was stopped."""
    stopped = program.stopped_at.astimezone(zone).date() if program.stopped_at else None
    ends = [d for d in (program.ends_on, stopped) if d is not None]
    return min(ends) if ends else None


def adherence(*, program: Program, today: date, zone: ZoneInfo | None = None) -> Adherence:
    """Done / prescribed sessions and their percent for the last 7 and 28 days."""
    zone = zone or patient_zone(patient_id=program.patient_id)
    return adherence_of(programs=[program], today=today, zone=zone)[program.pk]


def adherence_of(
    *, programs: Sequence[Program], today: date, zone: ZoneInfo
) -> dict[int, Adherence]:
    """Adherence of several programs of one patient (one query for all)."""
    spans = {
        (p.pk, length): window_span(
            length=length, starts_on=p.starts_on, last_day=last_day_of(p, zone), today=today
        )
        for p in programs
        for length in WINDOWS
    }
    counts: dict[str, Count] = {}
    for (pk, length), span in spans.items():
        if span:
            counts[f"w{pk}_{length}"] = Count(
                "pk", filter=Q(program_id=pk, day__gte=span[0], day__lte=span[1])
            )
    done: dict[str, int] = {}
    if counts:
        done = ProgramSession.objects.filter(
            program__in=[p.pk for p in programs], undone_at__isnull=True
        ).aggregate(**counts)
    figures = {}
    for program in programs:
        windows = [
            window_figures(
                length=length,
                sessions_per_day=program.sessions_per_day,
                days_per_week=program.days_per_week,
                starts_on=program.starts_on,
                last_day=last_day_of(program, zone),
                today=today,
                done=done.get(f"w{program.pk}_{length}") or 0,
            )
            for length in WINDOWS
        ]
        figures[program.pk] = Adherence(last_7=windows[0], last_28=windows[1])
    return figures


# --- Reminders -----------------------------------------------------------------------


def reminders_candidates(*, latest_local_day: date) -> list[Program]:
    """Programs with a reminder that may be due somewhere on Earth now: in force, not
    reminded on `latest_local_day` (the latest local date anywhere) yet, each with its
    patient and its zone's name (`zone_name`; None: the clinic's). One query."""
    return list(
        Program.objects.filter(
            reminder_at__isnull=False,
            stopped_at__isnull=True,
            starts_on__lte=latest_local_day,
            patient__active=True,
        )
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=latest_local_day))
        .select_related("patient")
        .annotate(zone_name=usual_zone_name())
        .order_by("pk")
    )
