"""Booking, holding, confirming and cancelling through the one booking service."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, OperationalError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.availability.types import Reason
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Registration
from rehabdesk.clinic.testing import make_practitioner, make_registration, make_shift
from rehabdesk.core import database
from rehabdesk.scheduling import guards
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, AppointmentEvent, AppointmentResource
from rehabdesk.scheduling.services import (
    HOLD_DURATION,
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    holds_release_expired,
)
from rehabdesk.scheduling.services import booking as booking_service
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def book(world, start, **kwargs):
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def refused(code, call, *args, **kwargs) -> SchedulingError:
    before = Appointment.objects.count()
    with pytest.raises(SchedulingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert Appointment.objects.count() == before
    return caught.value


def test_it_books_a_free_time_with_a_room_and_puts_it_on_file(world):
    appointment = book(world, at(10, 10))
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.end - appointment.start == timedelta(minutes=30)
    assert appointment.busy_until - appointment.end == timedelta(minutes=10)
    (hold,) = appointment.resource_holds.all()
    assert (hold.resource, hold.start, hold.busy_until, hold.active) == (
        world.rooms[0],
        appointment.start,
        appointment.busy_until,
        True,
    )
    assert list(appointment.events.values_list("kind", flat=True)) == ["booked"]
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type, event.location_id) == (
        "create",
        "scheduling.appointment",
        world.pickering.pk,
    )
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [world.patient.pk]


def test_it_refuses_a_time_outside_working_hours_with_the_next_free_times(world):
    error = refused(SchedulingErrorCode.SLOT_UNAVAILABLE, book, world, at(10, 12, 15))
    assert [slot.start for slot in error.alternatives] == [
        at(10, 12, 30),
        at(10, 12, 45),
        at(10, 13),
    ]


def test_it_refuses_a_time_already_taken_and_allows_back_to_back_after_the_buffer(world):
    book(world, at(10, 10))
    refused(
        SchedulingErrorCode.SLOT_UNAVAILABLE,
        book,
        world,
        at(10, 10, 30),
        patient=world.other_patient,
    )
    # 10:00 + 30 min + 10 min buffer: the practitioner is free again at 10:40, on the grid at 10:45.
    later = book(world, at(10, 10, 45), patient=world.other_patient)
    assert later.start == at(10, 10, 45)


def physiotherapist(world, name):
    practitioner = make_practitioner(name)
    make_registration(practitioner, "cpo")
    make_shift(practitioner, world.pickering, Weekday.WEDNESDAY, "09:00", "17:00")
    return practitioner


def test_it_gives_each_practitioner_a_free_room_and_stops_when_rooms_run_out(world, personas):
    second, third = physiotherapist(world, "Second Physio"), physiotherapist(world, "Third Physio")
    first = book(world, at(10, 10))
    other = book(world, at(10, 10), practitioner=second, patient=world.other_patient)
    assert [first.resource_holds.get().resource, other.resource_holds.get().resource] == world.rooms
    error = refused(
        SchedulingErrorCode.SLOT_UNAVAILABLE,
        book,
        world,
        at(10, 10),
        practitioner=third,
        patient=personas.guardian,
    )
    assert error.reason == Reason.FULLY_BOOKED


def test_it_applies_the_registration_rule_on_the_day(world):
    Registration.objects.filter(practitioner=world.physio).update(valid_until=date(2027, 3, 9))
    error = refused(SchedulingErrorCode.SLOT_UNAVAILABLE, book, world, at(10, 10))
    assert error.reason == Reason.NOBODY_QUALIFIED
    assert book(world, at(9, 10)).start == at(9, 10)


def test_a_hold_keeps_the_time_until_confirmed(world):
    hold = appointment_hold(request=world.request(at(10, 10)), actor=None, now=NOW)
    assert (hold.status, hold.hold_expires_at) == (AppointmentStatus.PENDING, NOW + HOLD_DURATION)
    refused(
        SchedulingErrorCode.SLOT_UNAVAILABLE, book, world, at(10, 10), patient=world.other_patient
    )
    booked = appointment_confirm(appointment=hold, actor=None, now=NOW + timedelta(minutes=5))
    assert (booked.status, booked.hold_expires_at) == (AppointmentStatus.BOOKED, None)
    assert list(booked.events.values_list("kind", flat=True)) == ["held", "confirmed"]


def test_an_expired_hold_cannot_be_confirmed_and_frees_the_time(world):
    hold = appointment_hold(request=world.request(at(10, 10)), actor=None, now=NOW)
    later = NOW + HOLD_DURATION
    with pytest.raises(SchedulingError) as caught:
        appointment_confirm(appointment=hold, actor=None, now=later)
    assert caught.value.code == SchedulingErrorCode.HOLD_EXPIRED
    other = appointment_book(
        request=world.request(at(10, 10), patient=world.other_patient), actor=None, now=later
    )
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CANCELLED
    assert other.resource_holds.get().resource == world.rooms[0]
    assert list(hold.events.values_list("kind", flat=True)) == ["held", "hold_expired"]


def test_the_sweep_releases_expired_holds(world):
    appointment_hold(request=world.request(at(10, 10)), actor=None, now=NOW)
    assert holds_release_expired(now=NOW + timedelta(minutes=1)) == 0
    assert holds_release_expired(now=NOW + HOLD_DURATION) == 1
    assert not AppointmentResource.objects.filter(active=True).exists()


def test_cancelling_frees_the_time_and_the_room(world):
    appointment = book(world, at(10, 10))
    appointment_cancel(appointment=appointment, actor=None, now=NOW, reason="Feeling better")
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancel_reason) == ("cancelled", "Feeling better")
    assert not appointment.resource_holds.filter(active=True).exists()
    assert book(world, at(10, 10), patient=world.other_patient).start == at(10, 10)
    with pytest.raises(SchedulingError) as caught:
        appointment_cancel(appointment=appointment, actor=None, now=NOW)
    assert caught.value.code == SchedulingErrorCode.NOT_ACTIVE


def test_the_same_idempotency_key_books_once(world):
    first = appointment_book(
        request=world.request(at(10, 10)), actor=None, now=NOW, idempotency_key="k-1234567"
    )
    again = appointment_book(
        request=world.request(at(10, 10)), actor=None, now=NOW, idempotency_key="k-1234567"
    )
    assert again.pk == first.pk
    assert Appointment.objects.count() == 1
    refused(
        SchedulingErrorCode.IDEMPOTENCY_MISMATCH,
        appointment_book,
        request=world.request(at(10, 11)),
        actor=None,
        now=NOW,
        idempotency_key="k-1234567",
    )


def test_a_retry_whose_first_request_commits_meanwhile_is_answered_with_its_booking(
    world, monkeypatch
):
    # The first look for the key finds nothing: the first request, sent a moment before
    # with the same key, commits just after it. Its booking makes the patient busy at
    # that time; the retry must answer that booking, not refuse it as patient_busy.
    first = appointment_book(
        request=world.request(at(10, 10)), actor=None, now=NOW, idempotency_key="k-7654321"
    )
    replay = booking_service._replay
    looks: list[str | None] = []

    def not_yet_on_the_first_look(key, fingerprint, status):
        looks.append(key)
        return None if len(looks) == 1 else replay(key, fingerprint, status)

    monkeypatch.setattr(booking_service, "_replay", not_yet_on_the_first_look)
    again = appointment_book(
        request=world.request(at(10, 10)), actor=None, now=NOW, idempotency_key="k-7654321"
    )
    assert again.pk == first.pk
    assert Appointment.objects.count() == 1


def test_online_bookings_keep_the_minimum_notice(world):
    # The clinic asks for two hours' notice online (now is 08:00); the desk may book sooner.
    refused(SchedulingErrorCode.SLOT_UNAVAILABLE, book, world, at(8, 9, 45), channel=Channel.ONLINE)
    assert book(world, at(8, 9, 45), channel=Channel.PHONE).start == at(8, 9, 45)
    online = book(world, at(8, 10, 30), channel=Channel.ONLINE, patient=world.other_patient)
    assert online.start == at(8, 10, 30)


def test_online_bookings_follow_the_service_rules(world):
    world.follow_up.online_bookable = False
    world.follow_up.save(update_fields=["online_bookable"])
    refused(
        SchedulingErrorCode.NOT_ONLINE_BOOKABLE, book, world, at(10, 10), channel=Channel.ONLINE
    )
    world.massage.patient_eligibility = "existing_only"
    world.massage.save(update_fields=["patient_eligibility"])
    refused(
        SchedulingErrorCode.EXISTING_PATIENTS_ONLY,
        book,
        world,
        at(10, 10),
        practitioner=world.massage_therapist,
        service=world.massage,
    )


def test_it_refuses_a_naive_start(world):
    refused(SchedulingErrorCode.INVALID, book, world, at(10, 10).replace(tzinfo=None))


def test_it_refuses_an_inactive_patient(world):
    world.patient.active = False
    world.patient.deactivated_at = NOW
    world.patient.save(update_fields=["active", "deactivated_at"])
    refused(SchedulingErrorCode.PATIENT_INACTIVE, book, world, at(10, 10))


def raw_appointment(world, start, **fields):
    values = {
        "patient": world.other_patient,
        "practitioner": world.physio,
        "service": world.follow_up,
        "location": world.pickering,
        "start": start,
        "end": start + timedelta(minutes=30),
        "busy_until": start + timedelta(minutes=40),
        "status": AppointmentStatus.BOOKED,
        "channel": Channel.STAFF,
    }
    values.update(fields)
    return Appointment.objects.create(**values)


def test_the_database_refuses_an_overlap_the_service_did_not_see(world):
    book(world, at(10, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_appointment(world, at(10, 10, 20))
    # Cancelled and no-show appointments do not hold time.
    raw_appointment(world, at(10, 10, 20), status=AppointmentStatus.CANCELLED)
    raw_appointment(world, at(10, 10, 20), status=AppointmentStatus.NOSHOW)
    # Back to back with the buffer is fine.
    raw_appointment(world, at(10, 10, 40))


def test_the_database_refuses_a_room_held_twice(world):
    first = book(world, at(10, 10))
    other = raw_appointment(world, at(10, 10), practitioner=world.massage_therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentResource.objects.create(
            appointment=other,
            resource=world.rooms[0],
            start=other.start,
            busy_until=other.busy_until,
        )
    AppointmentResource.objects.create(
        appointment=other, resource=world.rooms[1], start=other.start, busy_until=other.busy_until
    )
    assert first.resource_holds.get().resource == world.rooms[0]


def test_the_database_refuses_moving_an_appointment_onto_another(world):
    book(world, at(10, 10))
    later = book(world, at(10, 11), patient=world.other_patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=later.pk).update(
            start=at(10, 10, 15), end=at(10, 10, 45), busy_until=at(10, 10, 55)
        )


def test_appointment_history_cannot_be_rewritten(world):
    appointment = book(world, at(10, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentEvent.objects.filter(appointment=appointment).update(detail="changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentEvent.objects.filter(appointment=appointment).delete()
    # Where the database has TRUNCATE, a statement trigger refuses it; it cannot run
    # inside this test's transaction, which has deferred checks pending (the audit tests
    # run it), so look for every trigger of the history's guard instead.
    assert database.missing_guards([guards.HISTORY_APPEND_ONLY]) == []


def test_a_deadlock_between_two_bookings_is_a_lost_race_not_an_error(world, monkeypatch):
    """PostgreSQL aborts one of two bookings that wait on each other's rows in the
    exclusion constraints (40P01): that booking lost the race, like a refused insert."""

    class Deadlock(Exception):
        sqlstate = database.DEADLOCK_DETECTED

    def deadlocked(*args, **kwargs):
        error = OperationalError("deadlock detected")
        error.__cause__ = Deadlock()
        raise error

    monkeypatch.setattr(booking_service, "_insert", deadlocked)
    refusal = refused(SchedulingErrorCode.SLOT_TAKEN, book, world, at(10, 10))
    assert refusal.alternatives

    class Other(Exception):
        sqlstate = "57014"  # query cancelled: not a race, not hidden

    def cancelled(*args, **kwargs):
        error = OperationalError("canceling statement")
        error.__cause__ = Other()
        raise error

    monkeypatch.setattr(booking_service, "_insert", cancelled)
    with pytest.raises(OperationalError):
        book(world, at(10, 10))
