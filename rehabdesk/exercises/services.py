"""Writes of home exercise programs: a practitioner prescribes, changes and stops a
patient's program; the patient (or their guardian) ticks sessions off, undoes a tick
the same day, and sets a daily reminder. Each function owns its transaction and puts
what it did on the audit trail (the kind of change, never the program's content).
The daily reminders themselves are reminders.py's. docs/domain/home-exercise.md
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Practitioner
from rehabdesk.exercises.errors import ExerciseError, ExerciseErrorCode
from rehabdesk.exercises.models import Exercise, Program, ProgramExercise, ProgramSession
from rehabdesk.exercises.selectors import patient_zone
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import managed_patient_ids
from rehabdesk.scheduling.care import cares_for

Actor = AbstractBaseUser | AnonymousUser | None
PROGRAM = "exercises.program"
SESSION = "exercises.programsession"

# Dosage bounds (the models' validators say the same, the database keeps the sizes).
SETS = (1, 10)
REPS = (1, 100)
HOLD_SECONDS = (1, 600)
SESSIONS_PER_DAY = (1, 4)
DAYS_PER_WEEK = (1, 7)
ITEMS_MAX = 20
ITEM_NOTES_MAX = 300
NOTES_MAX = 2000
REASON_MAX = 300
# The longest a program runs with an end date; the furthest ahead it may start.
LONGEST = timedelta(days=366)
# A session forgotten can be ticked for up to this many days back, never ahead.
LATE_TICK_DAYS = 7


@dataclass(frozen=True)
class ItemInput:
    """One exercise of a prescription with its dosage (reps, hold or both)."""

    exercise: Exercise
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None
    notes: str = ""


def program_prescribe(
    *,
    patient: Patient,
    items: Sequence[ItemInput],
    sessions_per_day: int,
    days_per_week: int,
    starts_on: date,
    ends_on: date | None = None,
    notes: str = "",
    user: Actor,
    now: datetime,
) -> Program:
    """A new program for `patient` from the practitioner signed in as `user`, who must
    have the patient in their care; every exercise active, each dosed within bounds."""
    practitioner = _practitioner(user)
    today = now.astimezone(patient_zone(patient_id=patient.pk)).date()
    _check_program(sessions_per_day, days_per_week, starts_on, ends_on, notes, today)
    _check_items(items)
    with transaction.atomic():
        _in_care(practitioner, patient.pk)
        _check_active(items)
        program = Program.objects.create(
            patient=patient,
            practitioner=practitioner,
            starts_on=starts_on,
            ends_on=ends_on,
            sessions_per_day=sessions_per_day,
            days_per_week=days_per_week,
            notes=notes.strip(),
            created_by_id=practitioner.user_id,
            created_at=now,
            updated_at=now,
        )
        _write_items(program, items)
        _audit(user, AuditAction.CREATE, program, "home exercise program prescribed", now)
    return program


def program_change(
    *,
    program: Program,
    items: Sequence[ItemInput],
    sessions_per_day: int,
    days_per_week: int,
    ends_on: date | None = None,
    notes: str = "",
    revision: int,
    user: Actor,
    now: datetime,
) -> Program:
    """Change a program in force: its exercises and dosage, frequency, end and notes.
    `revision` is the one the page showed (STALE_PROGRAM when changed meanwhile). The
    past sessions stay; the exercises prescribed before stay on file, closed."""
    practitioner = _practitioner(user)
    today = now.astimezone(patient_zone(patient_id=program.patient_id)).date()
    _check_program(sessions_per_day, days_per_week, program.starts_on, ends_on, notes, None)
    if ends_on is not None and ends_on < today:
        raise _invalid("The end date has passed: stop the program instead.", "ends_on")
    _check_items(items)
    with transaction.atomic():
        _in_care(practitioner, program.patient_id)
        locked = _locked(program)
        if locked.revision != revision:
            raise ExerciseError(
                ExerciseErrorCode.STALE_PROGRAM,
                "This program was changed meanwhile (another window?): reload it first.",
            )
        _check_active(items, allowed={i.exercise_id for i in _items_of(locked)})
        Program.objects.filter(pk=locked.pk).update(
            sessions_per_day=sessions_per_day,
            days_per_week=days_per_week,
            ends_on=ends_on,
            notes=notes.strip(),
            revision=revision + 1,
            updated_at=now,
        )
        ProgramExercise.objects.filter(program=locked, removed_at__isnull=True).update(
            removed_at=now
        )
        _write_items(locked, items)
        _audit(user, AuditAction.CHANGE, locked, "home exercise program changed", now)
    program.refresh_from_db()
    return program


def program_stop(*, program: Program, reason: str = "", user: Actor, now: datetime) -> Program:
    """Stop a program: no more sessions, no more reminders; its history stays."""
    practitioner = _practitioner(user)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise _invalid(f"Keep the reason within {REASON_MAX} characters.", "reason")
    with transaction.atomic():
        _in_care(practitioner, program.patient_id)
        locked = _locked(program)
        Program.objects.filter(pk=locked.pk).update(
            stopped_at=now, stop_reason=reason, revision=locked.revision + 1, updated_at=now
        )
        _audit(user, AuditAction.CHANGE, locked, "home exercise program stopped", now)
    program.refresh_from_db()
    return program


def session_tick(
    *, program: Program, day: date, number: int, pain: int | None, user: Actor, now: datetime
) -> ProgramSession:
    """The patient (or their guardian) ticks session `number` of `day` off, with an
    optional pain score 0-10. `day` is today in the patient's zone, or a day of the
    last week forgotten — never a day not yet come. A session ticked already, even by
    a tick racing this one, is refused with SESSION_DONE."""
    _follower(user, program)
    if pain is not None and not 0 <= pain <= 10:
        raise _invalid("A pain score is from 0 (none) to 10 (the worst imaginable).", "pain")
    today = now.astimezone(patient_zone(patient_id=program.patient_id)).date()
    if day > today:
        raise ExerciseError(ExerciseErrorCode.NOT_TODAY, "That day has not come yet.", field="day")
    if day < today - timedelta(days=LATE_TICK_DAYS) or day < program.starts_on:
        raise _invalid("Only the days of this program's last week can be ticked.", "day")
    with transaction.atomic():
        locked = _locked(program)
        if locked.ends_on is not None and day > locked.ends_on:
            raise _invalid("The program had ended by that day.", "day")
        if not 1 <= number <= locked.sessions_per_day:
            raise _invalid(
                f"This program has {locked.sessions_per_day} session(s) a day.", "number"
            )
        if ProgramSession.objects.filter(
            program=locked, day=day, number=number, undone_at__isnull=True
        ).exists():
            raise _done()
        try:
            with transaction.atomic():
                session = ProgramSession.objects.create(
                    program=locked,
                    day=day,
                    number=number,
                    pain=pain,
                    done_at=now,
                    recorded_by_id=user.pk if user is not None else None,
                )
        except IntegrityError:
            # Ticked meanwhile (another tab, a double tap): the constraint held.
            raise _done() from None
        _audit(user, AuditAction.CREATE, locked, "home exercise session ticked", now)
    return session


def session_undo(*, session: ProgramSession, user: Actor, now: datetime) -> ProgramSession:
    """Undo a tick made by mistake, the same day only; the row stays, marked undone."""
    program = session.program
    _follower(user, program)
    today = now.astimezone(patient_zone(patient_id=program.patient_id)).date()
    if session.day != today:
        raise ExerciseError(
            ExerciseErrorCode.NOT_TODAY, "Only today's sessions can be undone.", field="day"
        )
    with transaction.atomic():
        undone = ProgramSession.objects.filter(pk=session.pk, undone_at__isnull=True).update(
            undone_at=now
        )
        if not undone:
            raise _invalid("This session was undone already.", "session")
        _audit(user, AuditAction.CHANGE, program, "home exercise session undone", now)
    session.undone_at = now
    return session


def reminder_set(*, program: Program, at: time | None, user: Actor, now: datetime) -> Program:
    """The patient's daily reminder at `at` (local time, to the minute), or off (None).
    Set later than it is today, it starts tomorrow: no reminder goes at once."""
    _follower(user, program)
    if at is not None:
        if at.tzinfo is not None:
            raise _invalid("A reminder is a local time of day.", "at")
        at = at.replace(second=0, microsecond=0)
    local = now.astimezone(patient_zone(patient_id=program.patient_id))
    with transaction.atomic():
        locked = _locked(program)
        values: dict[str, object] = {"reminder_at": at, "updated_at": now}
        if at is not None and at <= local.time().replace(tzinfo=None):
            values["reminded_on"] = local.date()
        Program.objects.filter(pk=locked.pk).update(**values)
        summary = "home exercise reminder " + ("set" if at else "turned off")
        _audit(user, AuditAction.CHANGE, locked, summary, now)
    program.refresh_from_db()
    return program


def exercise_save(*, exercise: Exercise, now: datetime) -> Exercise:
    """Add or change an exercise of the library (a manager, in the admin): checked
    whole, then saved. Never deleted — deactivated (`active`), since programs point at
    it; a retired exercise is no longer offered, programs that have it keep it."""
    exercise_check(exercise=exercise)
    exercise.updated_at = now
    if exercise.pk is None:
        exercise.created_at = now
    with transaction.atomic():
        exercise.save()
    return exercise


def exercise_check(*, exercise: Exercise) -> None:
    """The library's rules for one exercise: instructions to follow, default dosage
    within a prescription's bounds, reps or a hold."""
    if not exercise.instructions.strip():
        raise _invalid("Write the instructions the patient follows.", "instructions")
    _within(exercise.default_sets, SETS, "default_sets", "Sets")
    if exercise.default_reps is None and exercise.default_hold_seconds is None:
        raise _invalid("Give default repetitions, a hold, or both.", "default_reps")
    if exercise.default_reps is not None:
        _within(exercise.default_reps, REPS, "default_reps", "Repetitions")
    if exercise.default_hold_seconds is not None:
        _within(exercise.default_hold_seconds, HOLD_SECONDS, "default_hold_seconds", "Hold")


