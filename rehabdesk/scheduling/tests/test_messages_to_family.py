"""Booking e-mails about a child without an address of their own go to the guardian who
manages their bookings, greeting the guardian and naming the child."""

from __future__ import annotations

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.scheduling.messages import addressee
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def test_a_childs_confirmation_goes_to_the_guardian(world, personas):
    child, guardian = personas.child, personas.guardian
    assert not child.email
    booked = appointment_book(request=world.request(at(10, 10), patient=child), actor=None, now=NOW)
    message = OutboxMessage.objects.get(kind="booking_confirmation", related_id=str(booked.pk))
    assert message.recipient == guardian.email
    assert f"Hello {guardian.full_name}," in message.body_text
    assert f"For:    {child.full_name}" in message.body_text
    assert f"mailto:{guardian.email}" in message.calendar.replace("\r\n ", "")


def test_nobody_is_written_to_when_no_one_may_be(world, personas):
    child, guardian = personas.child, personas.guardian
    Patient.objects.filter(pk=guardian.pk).update(contact_by_email=False)
    assert addressee(Patient.objects.get(pk=child.pk)) is None
    Patient.objects.filter(pk=guardian.pk).update(contact_by_email=True)
    FamilyLink.objects.filter(dependent=child).update(manages_bookings=False)
    assert addressee(Patient.objects.get(pk=child.pk)) is None


def test_a_patient_with_an_address_is_written_to_themselves_or_not_at_all(world, personas):
    patient = Patient.objects.get(pk=personas.patient_a.pk)
    assert addressee(patient) == patient
    patient.contact_by_email = False
    assert addressee(patient) is None
