"""Appointment reminders (services/reminders.py): at the clinic's times, counted in real
hours across clock changes, outside quiet hours in the location's zone, once per visit
time, never for a cancelled visit, again after a move, only to whom agreed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from rehabdesk.clinic.choices import ReminderChannel
from rehabdesk.clinic.models import Clinic, ReminderRule, Service
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.transports.sms import segments, sms_body
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_update
from rehabdesk.scheduling.choices import Channel, ReminderOutcome
from rehabdesk.scheduling.models import Appointment, AppointmentReminder
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_confirm_by_patient,
    appointment_reschedule,
    reminders_send_due,
)
from rehabdesk.scheduling.services.reminders import QuietHours, _decide, reminder_due
from rehabdesk.scheduling.testing import NOW, TORONTO, at

pytestmark = pytest.mark.django_db
MOBILE = "+14165550199"
NIGHTS = QuietHours(time(21), time(8))


def toronto(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


# --- When a reminder goes ---------------------------------------------------------------


def test_two_days_before_across_the_spring_change_is_an_hour_earlier_on_the_wall_clock():
    # Clocks go forward at 2 AM on Sunday 2027-03-14: 48 real hours before Monday 10:00
    # EDT is Saturday 09:00 EST.
    due = reminder_due(start=toronto(2027, 3, 15, 10), hours_before=48, zone=TORONTO, quiet=NIGHTS)
    assert due == toronto(2027, 3, 13, 9)
    assert due.astimezone(TORONTO).utcoffset() == timedelta(hours=-5)


def test_two_days_before_across_the_autumn_change_is_an_hour_later_on_the_wall_clock():
    # Clocks go back at 2 AM on Sunday 2027-11-07: 48 real hours before Monday 10:00 EST
    # is Saturday 11:00 EDT.
    due = reminder_due(start=toronto(2027, 11, 8, 10), hours_before=48, zone=TORONTO, quiet=NIGHTS)
    assert due == toronto(2027, 11, 6, 11)
    assert due.astimezone(TORONTO).utcoffset() == timedelta(hours=-4)


def test_a_day_before_on_the_day_of_the_change_is_24_real_hours():
    start = toronto(2027, 11, 8, 9, 30)
    due = reminder_due(start=start, hours_before=24, zone=TORONTO, quiet=NIGHTS)
    assert start - due == timedelta(hours=24)
    assert due.astimezone(TORONTO).time() == time(9, 30)


def test_a_reminder_due_in_quiet_hours_waits_for_their_end():
    # 24 hours before a 7:30 visit is 7:30 the morning before: sent at 8:00 instead.
    due = reminder_due(
        start=toronto(2027, 3, 10, 7, 30), hours_before=24, zone=TORONTO, quiet=NIGHTS
    )
    assert due == toronto(2027, 3, 9, 8)


def test_quiet_hours_end_by_the_wall_clock_on_the_night_the_clocks_spring_forward():
    # 24 real hours before Monday 7:00 EDT is Sunday 7:00 EDT (inside the short night
    # that began Saturday 21:00 EST): sent when the wall clock says 8:00 on Sunday.
    due = reminder_due(start=toronto(2027, 3, 15, 7), hours_before=24, zone=TORONTO, quiet=NIGHTS)
    assert due == toronto(2027, 3, 14, 8)
    assert due.astimezone(TORONTO).utcoffset() == timedelta(hours=-4)


def test_a_short_notice_reminder_that_would_end_too_close_to_the_visit_goes_the_evening_before():
    # Two hours before an 8:30 visit is 6:30, quiet; 8:00 is within the hour before
    # the visit, so it goes the evening before, an hour before quiet hours begin.
    due = reminder_due(
        start=toronto(2027, 3, 10, 8, 30), hours_before=2, zone=TORONTO, quiet=NIGHTS
    )
    assert due == toronto(2027, 3, 9, 20)


@pytest.mark.parametrize(
    ("quiet", "wall", "covered"),
    [
        (NIGHTS, time(20, 59), False),
        (NIGHTS, time(21), True),
        (NIGHTS, time(2), True),
        (NIGHTS, time(7, 59), True),
        (NIGHTS, time(8), False),
        (QuietHours(time(12), time(13)), time(12, 30), True),
        (QuietHours(time(12), time(13)), time(13), False),
        (QuietHours(time(9), time(9)), time(3), False),
    ],
)
def test_quiet_hours_cover_from_their_start_to_just_before_their_end(quiet, wall, covered):
    assert quiet.covers(wall) is covered


def test_without_quiet_hours_a_reminder_goes_at_its_hour_even_at_night():
    none = QuietHours(time(0), time(0))
    due = reminder_due(start=toronto(2027, 3, 10, 7), hours_before=28, zone=TORONTO, quiet=none)
    assert due == toronto(2027, 3, 9, 3)


# --- Queued through the outbox ----------------------------------------------------------


@pytest.fixture
def policy(world):
    clinic = Clinic.objects.get(pk=world.pickering.clinic_id)
    for channel, hours in ((ReminderChannel.EMAIL, 48), (ReminderChannel.SMS, 24)):
        ReminderRule.objects.create(clinic=clinic, channel=channel, hours_before=hours)
    texted(world.patient)
    return clinic


def texted(patient: Patient, *, sms: bool = True, email: bool = True) -> Patient:
    patient.phone, patient.contact_by_sms, patient.contact_by_email = MOBILE, sms, email
    return patient_update(actor=None, patient=patient)


def book(world, start: datetime, *, now: datetime = NOW) -> Appointment:
    return appointment_book(request=world.request(start), actor=None, now=now)


def reminders(appointment: Appointment) -> list[tuple[str, int, str]]:
    return sorted(
        (r.channel, r.hours_before, r.outcome)
        for r in AppointmentReminder.objects.filter(appointment=appointment)
    )


def queued(kind: str = "appointment_reminder") -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def test_each_reminder_goes_once_at_its_time_through_its_channel(world, policy):
    visit = book(world, at(11, 10))
    assert reminders_send_due(now=at(9, 9, 59)) == 0
    assert reminders_send_due(now=at(9, 10)) == 1
    assert reminders_send_due(now=at(9, 10, 1)) == 0
    assert reminders_send_due(now=at(10, 10)) == 1
    assert reminders_send_due(now=at(10, 11)) == 0
    assert reminders(visit) == [("email", 48, "queued"), ("sms", 24, "queued")]
    email, text = queued()
    assert (email.channel, email.recipient) == (MessageChannel.EMAIL, world.patient.email)
    assert "/manage/" in email.body_text
    assert "Reminder" in email.subject
    assert world.follow_up.name in email.body_text
    assert (text.channel, text.recipient) == (MessageChannel.SMS, MOBILE)
    body = sms_body(text)
    assert segments(body) == 1, body
    assert "Thursday, March 11, 2027 at 10:00 AM" in body
    assert "Reply C to confirm" in body
    # Time, place and clinic only: no service, practitioner or name on a lock screen.
    for private in (world.follow_up.name, world.physio.display_name, world.patient.first_name):
        assert private not in body


def test_a_confirmed_visit_s_reminder_thanks_instead_of_asking(world, policy):
    visit = book(world, at(11, 10))
    appointment_confirm_by_patient(appointment=visit, now=at(9, 12))
    reminders_send_due(now=at(10, 10))
    assert sms_body(queued()[-1]).endswith("See you then.")


def test_nobody_agreed_nothing_is_sent_and_the_reason_is_kept(world, policy):
    texted(world.patient, sms=False, email=False)
    visit = book(world, at(11, 10))
    assert reminders_send_due(now=at(10, 10)) == 0
    assert reminders(visit) == [("email", 48, "no_contact"), ("sms", 24, "no_contact")]
    assert queued() == []


def test_a_cancelled_visit_is_never_reminded_and_a_queued_reminder_is_withdrawn(world, policy):
    kept, cancelled = book(world, at(11, 10)), book(world, at(11, 14))
    reminders_send_due(now=at(9, 14))  # both visits' e-mails
    appointment_cancel(appointment=cancelled, actor=None, now=at(9, 15))
    statuses = {m.related_id: m.status for m in queued()}
    assert statuses == {str(kept.pk): MessageStatus.PENDING, str(cancelled.pk): "withdrawn"}
    reminders_send_due(now=at(10, 14))
    assert [m.related_id for m in queued()[2:]] == [str(kept.pk)]
    assert reminders(cancelled) == [("email", 48, "queued")]


def test_a_moved_visit_is_reminded_again_for_its_new_time(world, policy):
    visit = book(world, at(11, 10))
    reminders_send_due(now=at(9, 10))
    appointment_reschedule(
        appointment=visit, start=at(12, 10), actor=None, now=at(9, 11), channel=Channel.STAFF
    )
    first = queued()[0]
    assert first.status == "withdrawn"
    # The new time's reminders come at its own moments.
    assert reminders_send_due(now=at(10, 9, 59)) == 0
    assert reminders_send_due(now=at(10, 10)) == 1
    assert reminders_send_due(now=at(11, 10)) == 1
    assert [(r.channel, r.start, r.outcome) for r in AppointmentReminder.objects.all()] == [
        ("email", at(11, 10), ReminderOutcome.QUEUED),
        ("email", at(12, 10), ReminderOutcome.QUEUED),
        ("sms", at(12, 10), ReminderOutcome.QUEUED),
    ]


def test_a_visit_booked_after_a_reminder_s_time_skips_it(world, policy):
    visit = book(world, at(11, 10), now=at(10, 12))
    assert reminders_send_due(now=at(10, 12, 1)) == 0
    assert reminders(visit) == [("email", 48, "booked_late"), ("sms", 24, "booked_late")]
    assert queued() == []


def test_no_reminder_in_the_last_hour_before_the_visit(world, policy):
    visit = book(world, at(11, 10))
    assert reminders_send_due(now=at(11, 9, 1)) == 0
    assert reminders(visit) == []


def test_a_service_s_own_rule_replaces_the_clinic_s_rules_for_that_channel(world, policy):
    ReminderRule.objects.create(
        clinic=policy, channel=ReminderChannel.SMS, hours_before=72, service=world.follow_up
    )
    visit = book(world, at(11, 10))
    reminders_send_due(now=at(10, 10, 30))
    assert reminders(visit) == [("email", 48, "queued"), ("sms", 72, "queued")]


def test_an_inactive_rule_sends_nothing(world, policy):
    ReminderRule.objects.filter(channel=ReminderChannel.SMS).update(active=False)
    visit = book(world, at(11, 10))
    reminders_send_due(now=at(10, 10, 30))
    assert reminders(visit) == [("email", 48, "queued")]


def test_a_service_left_out_of_reminders_gets_none_even_by_its_own_rule(world, policy):
    ReminderRule.objects.create(
        clinic=policy, channel=ReminderChannel.SMS, hours_before=72, service=world.follow_up
    )
    Service.objects.filter(pk=world.follow_up.pk).update(sends_reminders=False)
    left_out = book(world, at(11, 10))
    massage = appointment_book(
        request=world.request(
            at(11, 14), practitioner=world.massage_therapist, service=world.massage
        ),
        actor=None,
        now=NOW,
    )
    reminders_send_due(now=at(10, 14, 30))
    assert reminders(left_out) == []
    assert reminders(massage) == [("email", 48, "queued"), ("sms", 24, "queued")]


def test_two_schedulers_deciding_the_same_reminder_queue_it_once(world, policy):
    visit = book(world, at(11, 10))
    rule = ReminderRule.objects.get(channel=ReminderChannel.EMAIL)
    assert _decide(visit, rule, booked_late=False, now=at(9, 10)) is True
    assert _decide(visit, rule, booked_late=False, now=at(9, 10)) is False
    assert len(queued()) == 1


def test_nothing_goes_in_the_clinic_s_quiet_hours_and_it_goes_when_they_end(world, policy):
    Clinic.objects.filter(pk=policy.pk).update(quiet_hours_start=time(6), quiet_hours_end=time(11))
    visit = book(world, at(11, 10))
    assert reminders_send_due(now=at(9, 10)) == 0  # 48 h before is quiet
    assert reminders_send_due(now=at(9, 11)) == 1
    assert reminders_send_due(now=at(10, 10)) == 0  # and 24 h before
    assert reminders_send_due(now=at(10, 10, 59)) == 0
    assert reminders_send_due(now=at(10, 11)) == 1
    assert reminders(visit)[-1] == ("sms", 24, "queued")


def test_the_scheduler_round_queues_the_reminders_due(world, policy, monkeypatch):
    from rehabdesk.scheduling.management.commands import run_scheduler

    book(world, at(11, 10))
    monkeypatch.setattr(run_scheduler.timezone, "now", lambda: at(9, 10, 5))
    counts = run_scheduler.run_once()
    assert (run_scheduler.REMINDERS, 1) in counts[3]
    assert "1 appointment reminder(s) queued" in run_scheduler.describe(counts)