# --- Checks ---------------------------------------------------------------------------


def _check_program(
    sessions_per_day: int,
    days_per_week: int,
    starts_on: date,
    ends_on: date | None,
    notes: str,
    today: date | None,
) -> None:
    _within(sessions_per_day, SESSIONS_PER_DAY, "sessions_per_day", "Sessions a day")
    _within(days_per_week, DAYS_PER_WEEK, "days_per_week", "Days a week")
    if len(notes) > NOTES_MAX:
        raise _invalid(f"Keep the notes within {NOTES_MAX} characters.", "notes")
    if today is not None and not today <= starts_on <= today + LONGEST:
        raise _invalid("A program starts today or within the coming year.", "starts_on")
    if ends_on is not None and not starts_on <= ends_on <= starts_on + LONGEST:
        raise _invalid("A program ends after it starts, and within a year.", "ends_on")


def _check_items(items: Sequence[ItemInput]) -> None:
    if not items:
        raise ExerciseError(
            ExerciseErrorCode.EMPTY_PROGRAM, "Choose at least one exercise.", field="items"
        )
    if len(items) > ITEMS_MAX:
        raise _invalid(f"A program holds at most {ITEMS_MAX} exercises.", "items")
    for item in items:
        _within(item.sets, SETS, "sets", "Sets")
        if item.reps is None and item.hold_seconds is None:
            raise _invalid(f"Say the repetitions or the hold of “{item.exercise}”.", "reps")
        if item.reps is not None:
            _within(item.reps, REPS, "reps", "Repetitions")
        if item.hold_seconds is not None:
            _within(item.hold_seconds, HOLD_SECONDS, "hold_seconds", "Hold (seconds)")
        if len(item.notes) > ITEM_NOTES_MAX:
            raise _invalid(f"Keep an exercise's notes within {ITEM_NOTES_MAX} characters.", "notes")


