"""Test support for home exercise programs: a program prescribed through the services
by the personas' physiotherapist (patient A is in her care), and the child put in her
care so the guardian has a program to follow too. `personas` is rehabdesk.testing's cast
(typed loosely: a domain app imports nothing of the test support above it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from rehabdesk.exercises.models import Exercise, Program, ProgramSession
from rehabdesk.exercises.services import ItemInput, program_prescribe, reminder_set, session_tick
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import care_assignment_add

DEFAULT_CODES = ("hip-bridge", "knee-quad-set")


def items_of(codes: Sequence[str] = DEFAULT_CODES) -> list[ItemInput]:
    """Each exercise at the library's default dosage."""
    by_code = {e.code: e for e in Exercise.objects.filter(code__in=codes)}
    return [
        ItemInput(
            exercise=by_code[code],
            sets=by_code[code].default_sets,
            reps=by_code[code].default_reps,
            hold_seconds=by_code[code].default_hold_seconds,
        )
        for code in codes
    ]


def program_build(
    personas: Any,
    *,
    now: datetime,
    patient: Patient | None = None,
    codes: Sequence[str] = DEFAULT_CODES,
    sessions_per_day: int = 2,
    days_per_week: int = 7,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reminder_at: time | None = None,
) -> Program:
    """A program from the physio for `patient` (patient A unless told), starting on the
    local day of `now`, with `reminder_at` set by the patient's own account (for a
    child: the guardian's)."""
    patient = patient or personas.patient_a
    if patient.pk == personas.child.pk:
        child_in_care(personas)
    program = program_prescribe(
        patient=patient,
        items=items_of(codes),
        sessions_per_day=sessions_per_day,
        days_per_week=days_per_week,
        starts_on=starts_on or now.astimezone(personas.pickering.zone).date(),
        ends_on=ends_on,
        user=personas.physio.user,
        now=now,
    )
    if reminder_at is not None:
        follower = personas.guardian if patient.pk == personas.child.pk else patient
        reminder_set(program=program, at=reminder_at, user=follower.user, now=now)
    return program


def child_in_care(personas: Any) -> None:
    care_assignment_add(
        actor=personas.front_desk,
        patient=personas.child,
        practitioner=personas.physio,
        reason="Sports injury",
    )


def sessions_done(
    program: Program, *, by: Patient, days: Sequence[date], now: datetime, per_day: int = 1
) -> list[ProgramSession]:
    """Tick `per_day` sessions on each of `days` (each up to a week before `now`)."""
    return [
        session_tick(program=program, day=day, number=n, pain=None, user=by.user, now=now)
        for day in days
        for n in range(1, per_day + 1)
    ]


def days_back(today: date, count: int) -> list[date]:
    return [today - timedelta(days=n) for n in range(count)]
