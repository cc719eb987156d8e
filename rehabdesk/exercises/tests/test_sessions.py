"""The patient (or their guardian) ticks a session off with an optional pain score:
today in the patient's zone or a forgotten day of the last week, never a day not yet
come; at most the program's sessions a day, each once; undone the same day only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.exercises.errors import ExerciseError, ExerciseErrorCode
from rehabdesk.exercises.models import ProgramSession
from rehabdesk.exercises.services import reminder_set, session_tick, session_undo
from rehabdesk.exercises.testing import program_build

pytestmark = pytest.mark.django_db


def refused(call) -> tuple[str, str | None]:
    with pytest.raises(ExerciseError) as error:
        call()
    return error.value.code, error.value.field


def test_the_patient_ticks_today_s_sessions_each_once_with_a_pain_score(personas, now):
    program = program_build(personas, now=now, sessions_per_day=2)
    user, today = personas.patient_a.user, now.date()

    def tick(number, day=today, pain=None, at=now):
        return session_tick(program=program, day=day, number=number, pain=pain, user=user, now=at)

    first = tick(1, pain=3)
    assert (first.day, first.number, first.pain, first.recorded_by) == (today, 1, 3, user)
    assert refused(lambda: tick(1)) == (ExerciseErrorCode.SESSION_DONE, "number")
    assert refused(lambda: tick(3)) == (ExerciseErrorCode.INVALID, "number")
    assert refused(lambda: tick(0)) == (ExerciseErrorCode.INVALID, "number")
    assert refused(lambda: tick(2, pain=11)) == (ExerciseErrorCode.INVALID, "pain")
    assert refused(lambda: tick(2, day=today + timedelta(days=1))) == (
        ExerciseErrorCode.NOT_TODAY,
        "day",
    )
    # Before the program started: nothing to tick.
    assert refused(lambda: tick(2, day=today - timedelta(days=1))) == (
        ExerciseErrorCode.INVALID,
        "day",
    )
    tick(2)
    # Tomorrow, yesterday's forgotten session cannot be added (both are done), today's can.
    tomorrow = now + timedelta(days=1)
    assert tick(1, day=today + timedelta(days=1), at=tomorrow).day == today + timedelta(days=1)
    assert ProgramSession.objects.filter(program=program).count() == 3
    assert AuditEvent.objects.filter(summary="home exercise session ticked").count() == 3


def test_today_is_the_patient_s_day_at_their_usual_location_not_the_server_s(personas, now):
    """Late on a Toronto evening it is already tomorrow in UTC: the patient's day is
    still today, and UTC's tomorrow has not come for them."""
    program = program_build(personas, now=now)
    evening = datetime(2027, 3, 10, 23, 30, tzinfo=now.tzinfo)
    assert evening.astimezone(UTC).date() == evening.date() + timedelta(days=1)
    assert refused(
        lambda: session_tick(
            program=program,
            day=evening.date() + timedelta(days=1),
            number=1,
            pain=None,
            user=personas.patient_a.user,
            now=evening,
        )
    ) == (ExerciseErrorCode.NOT_TODAY, "day")
    done = session_tick(
        program=program,
        day=evening.date(),
        number=1,
        pain=None,
        user=personas.patient_a.user,
        now=evening,
    )
    assert done.day == evening.date()


def test_a_forgotten_day_of_the_last_week_can_be_ticked_but_not_older(personas, now):
    start = now.date() - timedelta(days=20)
    program = program_build(personas, now=now - timedelta(days=20), starts_on=start)
    user = personas.patient_a.user
    week_ago = now.date() - timedelta(days=7)
    assert session_tick(program=program, day=week_ago, number=1, pain=None, user=user, now=now)
    assert refused(
        lambda: session_tick(
            program=program,
            day=week_ago - timedelta(days=1),
            number=1,
            pain=None,
            user=user,
            now=now,
        )
    ) == (ExerciseErrorCode.INVALID, "day")


def test_only_the_patient_or_their_guardian_ticks_and_sets_the_reminder(personas, now):
    program = program_build(personas, now=now)
    for user in (
        personas.patient_b.user,
        personas.guardian.user,
        personas.physio.user,
        personas.front_desk,
        None,
    ):
        assert (
            refused(
                lambda user=user: session_tick(
                    program=program, day=now.date(), number=1, pain=None, user=user, now=now
                )
            )[0]
            == ExerciseErrorCode.NOT_FOLLOWER
        )
        assert (
            refused(lambda user=user: reminder_set(program=program, at=None, user=user, now=now))[0]
            == ExerciseErrorCode.NOT_FOLLOWER
        )
    childs = program_build(personas, now=now, patient=personas.child)
    by_guardian = session_tick(
        program=childs,
        day=now.date(),
        number=1,
        pain=0,
        user=personas.guardian.user,
        now=now,
    )
    assert by_guardian.recorded_by == personas.guardian.user
    assert not ProgramSession.objects.filter(program=program).exists()


def test_a_tick_is_undone_the_same_day_only_and_can_then_be_ticked_again(personas, now):
    program = program_build(personas, now=now, sessions_per_day=1)
    user = personas.patient_a.user
    tick = session_tick(program=program, day=now.date(), number=1, pain=4, user=user, now=now)
    undone = session_undo(session=tick, user=user, now=now + timedelta(minutes=5))
    assert undone.undone_at == now + timedelta(minutes=5)
    assert refused(lambda: session_undo(session=tick, user=user, now=now)) == (
        ExerciseErrorCode.INVALID,
        "session",
    )
    again = session_tick(program=program, day=now.date(), number=1, pain=2, user=user, now=now)
    assert ProgramSession.objects.filter(program=program).count() == 2
    tomorrow = now + timedelta(days=1)
    assert refused(lambda: session_undo(session=again, user=user, now=tomorrow)) == (
        ExerciseErrorCode.NOT_TODAY,
        "day",
    )
    assert refused(lambda: session_undo(session=again, user=personas.patient_b.user, now=now)) == (
        ExerciseErrorCode.NOT_FOLLOWER,
        None,
    )
    again.refresh_from_db()
    assert again.undone_at is None
    summaries = list(
        AuditEvent.objects.filter(object_type="exercises.program")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries[-3:] == [
        "home exercise session ticked",
        "home exercise session undone",
        "home exercise session ticked",
    ]


def test_a_program_ended_takes_no_tick_after_its_end(personas, now):
    program = program_build(
        personas,
        now=now - timedelta(days=5),
        starts_on=now.date() - timedelta(days=5),
        ends_on=now.date() - timedelta(days=1),
    )
    assert refused(
        lambda: session_tick(
            program=program,
            day=now.date(),
            number=1,
            pain=None,
            user=personas.patient_a.user,
            now=now,
        )
    ) == (ExerciseErrorCode.INVALID, "day")
