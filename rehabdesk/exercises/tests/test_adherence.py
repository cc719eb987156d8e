"""Adherence: the sessions done over those prescribed — sessions a day × days a week,
prorated to the days of the window the program ran (from its start, until today, its
end or the day it was stopped) — for the last 7 and 28 days, rounded half up, capped
at 100 %, none when nothing was prescribed yet."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from rehabdesk.exercises.selectors import adherence, window_figures
from rehabdesk.exercises.services import program_stop, session_tick, session_undo
from rehabdesk.exercises.testing import days_back, program_build, sessions_done

TODAY = date(2027, 3, 10)

# length, sessions/day, days/week, started days ago, last day (days ago) or None, done
# -> days counted, prescribed, percent
CASES = [
    # Every day once, a full week, all done.
    (7, 1, 7, 30, None, 7, 7, Fraction(7), 100),
    # Twice a day, every day: 14 prescribed in 7 days.
    (7, 2, 7, 30, None, 7, 7, Fraction(14), 50),
    # 5 days a week, once: 5 prescribed in a week; 4 done = 80 %.
    (7, 1, 5, 30, None, 4, 7, Fraction(5), 80),
    # 3 days a week over 28 days: 12 prescribed.
    (28, 1, 3, 60, None, 9, 28, Fraction(12), 75),
    # Started 2 days ago (3 days with today): 3 × 1 × 7 / 7 = 3.
    (7, 1, 7, 2, None, 2, 3, Fraction(3), 67),
    # Started today: 1 prescribed.
    (28, 1, 7, 0, None, 1, 1, Fraction(1), 100),
    # Prorated to a fraction: 3 days a week, started 2 days ago: 9/7 prescribed; 1 done = 78 %.
    (7, 1, 3, 2, None, 1, 3, Fraction(9, 7), 78),
    # More done than prescribed (extra days): capped at 100.
    (7, 1, 3, 30, None, 7, 7, Fraction(3), 100),
    # Stopped 3 days ago: the window ends then (4 days counted in the last 7).
    (7, 1, 7, 30, 3, 4, 4, Fraction(4), 100),
    # Stopped 3 days ago, 3 of its 4 days done.
    (7, 1, 7, 30, 3, 3, 4, Fraction(4), 75),
    # Starts in the future: nothing prescribed, no percent.
    (7, 1, 7, -2, None, 0, 0, Fraction(0), None),
    # Stopped before the window: nothing counted.
    (7, 1, 7, 60, 10, 0, 0, Fraction(0), None),
    # Rounding half up: 4 a day, 2 days a week: 8 prescribed, 1 done: 12.5 -> 13.
    (7, 4, 2, 30, None, 1, 7, Fraction(8), 13),
    # Nothing done.
    (28, 1, 7, 100, None, 0, 28, Fraction(28), 0),
]


@pytest.mark.parametrize(
    ("length", "per_day", "per_week", "started", "last", "done", "days", "prescribed", "percent"),
    CASES,
)
def test_the_window_s_arithmetic(
    length, per_day, per_week, started, last, done, days, prescribed, percent
):
    window = window_figures(
        length=length,
        sessions_per_day=per_day,
        days_per_week=per_week,
        starts_on=TODAY - timedelta(days=started),
        last_day=None if last is None else TODAY - timedelta(days=last),
        today=TODAY,
        done=done,
    )
    assert (window.days, window.prescribed, window.percent) == (days, prescribed, percent)
    assert window.prescribed_shown == int(prescribed + Fraction(1, 2))


@pytest.mark.django_db
def test_adherence_counts_the_ticks_of_each_window_from_the_database(personas, now):
    """Started 20 days ago, twice a day every day; session 1 ticked on each of the last
    10 days (as they happened), session 2 on the last 3 days, today's then undone."""
    today = now.date()
    start = now - timedelta(days=20)
    program = program_build(personas, now=start, sessions_per_day=2, starts_on=start.date())
    user = personas.patient_a
    for day in days_back(today, 10):
        sessions_done(program, by=user, days=[day], now=now - timedelta(days=(today - day).days))
    seconds = [
        session_tick(program=program, day=day, number=2, pain=None, user=user.user, now=now)
        for day in days_back(today, 3)
    ]
    session_undo(session=seconds[0], user=user.user, now=now)
    figures = adherence(program=program, today=today)
    # Last 7 days: 7 firsts and 2 seconds of 14 prescribed = 64 %.
    assert (figures.last_7.done, figures.last_7.prescribed_shown, figures.last_7.percent) == (
        9,
        14,
        64,
    )
    # Last 28 days: the program ran 21 of them: 42 prescribed, 12 done = 29 %.
    assert (figures.last_28.days, figures.last_28.done, figures.last_28.percent) == (21, 12, 29)
    program_stop(program=program, user=personas.physio.user, now=now - timedelta(days=6))
    program.refresh_from_db()
    stopped = adherence(program=program, today=today)
    # Stopped six days ago: its last 7 days hold that one day and its one tick.
    assert (stopped.last_7.days, stopped.last_7.done, stopped.last_7.prescribed_shown) == (1, 1, 2)
    assert stopped.last_28.days == 15
