"""Every service the demo offers online can really be booked online within the two
weeks its calendar fills: someone qualified works at one of the locations, the rooms it
needs are there and free at some time, and the booking service takes the time the
search offered. The brace fitting is booked by phone only, as its page says.

One demo, loaded as of NOW with two weeks of bookings ahead, is shared by the module;
each booking below is undone with its test's savepoint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.demo.clinic import SERVICES
from rehabdesk.demo.tests.shared import DAYS_AHEAD, NOW
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.scheduling.services import BookingRequest, appointment_book

pytestmark = pytest.mark.django_db

ONLINE = [service.name for service in SERVICES if service.online]
# The calendar is planned this far ahead; after it, any day would be free.
PLANNED_UNTIL = NOW + timedelta(days=DAYS_AHEAD)


def first_free(service: Service, channel: Channel):
    """The earliest free time for `service` at either location, before the calendar
    planned ahead ends."""
    result = availability_search(
        service_id=service.pk,
        location_ids=list(Location.objects.values_list("pk", flat=True)),
        start=NOW,
        end=PLANNED_UNTIL,
        now=NOW,
        channel=channel,
        limit=1,
    )
    return result.slots[0] if result.slots else None


def grace() -> Patient:
    """She has a visit booked, so she may book the follow-ups existing patients book."""
    return Patient.objects.select_related("user").get(email="grace.green@mail.example")


def test_all_but_the_brace_fitting_are_offered_online():
    assert len(ONLINE) == len(SERVICES) - 1 == 13
    assert "Custom joint brace fitting" not in ONLINE


@pytest.mark.parametrize("service_name", ONLINE)
def test_each_online_service_can_be_booked_online_in_the_next_two_weeks(shared_demo, service_name):
    service = Service.objects.get(name=service_name)
    slot = first_free(service, Channel.ONLINE)

    assert slot is not None, f"{service_name}: no free time online in the next two weeks"
    location = Location.objects.select_related("clinic").get(pk=slot.location_id)
    notice = timedelta(minutes=location.clinic.min_online_notice_minutes)
    assert slot.start >= NOW + notice
    patient = grace()
    booked = appointment_book(
        request=BookingRequest(
            patient=patient,
            practitioner=Practitioner.objects.get(pk=slot.practitioner_id),
            service=service,
            location=location,
            start=slot.start,
            channel=Channel.ONLINE,
        ),
        actor=patient.user,
        now=NOW,
    )
    assert (booked.status, booked.start, booked.channel) == (
        AppointmentStatus.BOOKED,
        slot.start,
        Channel.ONLINE,
    )


def test_the_brace_fitting_is_booked_by_phone_and_refused_online(shared_demo):
    fitting = Service.objects.get(name="Custom joint brace fitting")
    slot = first_free(fitting, Channel.PHONE)
    assert slot is not None
    patient = grace()
    before = Appointment.objects.count()

    with pytest.raises(SchedulingError) as refused:
        appointment_book(
            request=BookingRequest(
                patient=patient,
                practitioner=Practitioner.objects.get(pk=slot.practitioner_id),
                service=fitting,
                location=Location.objects.get(pk=slot.location_id),
                start=slot.start,
                channel=Channel.ONLINE,
            ),
            actor=patient.user,
            now=NOW,
        )

    assert refused.value.code == SchedulingErrorCode.NOT_ONLINE_BOOKABLE
    assert Appointment.objects.count() == before