def _check_active(items: Sequence[ItemInput], allowed: Collection[int] = ()) -> None:
    """Every exercise still in the library (read again, in the transaction); one the
    program already had may stay after it was retired."""
    ids = {item.exercise.pk for item in items}
    active = set(Exercise.objects.filter(pk__in=ids, active=True).values_list("pk", flat=True))
    retired = ids - active - set(allowed)
    if retired:
        raise ExerciseError(
            ExerciseErrorCode.INACTIVE_EXERCISE,
            "An exercise chosen was retired from the library: choose another.",
            field="items",
        )


def _within(value: int, bounds: tuple[int, int], field: str, label: str) -> None:
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _invalid(f"{label}: from {low} to {high}.", field)


def _write_items(program: Program, items: Sequence[ItemInput]) -> None:
    ProgramExercise.objects.bulk_create(
        ProgramExercise(
            program=program,
            exercise=item.exercise,
            position=position,
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            notes=item.notes.strip(),
        )
        for position, item in enumerate(items, start=1)
    )


def _items_of(program: Program) -> list[ProgramExercise]:
    return list(ProgramExercise.objects.filter(program=program, removed_at__isnull=True))


def _practitioner(user: Actor) -> Practitioner:
    found = (
        Practitioner.objects.filter(user_id=user.pk, active=True).first()
        if user is not None and user.pk is not None
        else None
    )
    if found is None:
        raise ExerciseError(
            ExerciseErrorCode.NOT_IN_CARE, "Only a practitioner prescribes home exercises."
        )
    return found


