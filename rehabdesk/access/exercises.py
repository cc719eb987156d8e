"""Home exercise programs through the access policy (docs/permissions.md).

A program is clinical: practitioners in the patient's care read it (VIEW_CLINICAL) and
prescribe, change or stop it (CHANGE_CLINICAL); the patient and the guardian who
manages their bookings follow it (FOLLOW_PROGRAM: see it, tick sessions off, set the
reminder). The desk and managers do neither. Every look is audited here, every change
by exercises.services; a refusal raises AccessDenied (a 404, put on file by
access.middleware).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rehabdesk.access.accessors import User, patient_for
from rehabdesk.access.chart import Chart
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.exercises.models import Program, ProgramSession
from rehabdesk.exercises.selectors import (
    Adherence,
    Today,
    adherence_of,
    patient_zone,
    program_by_id,
    programs_for_patient,
    programs_in_force,
    programs_today,
    session_by_id,
)
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patients_by_ids

PROGRAM = "exercises.program"
PATIENT = "patients.patient"


@dataclass(frozen=True)
class ProgramSeen:
    """A program with its adherence over the last 7 and 28 days."""

    program: Program
    adherence: Adherence


@dataclass(frozen=True)
class PatientPrograms:
    """A patient's programs as practitioners see them: those in force first."""

    patient: Patient
    programs: list[ProgramSeen]
    # The patient's today (their usual location's zone); None with no program to judge.
    today: date | None = None

    @property
    def in_force(self) -> list[ProgramSeen]:
        return [seen for seen in self.programs if seen.program.stopped_at is None]

    @property
    def stopped(self) -> list[ProgramSeen]:
        return [seen for seen in self.programs if seen.program.stopped_at is not None]


def _seen(patient: Patient, now: datetime) -> PatientPrograms:
    """One query for a patient with no program; with any number: the programs, their
    exercises, the zone (one or two) and the adherence of all, four or five."""
    programs = programs_for_patient(patient_id=patient.pk)
    if not programs:
        return PatientPrograms(patient=patient, programs=[])
    zone = patient_zone(patient_id=patient.pk)
    today = now.astimezone(zone).date()
    figures = adherence_of(programs=programs, today=today, zone=zone)
    return PatientPrograms(
        patient=patient,
        today=today,
        programs=[ProgramSeen(program=p, adherence=figures[p.pk]) for p in programs],
    )


def programs_for(*, user: User, patient_id: int, now: datetime) -> PatientPrograms:
    """The patient's programs with their adherence, for a practitioner in their care;
    one audit event for the list."""
    patient = patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.VIEW_CLINICAL,
        summary="home exercise programs",
        view=False,
        family=False,
    )
    seen = _seen(patient, now)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=PROGRAM,
        patient_ids=[patient.pk],
        summary=f"home exercise programs ({len(seen.programs)})",
    )
    return seen


def programs_on_chart(*, chart: Chart, now: datetime) -> PatientPrograms:
    """The programs the chart shows: the chart was authorized (VIEW_CLINICAL) and put
    on file as one event by access.chart.chart_for, which covers what it shows."""
    return _seen(chart.patient, now)


def patient_for_program(*, user: User, patient_id: int, view: bool = True) -> Patient:
    """The patient a program is prescribed for, if `user` may change their clinical
    record (a practitioner in their care); the look audited when `view`."""
    return patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.CHANGE_CLINICAL,
        summary="patient for a home exercise program",
        view=view,
        family=False,
    )


def program_for(
    *,
    user: User,
    program_id: int,
    actions: tuple[Action, ...],
    patient_id: int | None = None,
    view: bool = True,
) -> Program:
    """A program, if `user` may do one of `actions` to its patient's record (and, when
    given, it is `patient_id`'s); the look audited when `view`."""
    program = program_by_id(program_id=program_id)
    if program is None or (patient_id is not None and program.patient_id != patient_id):
        raise AccessDenied(
            object_type=PROGRAM,
            object_id=str(program_id),
            summary="home exercise program",
            found=False,
        )
    person = person_for(user)
    if not any(may(person, action, program.patient_id) for action in actions):
        raise AccessDenied(
            object_type=PROGRAM,
            object_id=str(program.pk),
            patient_ids=[program.patient_id],
            summary="home exercise program",
        )
    if view:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=PROGRAM,
            object_id=str(program.pk),
            patient_ids=[program.patient_id],
            summary="home exercise program",
        )
    return program


def handout_for(*, user: User, program_id: int) -> Program:
    """A program's printable handout: for the patient and their guardian, and for the
    practitioners in the patient's care."""
    return program_for(
        user=user,
        program_id=program_id,
        actions=(Action.FOLLOW_PROGRAM, Action.VIEW_CLINICAL),
    )


def followed_program_for(*, user: User, program_id: int) -> Program:
    """A program its patient (or guardian) is about to tick or set a reminder for; the
    change is audited by the service."""
    return program_for(
        user=user, program_id=program_id, actions=(Action.FOLLOW_PROGRAM,), view=False
    )


def followed_session_for(*, user: User, program_id: int, session_id: int) -> ProgramSession:
    """A ticked session of a program `user` follows, for undoing."""
    program = followed_program_for(user=user, program_id=program_id)
    session = session_by_id(program=program, session_id=session_id)
    if session is None:
        raise AccessDenied(
            object_type="exercises.programsession",
            object_id=str(session_id),
            patient_ids=[program.patient_id],
            summary="home exercise session",
            found=False,
        )
    session.program = program
    return session


@dataclass(frozen=True)
class PersonToday:
    """One person of the signed-in family: their programs in force and today's sessions."""

    patient: Patient
    today: date
    days: list[Today]


def my_programs_for(*, user: User, now: datetime) -> list[PersonToday]:
    """The programs the signed-in patient follows, theirs and each dependent's whose
    bookings they manage, with today's sessions in each one's zone; one audit event
    linking everyone whose program is shown."""
    person = person_for(user)
    ids = sorted(
        pid for pid in person.managed_patient_ids if may(person, Action.FOLLOW_PROGRAM, pid)
    )
    if person.patient_id in ids:  # one's own first
        ids.remove(person.patient_id)
        ids.insert(0, person.patient_id)
    patients = {p.pk: p for p in patients_by_ids(ids=ids, active_only=True)}
    people = []
    for pid in ids:
        if pid not in patients:
            continue
        today = now.astimezone(patient_zone(patient_id=pid)).date()
        programs = programs_in_force(patient_ids=[pid], today=today)
        if not programs:
            continue
        days = programs_today(programs=programs, today=today)
        people.append(
            PersonToday(patient=patients[pid], today=today, days=[days[p.pk] for p in programs])
        )
    if people:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=PROGRAM,
            patient_ids=[p.patient.pk for p in people],
            summary="home exercise programs (portal)",
        )
    return people
