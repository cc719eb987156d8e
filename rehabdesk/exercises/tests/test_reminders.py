"""The daily reminders (a chore of `run_scheduler`): at each program's time in the
patient's zone, one e-mail a day through the outbox — none for a stopped program, none
once today's sessions are done, none far past its time — saying only that today's
exercises are waiting, with the link to /my/exercises/. Toronto's clock changes: a
time that comes twice is reminded once, a time that never comes is reminded just after."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from rehabdesk.clinic.models import Location
from rehabdesk.exercises.models import Program
from rehabdesk.exercises.reminders import reminders_send_due
from rehabdesk.exercises.selectors import patient_zone
from rehabdesk.exercises.services import program_stop, reminder_set, session_tick
from rehabdesk.exercises.testing import program_build
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW as BOOKING_NOW
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")
VANCOUVER = ZoneInfo("America/Vancouver")


def local(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


def test_a_reminder_goes_once_a_day_at_its_time_and_says_nothing_of_the_program(personas, now):
    program = program_build(personas, now=now, reminder_at=time(8, 0))
    # Set at 10:00 for 8:00: today's time had passed, so the first goes tomorrow.
    assert reminders_send_due(now=now) == 0
    assert reminders_send_due(now=local(11, 7, 59)) == 0
    assert reminders_send_due(now=local(11, 8, 0)) == 1
    assert reminders_send_due(now=local(11, 8, 1)) == 0
    assert reminders_send_due(now=local(11, 23, 59)) == 0
    assert reminders_send_due(now=local(12, 8, 2)) == 1
    messages = list(OutboxMessage.objects.order_by("pk"))
    assert [m.dedupe_key for m in messages] == [
        f"exercise_reminder:{program.pk}:2027-03-11",
        f"exercise_reminder:{program.pk}:2027-03-12",
    ]
    message = messages[0]
    assert message.recipient == personas.patient_a.email
    assert message.subject == "Time for today's exercises"
    assert "it is time for your exercises for today" in message.body_text
    assert f"{settings.SITE_URL}/my/exercises/" in message.body_text
    assert f'href="{settings.SITE_URL}/my/exercises/"' in message.body_html
    for words in ("bridge", "thigh", "knee", "hip", "pain", "Priya"):
        assert words.lower() not in (message.subject + message.body_text).lower()
    program.refresh_from_db()
    assert program.reminded_on == local(12, 8).date()


def test_no_reminder_far_past_its_time_nor_before_a_program_starts_or_after_it_ends(personas, now):
    program = program_build(personas, now=now, reminder_at=time(8, 0))
    # The scheduler was down all morning: 3 hours late still goes, later waits for tomorrow.
    assert reminders_send_due(now=local(11, 11, 1)) == 0
    assert reminders_send_due(now=local(12, 11, 0)) == 1
    later = program_build(
        personas,
        now=now,
        starts_on=local(20, 0).date(),
        ends_on=local(21, 0).date(),
        reminder_at=time(12, 0),
    )
    assert reminders_send_due(now=local(19, 12, 0)) == 0  # not started; the first too late
    assert reminders_send_due(now=local(20, 12, 0)) == 1
    assert reminders_send_due(now=local(22, 8, 0)) == 1  # the first only: the later ended
    assert reminders_send_due(now=local(22, 12, 0)) == 0
    assert OutboxMessage.objects.filter(related_id=str(later.pk)).count() == 1
    assert OutboxMessage.objects.filter(related_id=str(program.pk)).count() == 2


def test_no_reminder_for_a_stopped_program_or_once_today_s_sessions_are_done(personas, now):
    program = program_build(personas, now=now, sessions_per_day=1, reminder_at=time(12, 0))
    session_tick(
        program=program,
        day=now.date(),
        number=1,
        pain=None,
        user=personas.patient_a.user,
        now=now,
    )
    assert reminders_send_due(now=local(10, 12, 0)) == 0
    assert reminders_send_due(now=local(10, 12, 5)) == 0
    program_stop(program=program, user=personas.physio.user, now=local(10, 13))
    assert reminders_send_due(now=local(11, 12, 0)) == 0
    assert not OutboxMessage.objects.exists()
    # Turned off: nothing either.
    other = program_build(personas, now=now, reminder_at=time(12, 30))
    reminder_set(program=other, at=None, user=personas.patient_a.user, now=now)
    assert reminders_send_due(now=local(10, 12, 30)) == 0
    assert not OutboxMessage.objects.exists()


def test_a_child_s_reminder_goes_to_the_guardian_who_manages_their_bookings(personas, now):
    program_build(personas, now=now, patient=personas.child, reminder_at=time(16, 0))
    assert reminders_send_due(now=local(10, 16, 0)) == 1
    message = OutboxMessage.objects.get()
    assert message.recipient == personas.guardian.email
    assert "it is time for Charlie's exercises for today" in message.body_text


def test_the_reminder_follows_the_zone_of_the_patient_s_usual_location(personas, now):
    """No visit: the clinic's first location's (Milton, by name; made Vancouver's for a
    moment). A visit at Pickering: Pickering's zone (made Vancouver's here), three hours
    behind Toronto."""
    program = program_build(personas, now=now, reminder_at=time(9, 0))
    Location.objects.filter(pk=personas.milton.pk).update(time_zone="America/Vancouver")
    assert patient_zone(patient_id=personas.patient_a.pk) == VANCOUVER
    Location.objects.filter(pk=personas.milton.pk).update(time_zone="America/Toronto")
    world = build_booking_world(personas)
    appointment_book(
        request=world.request(at(12, 10)), actor=personas.front_desk, now=BOOKING_NOW, tell=False
    )
    assert patient_zone(patient_id=personas.patient_a.pk) == TORONTO
    Location.objects.filter(pk=personas.pickering.pk).update(time_zone="America/Vancouver")
    assert patient_zone(patient_id=personas.patient_a.pk) == VANCOUVER
    nine_in_toronto = datetime(2027, 3, 11, 9, 0, tzinfo=TORONTO)
    assert reminders_send_due(now=nine_in_toronto) == 0
    assert reminders_send_due(now=datetime(2027, 3, 11, 9, 0, tzinfo=VANCOUVER)) == 1
    assert OutboxMessage.objects.get().related_id == str(program.pk)


def test_on_the_day_the_clocks_fall_back_a_repeated_time_is_reminded_once(personas):
    """America/Toronto, 2026-11-01: 1:30 AM comes at 05:30 UTC (EDT) and again at 06:30
    UTC (EST)."""
    start = datetime(2026, 10, 30, 12, 0, tzinfo=TORONTO)
    program_build(personas, now=start, reminder_at=time(1, 30))
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert first.astimezone(TORONTO).time() == second.astimezone(TORONTO).time() == time(1, 30)
    assert reminders_send_due(now=first - timedelta(minutes=1)) == 0
    assert reminders_send_due(now=first) == 1
    assert reminders_send_due(now=second) == 0
    assert reminders_send_due(now=second + timedelta(minutes=30)) == 0
    # The next day, at 1:30 EST, once more.
    assert reminders_send_due(now=datetime(2026, 11, 2, 6, 30, tzinfo=UTC)) == 1
    assert list(OutboxMessage.objects.values_list("dedupe_key", flat=True).order_by("pk")) == [
        f"exercise_reminder:{Program.objects.get().pk}:2026-11-01",
        f"exercise_reminder:{Program.objects.get().pk}:2026-11-02",
    ]


def test_on_the_day_the_clocks_spring_forward_a_time_that_never_comes_is_reminded_after(
    personas,
):
    """America/Toronto, 2027-03-14: from 1:59:59 AM EST straight to 3:00 AM EDT; a
    2:30 AM reminder goes at 3:00."""
    start = datetime(2027, 3, 12, 12, 0, tzinfo=TORONTO)
    program_build(personas, now=start, reminder_at=time(2, 30))
    assert reminders_send_due(now=datetime(2027, 3, 14, 6, 59, tzinfo=UTC)) == 0  # 1:59 EST
    assert reminders_send_due(now=datetime(2027, 3, 14, 7, 0, tzinfo=UTC)) == 1  # 3:00 EDT
    assert reminders_send_due(now=datetime(2027, 3, 14, 7, 30, tzinfo=UTC)) == 0


def test_run_scheduler_sends_the_reminders_due_in_its_round(personas, now):
    program_build(personas, now=now, reminder_at=time(10, 30))
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=local(10, 10, 30)):
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().strip() == (
        "0 offer(s) expired, 0 hold(s) released, 0 offer(s) made, 1 exercise reminder(s) sent."
    )
    assert OutboxMessage.objects.filter(kind="exercise_reminder").count() == 1