def _in_care(practitioner: Practitioner, patient_id: int) -> None:
    if not cares_for(practitioner_id=practitioner.pk, patient_id=patient_id):
        raise ExerciseError(
            ExerciseErrorCode.NOT_IN_CARE,
            "This patient is not in your care: only their practitioners prescribe for them.",
        )


def _follower(user: Actor, program: Program) -> None:
    """The patient themselves, or a guardian who manages their bookings."""
    own = (
        Patient.objects.filter(user_id=user.pk, active=True).first()
        if user is not None and user.pk is not None
        else None
    )
    if own is None or program.patient_id not in managed_patient_ids(patient=own):
        raise ExerciseError(
            ExerciseErrorCode.NOT_FOLLOWER,
            "Only the patient, or their guardian, ticks their exercises off.",
        )


def _locked(program: Program) -> Program:
    """The program's row, locked for the rest of the transaction; refused once stopped."""
    locked = Program.objects.select_for_update().filter(pk=program.pk).order_by().first()
    if locked is None:
        raise _invalid("No such program.", "program")
    if locked.stopped_at is not None:
        raise ExerciseError(
            ExerciseErrorCode.PROGRAM_STOPPED, "This program was stopped: it takes no changes."
        )
    return locked


def _audit(user: Actor, action: AuditAction, program: Program, summary: str, now: datetime) -> None:
    audit_record(
        actor=user,
        action=action,
        object_type=PROGRAM,
        object_id=program.pk,
        patient_ids=[program.patient_id],
        summary=summary,
        now=now,
    )


def _invalid(message: str, field: str) -> ExerciseError:
    return ExerciseError(ExerciseErrorCode.INVALID, message, field=field)


def _done() -> ExerciseError:
    return ExerciseError(
        ExerciseErrorCode.SESSION_DONE, "This session is ticked off already.", field="number"
    )


__all__ = [
    "ItemInput",
    "exercise_check",
    "exercise_save",
    "program_change",
    "program_prescribe",
    "program_stop",
    "reminder_set",
    "session_tick",
    "session_undo",
]
