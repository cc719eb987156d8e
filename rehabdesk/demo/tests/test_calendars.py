"""The demo's bulk import of invented visits leaves out the booking service, never the
database's guards: each imported row is checked, and a visit in the way of one on file
— the practitioner's, a room's, the patient's — is refused with its whole batch."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError

from rehabdesk.audit.models import AuditEvent
from rehabdesk.demo.calendars import Planned, appointments_import
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent, AppointmentResource
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, BookingWorld, at

pytestmark = pytest.mark.django_db


def visit(
    world: BookingWorld, start: datetime, *, practitioner=None, room=None, patient=None
) -> Planned:
    """A 30-minute follow-up (and its 10 minutes' buffer) for the other patient."""
    return Planned(
        patient_id=(patient or world.other_patient).pk,
        practitioner_id=(practitioner or world.physio).pk,
        service_id=world.follow_up.pk,
        location_id=world.pickering.pk,
        start=start,
        end=start + timedelta(minutes=30),
        busy_until=start + timedelta(minutes=40),
        resource_ids=((room or world.rooms[0]).pk,),
        status=AppointmentStatus.BOOKED,
        channel=Channel.PHONE,
    )


def test_it_imports_visits_with_their_rooms_their_history_and_one_audit_event(world, personas):
    imported = appointments_import(
        planned=[visit(world, at(10, 9)), visit(world, at(10, 10))],
        now=NOW,
        actor=personas.front_desk,
    )

    assert imported == 2
    assert AppointmentResource.objects.filter(active=True).count() == 2
    assert set(AppointmentEvent.objects.values_list("kind", flat=True)) == {EventKind.IMPORTED}
    event = AuditEvent.objects.get(summary="appointments (imported)")
    assert event.actor == personas.front_desk


def test_a_visit_in_the_way_of_the_practitioners_booking_is_refused_with_its_batch(world, personas):
    appointment_book(request=world.request(at(10, 9)), actor=personas.front_desk, now=NOW)
    batch = [visit(world, at(10, 11)), visit(world, at(10, 9, 15), room=world.rooms[1])]

    with pytest.raises(IntegrityError):
        appointments_import(planned=batch, now=NOW)

    assert Appointment.objects.count() == 1


def test_a_visit_in_a_room_held_then_is_refused_with_its_batch(world, personas):
    booked = appointment_book(request=world.request(at(10, 9)), actor=personas.front_desk, now=NOW)
    room = booked.resource_holds.get().resource
    batch = [
        visit(world, at(10, 11)),
        visit(world, at(10, 9), practitioner=world.massage_therapist, room=room),
    ]

    with pytest.raises(IntegrityError):
        appointments_import(planned=batch, now=NOW)

    assert Appointment.objects.count() == 1


def test_a_visit_while_its_patient_is_in_another_is_refused_with_its_batch(world, personas):
    appointment_book(request=world.request(at(10, 9)), actor=personas.front_desk, now=NOW)
    batch = [
        visit(world, at(10, 11)),
        visit(
            world,
            at(10, 9, 15),
            practitioner=world.massage_therapist,
            room=world.rooms[1],
            patient=world.patient,
        ),
    ]

    with pytest.raises(IntegrityError):
        appointments_import(planned=batch, now=NOW)

    assert Appointment.objects.count() == 1
