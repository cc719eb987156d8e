"""Every refusal of the booking service, by its code: who may be booked for what, which
appointments can still be confirmed, moved, checked in or cancelled, and why a time is
not on offer. Each leaves the calendar, the history, the audit trail, the outbox and
the waitlist's desk exactly as they were."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.availability.types import Reason
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.clinic.models import Closure, Location, ResourceKind, Service, TimeOff
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_deactivate
from rehabdesk.scheduling import services
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentResource,
    FreedTime,
)
from rehabdesk.scheduling.services import (
    appointment_cancel_by_patient,
    appointment_move_by_patient,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db
Code = SchedulingErrorCode


def on_file() -> tuple[object, ...]:
    """Everything a refusal must leave as it was."""
    return (
        list(Appointment.objects.order_by("pk").values()),
        list(
            AppointmentResource.objects.order_by("pk").values_list(
                "pk", "resource_id", "start", "busy_until", "active"
            )
        ),
        list(AppointmentEvent.objects.order_by("pk").values_list("pk", "kind")),
        list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
        list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)),
        list(FreedTime.objects.order_by("pk").values_list("pk", flat=True)),
    )


def refused(code: SchedulingErrorCode, call, **kwargs) -> SchedulingError:
    before = on_file()
    with pytest.raises(SchedulingError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    assert on_file() == before
    return caught.value


def book(world, start: datetime, **kwargs) -> Appointment:
    return services.appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def hold(world, start: datetime, **kwargs) -> Appointment:
    return services.appointment_hold(request=world.request(start, **kwargs), actor=None, now=NOW)


def deactivate(patient: Patient) -> Patient:
    return patient_deactivate(actor=None, patient=patient, reason="Moved away", now=NOW)


def eligibility(service: Service, rule: PatientEligibility) -> None:
    service.patient_eligibility = rule
    clinic_services.service_save(service=service, on=NOW.date())


# --- Who may be booked -------------------------------------------------------------------


def test_an_inactive_patient_cannot_be_held_a_time(world):
    error = refused(
        Code.PATIENT_INACTIVE,
        services.appointment_hold,
        request=world.request(at(10, 10), patient=deactivate(world.patient)),
        actor=None,
        now=NOW,
    )
    assert error.message == "This patient's record is inactive."


def test_a_patient_deactivated_since_booking_cannot_be_moved(world):
    appointment = book(world, at(10, 10))
    deactivate(world.patient)
    refused(
        Code.PATIENT_INACTIVE,
        services.appointment_reschedule,
        appointment=appointment,
        start=at(11, 10),
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )


def test_an_inactive_patient_cannot_claim_a_time_held_online(world):
    anonymous = services.appointment_hold(
        request=services.BookingRequest(
            patient=None,
            practitioner=world.physio,
            service=world.follow_up,
            location=world.pickering,
            start=at(10, 10),
            channel=Channel.ONLINE,
        ),
        actor=None,
        now=NOW,
    )
    refused(
        Code.PATIENT_INACTIVE,
        services.appointment_hold_claim,
        appointment=anonymous,
        patient=deactivate(world.patient),
        actor=None,
        now=NOW,
    )
    assert Appointment.objects.get(pk=anonymous.pk).patient_id is None


def test_a_cancelled_visit_does_not_make_a_patient_known(world):
    eligibility(world.follow_up, PatientEligibility.EXISTING_ONLY)
    services.appointment_cancel(
        appointment=book(
            world, at(9, 10), service=world.massage, practitioner=world.massage_therapist
        ),
        actor=None,
        now=NOW,
    )
    error = refused(
        Code.EXISTING_PATIENTS_ONLY,
        services.appointment_book,
        request=world.request(at(10, 10)),
        actor=None,
        now=NOW,
    )
    assert error.message == "Follow-up follows a first visit: please book an assessment first."


def test_a_visit_booked_for_later_makes_a_patient_known(world):
    eligibility(world.follow_up, PatientEligibility.EXISTING_ONLY)
    book(world, at(12, 10), service=world.massage, practitioner=world.massage_therapist)
    assert book(world, at(10, 10)).status == AppointmentStatus.BOOKED


def test_a_missed_or_held_visit_does_not_make_a_patient_known_either(world):
    eligibility(world.follow_up, PatientEligibility.NEW_ONLY)
    missed = book(world, at(8, 9), service=world.massage, practitioner=world.massage_therapist)
    services.appointment_mark_noshow(appointment=missed, actor=None, now=at(8, 9, 15))
    hold(world, at(9, 14), service=world.massage, practitioner=world.massage_therapist)
    assert book(world, at(10, 10)).status == AppointmentStatus.BOOKED
    error = refused(
        Code.NEW_PATIENTS_ONLY,
        services.appointment_book,
        request=world.request(at(11, 10)),
        actor=None,
        now=NOW,
    )
    assert error.message == "Follow-up is for new patients."


def test_a_service_booked_by_phone_cannot_be_held_online_but_the_desk_books_it(world):
    world.follow_up.online_bookable = False
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    error = refused(
        Code.NOT_ONLINE_BOOKABLE,
        services.appointment_hold,
        request=world.request(at(10, 10), channel=Channel.ONLINE),
        actor=None,
        now=NOW,
    )
    assert error.message == "Follow-up is booked by phone: please call the clinic."
    assert book(world, at(10, 10), channel=Channel.PHONE).channel == Channel.PHONE


# --- The same key, another booking -------------------------------------------------------


def test_a_key_sent_again_for_a_different_booking_is_refused(world):
    services.appointment_book(
        request=world.request(at(10, 10)), actor=None, now=NOW, idempotency_key="desk-0001"
    )
    for other in (
        {"patient": world.other_patient},
        {"practitioner": world.massage_therapist, "service": world.massage},
        {"channel": Channel.PHONE},
    ):
        error = refused(
            Code.IDEMPOTENCY_MISMATCH,
            services.appointment_book,
            request=world.request(at(10, 10), **other),
            actor=None,
            now=NOW,
            idempotency_key="desk-0001",
        )
        assert error.message == (
            "This idempotency key was already used for another request: send a new key "
            "with each new booking."
        )


def test_a_hold_sent_again_with_its_key_is_the_same_hold(world):
    first = services.appointment_hold(
        request=world.request(at(10, 10)), actor=None, now=NOW, idempotency_key="web-0001"
    )
    again = services.appointment_hold(
        request=world.request(at(10, 10)),
        actor=None,
        now=NOW + timedelta(minutes=1),
        idempotency_key="web-0001",
    )
    assert again.pk == first.pk
    assert again.hold_expires_at == first.hold_expires_at
    assert Appointment.objects.count() == 1


# --- Holds -------------------------------------------------------------------------------


def test_a_booking_is_not_a_hold_to_confirm(world):
    appointment = book(world, at(10, 10))
    error = refused(
        Code.NOT_A_HOLD, services.appointment_confirm, appointment=appointment, actor=None, now=NOW
    )
    assert error.message == "This time is not on hold."


def test_a_hold_confirmed_once_is_not_confirmed_twice(world):
    held = hold(world, at(10, 10))
    services.appointment_confirm(appointment=held, actor=None, now=NOW)
    refused(Code.NOT_A_HOLD, services.appointment_confirm, appointment=held, actor=None, now=NOW)
    assert OutboxMessage.objects.filter(kind="booking_confirmation").count() == 1


def test_a_hold_released_by_the_sweep_is_no_longer_a_hold(world):
    held = hold(world, at(10, 10))
    later = NOW + services.HOLD_DURATION
    assert services.holds_release_expired(now=later) == 1
    refused(Code.NOT_A_HOLD, services.appointment_confirm, appointment=held, actor=None, now=later)


def test_a_hold_one_second_before_its_expiry_is_still_confirmed(world):
    held = hold(world, at(10, 10))
    confirmed = services.appointment_confirm(
        appointment=held, actor=None, now=held.hold_expires_at - timedelta(seconds=1)
    )
    assert confirmed.status == AppointmentStatus.BOOKED


# --- Moving ------------------------------------------------------------------------------


def move(appointment, start, **kwargs):
    return services.appointment_reschedule(
        appointment=appointment, start=start, actor=None, now=NOW, channel=Channel.STAFF, **kwargs
    )


def test_only_a_booking_still_to_come_can_be_moved(world):
    arrived = book(world, at(8, 9))
    services.appointment_arrive(appointment=arrived, actor=None, now=at(8, 8, 55))
    missed = book(
        world,
        at(8, 9),
        practitioner=world.massage_therapist,
        service=world.massage,
        patient=world.other_patient,
    )
    services.appointment_mark_noshow(appointment=missed, actor=None, now=at(8, 9, 15))
    for appointment in (arrived, missed):
        error = refused(
            Code.NOT_ACTIVE,
            services.appointment_reschedule,
            appointment=appointment,
            start=at(10, 10),
            actor=None,
            now=at(8, 9, 30),
            channel=Channel.STAFF,
        )
        assert error.message == "Only a booked appointment can be moved."


def test_a_move_to_a_time_without_its_zone_is_refused_on_the_start(world):
    appointment = book(world, at(10, 10))
    error = refused(
        Code.INVALID,
        services.appointment_reschedule,
        appointment=appointment,
        start=at(11, 10).replace(tzinfo=None),
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert (error.field, error.message) == ("start", "The start time must include its time zone.")


def test_a_move_to_a_practitioner_not_qualified_for_the_service_is_refused(world):
    appointment = book(world, at(10, 10))
    error = refused(
        Code.SLOT_UNAVAILABLE,
        services.appointment_reschedule,
        appointment=appointment,
        start=at(11, 10),
        practitioner=world.massage_therapist,
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert error.reason == Reason.NOBODY_QUALIFIED


def test_a_move_to_a_location_where_nobody_works_is_refused_with_nothing_to_offer(world, personas):
    appointment = book(world, at(10, 10))
    error = refused(
        Code.SLOT_UNAVAILABLE,
        services.appointment_reschedule,
        appointment=appointment,
        start=at(11, 10),
        location=personas.milton,
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert error.alternatives == []


# --- Why a time is not on offer ----------------------------------------------------------


def not_on_offer(world, start: datetime, **kwargs) -> SchedulingError:
    return refused(
        Code.SLOT_UNAVAILABLE,
        services.appointment_book,
        request=world.request(start, **kwargs),
        actor=None,
        now=NOW,
    )


def test_a_closed_day_says_closed_and_offers_the_next_open_day(world):
    clinic_services.closure_save(
        closure=Closure(
            location=world.pickering,
            first_day=date(2027, 3, 10),
            last_day=date(2027, 3, 10),
            name="Storm",
        )
    )
    error = not_on_offer(world, at(10, 10))
    assert error.reason == Reason.CLOSED
    assert [slot.start for slot in error.alternatives] == [at(11, 9), at(11, 9, 15), at(11, 9, 30)]


def test_time_off_says_closed_and_offers_the_time_after_it(world):
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(10, 9), ends_at=at(10, 11))
    )
    error = not_on_offer(world, at(10, 10))
    assert error.reason == Reason.CLOSED
    assert error.alternatives[0].start == at(10, 11)


def test_a_time_past_the_booking_horizon_says_so(world):
    error = not_on_offer(world, NOW + timedelta(days=120))
    assert error.reason == Reason.BEYOND_HORIZON


def test_a_time_already_past_is_not_on_offer(world):
    error = not_on_offer(world, at(5, 10))
    assert error.reason == Reason.CLOSED


def test_a_service_needing_equipment_the_location_lacks_says_no_resources(world):
    needs_a_gym = clinic_services.service_save(
        service=world.follow_up,
        on=NOW.date(),
        resource_kinds=ResourceKind.objects.filter(slug="gym"),
    )
    error = not_on_offer(world, at(10, 10), service=needs_a_gym)
    assert error.reason == Reason.NO_RESOURCES


def test_a_time_off_the_clinic_s_grid_is_not_on_offer(world):
    error = not_on_offer(world, at(10, 10, 7))
    assert error.alternatives[0].start == at(10, 10, 15)


# --- The day of the visit ----------------------------------------------------------------


def test_a_hold_cannot_be_checked_in_or_marked_missed(world):
    held = hold(world, at(8, 9))
    refused(
        Code.NOT_ACTIVE, services.appointment_arrive, appointment=held, actor=None, now=at(8, 9)
    )
    refused(
        Code.NOT_ACTIVE,
        services.appointment_mark_noshow,
        appointment=held,
        actor=None,
        now=at(8, 9, 10),
    )


def test_a_no_show_cannot_then_be_cancelled_or_checked_in(world):
    appointment = book(world, at(8, 9))
    services.appointment_mark_noshow(appointment=appointment, actor=None, now=at(8, 9, 15))
    error = refused(
        Code.NOT_ACTIVE,
        services.appointment_cancel,
        appointment=appointment,
        actor=None,
        now=at(8, 9, 20),
        by=CancelledBy.PATIENT,
    )
    assert error.message == "This appointment is no longer active."
    refused(
        Code.NOT_ACTIVE,
        services.appointment_arrive,
        appointment=appointment,
        actor=None,
        now=at(8, 9, 20),
    )


def test_a_cancelled_appointment_cannot_be_kept_outside_hours(world):
    appointment = book(world, at(11, 10))
    clinic_services.time_off_save(
        time_off=TimeOff(practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 12))
    )
    services.appointment_cancel(appointment=appointment, actor=None, now=NOW)
    refused(Code.INVALID, services.appointment_keep, appointment=appointment, actor=None, now=NOW)


# --- What patients may change themselves -------------------------------------------------


def test_a_patient_cannot_change_a_time_only_held_for_them(world):
    held = hold(world, at(12, 10))
    error = refused(
        Code.CALL_US, appointment_cancel_by_patient, appointment=held, actor=None, now=NOW
    )
    assert error.message == (
        f"This appointment can no longer be changed. Please call {world.pickering.phone}."
    )


def test_a_patient_cannot_change_a_visit_that_has_begun(world):
    appointment = book(world, at(8, 9))
    refused(
        Code.CALL_US,
        appointment_move_by_patient,
        appointment=appointment,
        start=at(12, 10),
        practitioner=world.physio,
        actor=None,
        now=at(8, 9),
    )


def test_a_service_changed_by_phone_is_not_changed_online(world):
    appointment = book(world, at(12, 10))
    world.follow_up.online_bookable = False
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    error = refused(
        Code.CALL_US, appointment_cancel_by_patient, appointment=appointment, actor=None, now=NOW
    )
    assert error.message == f"Follow-up is changed by phone. Please call {world.pickering.phone}."


def test_a_location_without_a_phone_gives_the_clinic_s(world):
    appointment = book(world, at(8, 16))
    world.pickering.clinic.phone = "1-800-555-0199"
    clinic_services.configuration_save(instance=world.pickering.clinic)
    Location.objects.filter(pk=world.pickering.pk).update(phone="")
    error = refused(
        Code.CALL_US, appointment_cancel_by_patient, appointment=appointment, actor=None, now=NOW
    )
    assert error.message.endswith("Please call 1-800-555-0199.")
