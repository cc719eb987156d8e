"""Two ticks of the same session at once (a double tap, two phones): one is kept, the
other told SESSION_DONE — on real connections, on both databases."""

from __future__ import annotations

import pytest

from rehabdesk.exercises.errors import ExerciseError, ExerciseErrorCode
from rehabdesk.exercises.models import ProgramSession
from rehabdesk.exercises.services import session_tick
from rehabdesk.exercises.testing import program_build
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_ticks_of_one_session_racing_keep_one(personas, now):
    program = program_build(personas, now=now)

    def tick():
        return session_tick(
            program=program,
            day=now.date(),
            number=1,
            pain=None,
            user=personas.patient_a.user,
            now=now,
        )

    second = first_then_second(tick, tick)
    assert isinstance(second, ExerciseError)
    assert second.code == ExerciseErrorCode.SESSION_DONE
    assert ProgramSession.objects.filter(program=program).count() == 1
