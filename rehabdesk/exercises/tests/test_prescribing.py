"""A practitioner prescribes, changes and stops a home program: only for a patient in
their care, only with exercises the library still offers, each dosed within bounds;
a refused request leaves nothing behind, and every change is on the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.exercises.errors import ExerciseError, ExerciseErrorCode
from rehabdesk.exercises.models import Exercise, Program, ProgramExercise
from rehabdesk.exercises.services import (
    exercise_save,
    program_change,
    program_prescribe,
    program_stop,
    session_tick,
)
from rehabdesk.exercises.testing import items_of, program_build

pytestmark = pytest.mark.django_db


def prescribe(personas, now, **changes):
    values = {
        "patient": personas.patient_a,
        "items": items_of(),
        "sessions_per_day": 2,
        "days_per_week": 5,
        "starts_on": now.date(),
        "user": personas.physio.user,
        "now": now,
    }
    return program_prescribe(**{**values, **changes})


def test_it_prescribes_a_program_with_each_exercise_s_dosage_and_puts_it_on_file(personas, now):
    items = items_of(("hip-bridge", "whole-body-walk"))
    items[0] = replace(items[0], sets=4, reps=12, notes="Slowly")
    program = prescribe(personas, now, items=items, notes="Before lunch")
    rows = list(ProgramExercise.objects.filter(program=program).order_by("position"))
    assert [(r.exercise.code, r.sets, r.reps, r.hold_seconds, r.notes) for r in rows] == [
        ("hip-bridge", 4, 12, 3, "Slowly"),
        ("whole-body-walk", 1, None, 600, ""),
    ]
    assert (program.practitioner, program.sessions_per_day, program.days_per_week) == (
        personas.physio,
        2,
        5,
    )
    assert (program.revision, program.notes, program.stopped_at) == (1, "Before lunch", None)
    event = AuditEvent.objects.get(object_type="exercises.program", action="create")
    assert event.summary == "home exercise program prescribed"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
    assert "bridge" not in event.summary.lower()


BAD_DOSAGES = [
    ("sets", {"sets": 0}),
    ("sets", {"sets": 11}),
    ("reps", {"reps": 0}),
    ("reps", {"reps": 101}),
    ("hold_seconds", {"hold_seconds": 0}),
    ("hold_seconds", {"hold_seconds": 601}),
    ("reps", {"reps": None, "hold_seconds": None}),
    ("notes", {"notes": "x" * 301}),
]


def test_a_dosage_out_of_bounds_is_refused_and_nothing_is_saved(personas, now):
    """Table-driven, one clinic for the whole table (each row a refusal)."""
    for field, change in BAD_DOSAGES:
        items = [*items_of(("knee-quad-set",)), replace(items_of(("hip-bridge",))[0], **change)]
        with pytest.raises(ExerciseError) as refused:
            prescribe(personas, now, items=items)
        assert (refused.value.code, refused.value.field) == (ExerciseErrorCode.INVALID, field)
    assert not Program.objects.exists()
    assert not ProgramExercise.objects.exists()


BAD_PROGRAMS = [
    ("sessions_per_day", {"sessions_per_day": 0}),
    ("sessions_per_day", {"sessions_per_day": 5}),
    ("days_per_week", {"days_per_week": 0}),
    ("days_per_week", {"days_per_week": 8}),
    ("starts_on", {"starts_on_days": -1}),
    ("starts_on", {"starts_on_days": 367}),
    ("ends_on", {"ends_on_days": -1}),
    ("ends_on", {"ends_on_days": 367}),
    ("notes", {"notes": "x" * 2001}),
]


def test_a_frequency_or_date_out_of_bounds_is_refused(personas, now):
    for field, row in BAD_PROGRAMS:
        change = dict(row)
        if "starts_on_days" in change:
            change["starts_on"] = now.date() + timedelta(days=change.pop("starts_on_days"))
        if "ends_on_days" in change:
            change["ends_on"] = now.date() + timedelta(days=change.pop("ends_on_days"))
        with pytest.raises(ExerciseError) as refused:
            prescribe(personas, now, **change)
        assert (refused.value.code, refused.value.field) == (ExerciseErrorCode.INVALID, field)
    assert not Program.objects.exists()
    assert prescribe(personas, now, sessions_per_day=4, days_per_week=7).pk  # the edges pass


def test_a_program_needs_an_exercise_and_holds_at_most_twenty(personas, now):
    with pytest.raises(ExerciseError) as empty:
        prescribe(personas, now, items=[])
    assert empty.value.code == ExerciseErrorCode.EMPTY_PROGRAM
    with pytest.raises(ExerciseError) as many:
        prescribe(personas, now, items=items_of(("hip-bridge",)) * 21)
    assert (many.value.code, many.value.field) == (ExerciseErrorCode.INVALID, "items")
    assert not Program.objects.exists()


def test_only_a_practitioner_in_the_patient_s_care_prescribes(personas, now):
    """The massage therapist has never seen patient A; the desk and the manager are no
    practitioners (access/tests/test_program_care_circle.py: the same circle as
    access.care)."""
    for user in (personas.massage_therapist.user, personas.front_desk, personas.manager):
        with pytest.raises(ExerciseError) as refused:
            prescribe(personas, now, user=user)
        assert refused.value.code == ExerciseErrorCode.NOT_IN_CARE
    assert not Program.objects.exists()
    assert not AuditEvent.objects.filter(object_type="exercises.program").exists()


def test_a_retired_exercise_is_not_prescribed_but_stays_in_programs_that_have_it(personas, now):
    program = program_build(personas, now=now)
    bridge = Exercise.objects.get(code="hip-bridge")
    bridge.active = False
    exercise_save(exercise=bridge, now=now)
    with pytest.raises(ExerciseError) as refused:
        prescribe(personas, now)
    assert refused.value.code == ExerciseErrorCode.INACTIVE_EXERCISE
    kept = program_change(
        program=program,
        items=items_of(),
        sessions_per_day=1,
        days_per_week=7,
        revision=1,
        user=personas.physio.user,
        now=now,
    )
    assert kept.revision == 2
    calf = Exercise.objects.get(code="ankle-calf-raise")
    calf.active = False
    exercise_save(exercise=calf, now=now)
    with pytest.raises(ExerciseError) as added:
        program_change(
            program=kept,
            items=items_of(("hip-bridge", "ankle-calf-raise")),
            sessions_per_day=1,
            days_per_week=7,
            revision=2,
            user=personas.physio.user,
            now=now,
        )
    assert added.value.code == ExerciseErrorCode.INACTIVE_EXERCISE
    kept.refresh_from_db()
    assert kept.revision == 2


def test_a_change_keeps_what_was_prescribed_before_and_refuses_a_stale_page(personas, now):
    program = program_build(personas, now=now)
    later = now + timedelta(days=3)
    changed = program_change(
        program=program,
        items=items_of(("ankle-calf-raise",)),
        sessions_per_day=1,
        days_per_week=3,
        notes="Less often",
        revision=1,
        user=personas.physio.user,
        now=later,
    )
    assert (changed.revision, changed.sessions_per_day, changed.days_per_week) == (2, 1, 3)
    rows = ProgramExercise.objects.filter(program=program)
    assert sorted(rows.filter(removed_at=later).values_list("exercise__code", flat=True)) == [
        "hip-bridge",
        "knee-quad-set",
    ]
    assert list(rows.filter(removed_at__isnull=True).values_list("exercise__code", flat=True)) == [
        "ankle-calf-raise"
    ]
    with pytest.raises(ExerciseError) as stale:
        program_change(
            program=program,
            items=items_of(),
            sessions_per_day=2,
            days_per_week=7,
            revision=1,
            user=personas.physio.user,
            now=later,
        )
    assert stale.value.code == ExerciseErrorCode.STALE_PROGRAM
    program.refresh_from_db()
    assert program.revision == 2
    assert rows.filter(removed_at__isnull=True).count() == 1
    summaries = list(
        AuditEvent.objects.filter(object_type="exercises.program")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == ["home exercise program prescribed", "home exercise program changed"]


def test_a_stopped_program_takes_no_change_no_second_stop_and_no_session(personas, now):
    program = program_build(personas, now=now)
    stopped = program_stop(program=program, reason="Goals met", user=personas.physio.user, now=now)
    assert stopped.stopped_at == now
    assert stopped.stop_reason == "Goals met"
    for attempt in (
        lambda: program_stop(program=program, user=personas.physio.user, now=now),
        lambda: program_change(
            program=program,
            items=items_of(),
            sessions_per_day=1,
            days_per_week=7,
            revision=stopped.revision,
            user=personas.physio.user,
            now=now,
        ),
        lambda: session_tick(
            program=program,
            day=now.date(),
            number=1,
            pain=None,
            user=personas.patient_a.user,
            now=now,
        ),
    ):
        with pytest.raises(ExerciseError) as refused:
            attempt()
        assert refused.value.code == ExerciseErrorCode.PROGRAM_STOPPED
    assert not program.sessions.exists()


def test_someone_else_s_practitioner_cannot_change_or_stop_a_program(personas, now):
    program = program_build(personas, now=now)
    with pytest.raises(ExerciseError) as refused:
        program_stop(program=program, user=personas.massage_therapist.user, now=now)
    assert refused.value.code == ExerciseErrorCode.NOT_IN_CARE
    program.refresh_from_db()
    assert program.stopped_at is None
