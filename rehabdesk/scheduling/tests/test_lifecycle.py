"""After booking: moving, cancelling with the clinic's notice and fee, checking in,
no-shows, keeping a booking outside changed hours, and what the patient is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility, Weekday
from rehabdesk.clinic.models import Clinic, TimeOff
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel, FreedKind
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.messages import RELATED_TYPE
from rehabdesk.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentResource,
    FreedTime,
)
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    appointment_keep,
    appointment_mark_noshow,
    appointment_reschedule,
    booking,
    lifecycle,
)
from rehabdesk.scheduling.testing import NOW, TORONTO, at, overlaps
from rehabdesk.scheduling.tests.test_concurrency import race

pytestmark = pytest.mark.django_db

# The follow-up's price in the test world, and the clinic's default fees on it.
PRICE = Decimal("85.00")
HALF_PRICE = Decimal("42.50")


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def move(appointment, start, *, now=NOW) -> Appointment:
    return appointment_reschedule(
        appointment=appointment, start=start, actor=None, now=now, channel=Channel.STAFF
    )


def refused(code, call, *args, **kwargs) -> SchedulingError:
    with pytest.raises(SchedulingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def messages(appointment, kind: str | None = None) -> list[OutboxMessage]:
    found = OutboxMessage.objects.filter(related_type=RELATED_TYPE, related_id=str(appointment.pk))
    if kind is not None:
        found = found.filter(kind=kind)
    return list(found.order_by("pk"))


def kinds(appointment) -> list[str]:
    return list(
        AppointmentEvent.objects.filter(appointment_id=appointment.pk)
        .order_by("occurred_at", "pk")
        .values_list("kind", flat=True)
    )


def active_holds(appointment) -> list[tuple[int, int, datetime, datetime]]:
    return list(
        AppointmentResource.objects.filter(appointment_id=appointment.pk, active=True)
        .order_by("pk")
        .values_list("pk", "resource_id", "start", "busy_until")
    )


def on_file(appointment) -> dict[str, object]:
    """Everything a refused change must leave exactly as it was."""
    row = Appointment.objects.filter(pk=appointment.pk).values().get()
    return {
        "row": row,
        "holds": list(
            AppointmentResource.objects.filter(appointment_id=appointment.pk)
            .order_by("pk")
            .values_list("pk", "resource_id", "start", "busy_until", "active")
        ),
        "events": list(
            AppointmentEvent.objects.filter(appointment_id=appointment.pk)
            .order_by("pk")
            .values_list("pk", "kind")
        ),
        "messages": [m.pk for m in messages(appointment)],
        "freed": list(FreedTime.objects.order_by("pk").values_list("pk", flat=True)),
    }


def toronto(instant: datetime) -> datetime:
    return instant.astimezone(TORONTO)


def real_hours_before(start: datetime, hours: int) -> datetime:
    """`hours` elapsed hours before `start`, counted on the UTC clock, shown in Toronto."""
    return toronto(start.astimezone(UTC) - timedelta(hours=hours))


# --- Moving a booking --------------------------------------------------------------------


def test_moving_keeps_the_same_appointment_and_holds_its_room_anew(world):
    appointment = book(world, at(10, 10))
    old_holds = [pk for pk, *_ in active_holds(appointment)]
    moved = move(appointment, at(11, 14))
    assert moved.pk == appointment.pk
    assert Appointment.objects.count() == 1
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.start, row.end, row.busy_until, row.status) == (
        at(11, 14),
        at(11, 14, 30),
        at(11, 14, 40),
        AppointmentStatus.BOOKED,
    )
    # The old room holds are released, not edited; a new one covers the new time.
    assert not AppointmentResource.objects.filter(pk__in=old_holds, active=True).exists()
    ((hold_pk, room, hold_start, hold_until),) = active_holds(appointment)
    assert hold_pk not in old_holds
    assert (room, hold_start, hold_until) == (world.rooms[0].pk, at(11, 14), at(11, 14, 40))
    assert kinds(appointment) == ["booked", "moved"]
    event = AppointmentEvent.objects.filter(appointment=appointment, kind="moved").get()
    assert (event.start, event.end) == (at(11, 14), at(11, 14, 30))
    assert event.detail == "from Wednesday, March 10, 2027 at 10:00 AM"
    # The old time goes to the waitlist's desk …
    (freed,) = FreedTime.objects.all()
    assert (
        freed.practitioner_id,
        freed.location_id,
        freed.kind,
        freed.start,
        freed.end,
        freed.processed_at,
    ) == (world.physio.pk, world.pickering.pk, FreedKind.RELEASED, at(10, 10), at(10, 10, 40), None)
    # … and is really free: someone else can book it.
    assert book(world, at(10, 10), patient=world.other_patient).start == at(10, 10)
    # The patient is told, with the time they had before.
    (changed,) = messages(appointment, "booking_changed")
    assert changed.recipient == world.patient.email
    assert "Wednesday, March 10, 2027 at 10:00 AM" in changed.body_text
    assert "Thursday, March 11, 2027 at 2:00 PM" in changed.body_text
    assert overlaps() == (0, 0)


def test_a_booking_can_move_onto_part_of_its_own_time(world):
    # The massage room is the only one of its kind: the move works only if the booking's
    # own practitioner time and room are looked at as if it were not there.
    appointment = book(
        world, at(10, 10), practitioner=world.massage_therapist, service=world.massage
    )
    moved = move(appointment, at(10, 10, 15))
    assert (moved.start, moved.end, moved.busy_until) == (
        at(10, 10, 15),
        at(10, 11, 15),
        at(10, 11, 25),
    )
    assert [(room, start) for _, room, start, _ in active_holds(appointment)] == [
        (world.massage_room.pk, at(10, 10, 15))
    ]
    assert AppointmentResource.objects.filter(appointment=appointment, active=False).count() == 1
    assert kinds(appointment) == ["booked", "moved"]
    assert overlaps() == (0, 0)


def test_moving_onto_a_taken_time_is_refused_and_leaves_the_booking_exactly_as_it_was(world):
    appointment = book(world, at(10, 10))
    book(world, at(11, 14), patient=world.other_patient)
    before = on_file(appointment)
    refused(SchedulingErrorCode.SLOT_UNAVAILABLE, move, appointment, at(11, 14))
    # Overlapping the other booking's buffer is refused too.
    refused(SchedulingErrorCode.SLOT_UNAVAILABLE, move, appointment, at(11, 14, 30))
    assert on_file(appointment) == before
    assert not FreedTime.objects.exists()
    assert messages(appointment, "booking_changed") == []


def test_only_a_booked_appointment_can_be_moved(world):
    cancelled = book(world, at(10, 10))
    appointment_cancel(appointment=cancelled, actor=None, now=NOW)
    before = on_file(cancelled)
    refused(SchedulingErrorCode.NOT_ACTIVE, move, cancelled, at(11, 14))
    assert on_file(cancelled) == before
    hold = appointment_hold(request=world.request(at(10, 11)), actor=None, now=NOW)
    refused(SchedulingErrorCode.NOT_ACTIVE, move, hold, at(11, 14))
    assert Appointment.objects.get(pk=hold.pk).start == at(10, 11)


def test_a_new_patients_only_visit_can_be_moved(world):
    world.follow_up.patient_eligibility = PatientEligibility.NEW_ONLY
    world.follow_up.save(update_fields=["patient_eligibility"])
    appointment = book(world, at(10, 10))
    # The rule is live: the patient is now known, so a second visit is refused …
    refused(SchedulingErrorCode.NEW_PATIENTS_ONLY, book, world, at(11, 10))
    # … but moving the first visit does not count the visit itself.
    assert move(appointment, at(11, 14)).start == at(11, 14)


@pytest.mark.parametrize("taken", ["practitioner", "room"])
def test_a_move_the_database_refuses_is_rolled_back_completely(world, monkeypatch, taken):
    """The engine said yes, then someone took the time before the move was written: the
    guards refuse it (the practitioner's row update, or the new room hold after the row
    has moved) and nothing of the move survives."""
    appointment = book(world, at(10, 10))
    stale = booking.slot_on_offer(
        world.request(at(11, 14)), NOW, moving=Appointment.objects.get(pk=appointment.pk)
    )
    assert stale.resource_ids == (world.rooms[0].pk,)
    if taken == "practitioner":
        book(world, at(11, 14), patient=world.other_patient)
    else:
        second = make_practitioner("Second Physio")
        make_registration(second, "cpo")
        make_shift(second, world.pickering, Weekday.THURSDAY, "09:00", "17:00")
        other = book(world, at(11, 14), practitioner=second, patient=world.other_patient)
        assert other.resource_holds.get().resource == world.rooms[0]
    before = on_file(appointment)
    monkeypatch.setattr(lifecycle, "slot_on_offer", lambda *args, **kwargs: stale)
    refused(SchedulingErrorCode.SLOT_TAKEN, move, appointment, at(11, 14))
    assert on_file(appointment) == before
    assert overlaps() == (0, 0)


def test_every_move_is_told_even_back_to_an_earlier_time(world):
    appointment = book(world, at(10, 10))
    move(appointment, at(11, 14))
    move(appointment, at(10, 10))
    move(appointment, at(11, 14))
    assert Appointment.objects.get(pk=appointment.pk).start == at(11, 14)
    assert len(messages(appointment, "booking_changed")) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_move_racing_a_new_booking_for_the_same_time_lets_exactly_one_through(world) -> None:
    rounds = [(at(10, hour), at(11, hour)) for hour in (9, 10, 11, 13, 14, 15)]
    for old, target in rounds:
        appointment = book(world, old)
        before = on_file(appointment)

        def work(index: int, appointment=appointment, target=target) -> str:
            try:
                if index == 0:
                    move(appointment, target)
                    return "moved"
                book(world, target, patient=world.other_patient)
                return "booked"
            except SchedulingError as refusal:
                return str(refusal.code)

        outcomes = race(2, work)
        assert sum(outcomes.values()) == 2
        assert outcomes["moved"] + outcomes["booked"] == 1, outcomes
        assert set(outcomes) - {"moved", "booked"} <= {"slot_taken", "slot_unavailable"}
        at_target = Appointment.objects.filter(start=target, status=AppointmentStatus.BOOKED)
        (holder,) = at_target
        freed_for_old = FreedTime.objects.filter(start=old)
        if outcomes["moved"]:
            assert holder.pk == appointment.pk
            assert [start for _, _, start, _ in active_holds(appointment)] == [target]
            assert not Appointment.objects.filter(
                patient=world.other_patient, start=target
            ).exists()
            assert freed_for_old.count() == 1
        else:
            assert holder.patient_id == world.other_patient.pk
            # The loser's booking is exactly as it was: time, rooms, history, no release.
            assert on_file(appointment) == before
            assert messages(appointment, "booking_changed") == []
        assert overlaps() == (0, 0)


# --- Cancelling: notice and fees ---------------------------------------------------------
# Toronto springs forward on Sunday, March 14, 2027 at 02:00. Monday the 15th is a
# working day in the test world.


def test_the_clock_change_weekend_is_what_these_tests_assume():
    assert at(13, 12).utcoffset() == timedelta(hours=-5)
    assert at(15, 9).utcoffset() == timedelta(hours=-4)
    # 24 real hours before Monday 09:00 EDT is Sunday 09:00 EDT (after the change);
    # 48 real hours before is Saturday 08:00 EST, not the wall clock's 09:00.
    assert real_hours_before(at(15, 9), 24) == datetime(2027, 3, 14, 9, tzinfo=TORONTO)
    assert real_hours_before(at(15, 9), 48) == datetime(2027, 3, 13, 8, tzinfo=TORONTO)


def test_a_patient_cancelling_exactly_the_notice_before_is_not_late(world):
    appointment = book(world, at(15, 9))
    now = real_hours_before(at(15, 9), 24)
    cancelled = appointment_cancel(
        appointment=appointment, actor=None, now=now, by=CancelledBy.PATIENT
    )
    row = Appointment.objects.get(pk=appointment.pk)
    for seen in (cancelled, row):
        assert (seen.status, seen.cancelled_by, seen.late_cancellation, seen.fee_due) == (
            AppointmentStatus.CANCELLED,
            CancelledBy.PATIENT,
            False,
            None,
        )
    assert row.cancelled_at == now
    assert kinds(appointment) == ["booked", "cancelled"]
    (freed,) = FreedTime.objects.all()
    assert (freed.start, freed.end) == (at(15, 9), at(15, 9, 40))
    (message,) = messages(appointment, "booking_cancelled")
    assert "at your request" in message.body_text
    assert "late-cancellation fee" not in message.body_text


def test_a_patient_cancelling_one_second_inside_the_notice_owes_half_the_price(world):
    appointment = book(world, at(15, 9))
    now = real_hours_before(at(15, 9), 24) + timedelta(seconds=1)
    appointment_cancel(appointment=appointment, actor=None, now=now, by=CancelledBy.PATIENT)
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.status, row.late_cancellation, row.fee_due) == (
        AppointmentStatus.CANCELLED,
        True,
        HALF_PRICE,
    )
    event = AppointmentEvent.objects.get(appointment=appointment, kind="cancelled")
    assert "late" in event.detail
    (message,) = messages(appointment, "booking_cancelled")
    assert "late-cancellation fee of $42.50" in message.body_text


def test_the_notice_is_counted_in_real_hours_across_the_clock_change(world):
    Clinic.objects.filter(pk=world.pickering.clinic_id).update(cancellation_notice_hours=48)
    nine = book(world, at(15, 9))
    ten = book(world, at(15, 10), patient=world.other_patient)
    # Saturday 08:00 EST is exactly 48 real hours before Monday 09:00 EDT: not late.
    appointment_cancel(appointment=nine, actor=None, now=at(13, 8), by=CancelledBy.PATIENT)
    # Saturday 10:00 EST looks like two days before Monday 10:00 on the wall clock, but
    # only 47 hours pass: late.
    appointment_cancel(appointment=ten, actor=None, now=at(13, 10), by=CancelledBy.PATIENT)
    assert Appointment.objects.get(pk=nine.pk).late_cancellation is False
    late = Appointment.objects.get(pk=ten.pk)
    assert (late.late_cancellation, late.fee_due) == (True, HALF_PRICE)


def test_a_cancellation_by_the_clinic_is_never_late(world):
    appointment = book(world, at(8, 16))  # today, eight hours away
    appointment_cancel(
        appointment=appointment,
        actor=None,
        now=NOW,
        by=CancelledBy.CLINIC,
        reason="Practitioner unwell",
    )
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.cancelled_by, row.late_cancellation, row.fee_due, row.cancel_reason) == (
        CancelledBy.CLINIC,
        False,
        None,
        "Practitioner unwell",
    )
    (message,) = messages(appointment, "booking_cancelled")
    assert "(Practitioner unwell)" in message.body_text
    assert "late-cancellation fee" not in message.body_text


def test_a_waived_fee_still_records_a_late_cancellation(world):
    appointment = book(world, at(8, 16))
    appointment_cancel(
        appointment=appointment, actor=None, now=NOW, by=CancelledBy.PATIENT, waive_fee=True
    )
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.late_cancellation, row.fee_due) == (True, None)
    (message,) = messages(appointment, "booking_cancelled")
    assert "late-cancellation fee" not in message.body_text


def test_cancelling_a_hold_offers_nothing_to_the_waitlist_and_tells_nobody(world):
    hold = appointment_hold(request=world.request(at(8, 16)), actor=None, now=NOW)
    appointment_cancel(appointment=hold, actor=None, now=NOW, by=CancelledBy.PATIENT)
    row = Appointment.objects.get(pk=hold.pk)
    assert (row.status, row.late_cancellation, row.fee_due) == (
        AppointmentStatus.CANCELLED,
        False,
        None,
    )
    assert active_holds(hold) == []
    assert not FreedTime.objects.exists()
    assert not OutboxMessage.objects.exists()


# --- The day of the visit: check-in and no-shows -----------------------------------------


def test_a_no_show_is_refused_before_the_start(world):
    appointment = book(world, at(10, 10))
    before = on_file(appointment)
    refused(
        SchedulingErrorCode.INVALID,
        appointment_mark_noshow,
        appointment=appointment,
        actor=None,
        now=at(10, 10) - timedelta(seconds=1),
    )
    assert on_file(appointment) == before


def test_a_no_show_owes_the_full_price_and_frees_the_time_for_a_walk_in(world):
    appointment = book(world, at(10, 10))
    marked = appointment_mark_noshow(appointment=appointment, actor=None, now=at(10, 10))
    row = Appointment.objects.get(pk=appointment.pk)
    for seen in (marked, row):
        assert (seen.status, seen.fee_due) == (AppointmentStatus.NOSHOW, PRICE)
    assert active_holds(appointment) == []
    assert kinds(appointment) == ["booked", "noshow"]
    walk_in = appointment_book(
        request=world.request(at(10, 10, 15), patient=world.other_patient, channel=Channel.WALK_IN),
        actor=None,
        now=at(10, 10, 5),
    )
    assert walk_in.resource_holds.get().resource == world.rooms[0]
    assert overlaps() == (0, 0)
    refused(
        SchedulingErrorCode.NOT_ACTIVE,
        appointment_mark_noshow,
        appointment=appointment,
        actor=None,
        now=at(10, 11),
    )


def test_a_waived_no_show_fee_records_none(world):
    appointment = book(world, at(10, 10))
    appointment_mark_noshow(appointment=appointment, actor=None, now=at(10, 11), waive_fee=True)
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.status, row.fee_due) == (AppointmentStatus.NOSHOW, None)


def test_patients_are_checked_in_only_on_the_day_of_their_visit(world):
    appointment = book(world, at(10, 10))
    # 21:00 the evening before in Toronto is already the visit's day in UTC.
    for too_early_or_late in (at(9, 21), at(9, 23, 59), at(11, 0)):
        refused(
            SchedulingErrorCode.INVALID,
            appointment_arrive,
            appointment=appointment,
            actor=None,
            now=too_early_or_late,
        )
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
    arrived = appointment_arrive(appointment=appointment, actor=None, now=at(10, 9, 50))
    assert arrived.status == AppointmentStatus.ARRIVED
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.ARRIVED
    assert kinds(appointment) == ["booked", "arrived"]
    # Once here, they are neither checked in twice nor a no-show.
    refused(
        SchedulingErrorCode.NOT_ACTIVE,
        appointment_arrive,
        appointment=appointment,
        actor=None,
        now=at(10, 9, 55),
    )
    refused(
        SchedulingErrorCode.NOT_ACTIVE,
        appointment_mark_noshow,
        appointment=appointment,
        actor=None,
        now=at(10, 11),
    )


# --- Keeping a booking outside changed hours ---------------------------------------------


def test_keeping_is_only_for_a_booking_waiting_for_a_decision(world, monkeypatch):
    # Saving time off reviews the bookings still to come by the real clock
    # (clinic.signals.announce): held at NOW, before the week of March 8, 2027.
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    appointment = book(world, at(11, 10))
    refused(
        SchedulingErrorCode.INVALID, appointment_keep, appointment=appointment, actor=None, now=NOW
    )
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 12))
    )
    assert Appointment.objects.get(pk=appointment.pk).outside_hours_since is not None
    kept = appointment_keep(appointment=appointment, actor=None, now=NOW)
    row = Appointment.objects.get(pk=appointment.pk)
    for seen in (kept, row):
        assert (seen.outside_hours_since, seen.kept_outside_hours, seen.status) == (
            None,
            True,
            AppointmentStatus.BOOKED,
        )
    assert kinds(appointment) == ["booked", "kept"]
    refused(
        SchedulingErrorCode.INVALID, appointment_keep, appointment=appointment, actor=None, now=NOW
    )


# --- What the patient is told ------------------------------------------------------------


def test_a_booking_queues_exactly_one_confirmation(world):
    appointment = book(world, at(10, 10))
    (message,) = messages(appointment)
    assert (message.kind, message.recipient, message.status) == (
        "booking_confirmation",
        world.patient.email,
        "pending",
    )
    assert "Wednesday, March 10, 2027 at 10:00 AM" in message.body_text
    assert OutboxMessage.objects.count() == 1


def test_a_hold_queues_nothing_until_it_is_confirmed(world):
    hold = appointment_hold(request=world.request(at(10, 10)), actor=None, now=NOW)
    assert not OutboxMessage.objects.exists()
    appointment_confirm(appointment=hold, actor=None, now=NOW + timedelta(minutes=1))
    assert [m.kind for m in messages(hold)] == ["booking_confirmation"]
    assert OutboxMessage.objects.count() == 1
