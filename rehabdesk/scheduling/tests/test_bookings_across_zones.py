"""A practitioner working at two locations whose clocks change on different terms is
never booked on both sides of a gap too short to travel: the roster is checked on the
shifts' first common date only (docs/algorithms/working-hours.md), but each booking is
checked on its own day, in real instants, with the travel time around the bookings
already made elsewhere."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.testing import (
    TODAY,
    make_location,
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
)
from rehabdesk.scheduling import services
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

CRESTON = ZoneInfo("America/Creston")  # Mountain Standard Time all year
CRANBROOK = ZoneInfo("America/Edmonton")  # Mountain Time, with daylight time
SUMMER_MONDAY = 7  # June 7, 2027
NOW = datetime(2027, 6, 1, 8, tzinfo=CRANBROOK)


def test_a_summer_booking_leaves_the_travel_time_the_winter_roster_assumed(personas):
    clinic = personas.pickering.clinic
    creston = make_location(clinic, "Creston", time_zone="America/Creston")
    cranbrook = make_location(clinic, "Cranbrook", time_zone="America/Edmonton")
    clinic_services.travel_time_set(
        location_a=creston, location_b=cranbrook, minutes=75, today=TODAY
    )
    marc = make_practitioner("Marc Tremblay")
    make_registration(marc, "cpo")
    # 90 minutes apart in winter, accepted; 30 in summer.
    make_shift(marc, creston, Weekday.MONDAY, "08:00", "11:00")
    make_shift(marc, cranbrook, Weekday.MONDAY, "12:30", "16:00")
    follow_up = make_service("Follow-up")

    def request(location, start):
        return services.BookingRequest(
            patient=personas.patient_a,
            practitioner=marc,
            service=follow_up,
            location=location,
            start=start,
            channel=Channel.STAFF,
        )

    morning = services.appointment_book(
        request=request(creston, datetime(2027, 6, SUMMER_MONDAY, 10, 15, tzinfo=CRESTON)),
        actor=None,
        now=NOW,
    )
    with pytest.raises(SchedulingError) as refused:
        services.appointment_book(
            request=request(cranbrook, datetime(2027, 6, SUMMER_MONDAY, 12, 30, tzinfo=CRANBROOK)),
            actor=None,
            now=NOW,
        )
    assert refused.value.code == SchedulingErrorCode.SLOT_UNAVAILABLE
    # Creston 10:45 is Cranbrook 11:45; 75 minutes later is 13:00.
    assert refused.value.alternatives[0].start == datetime(
        2027, 6, SUMMER_MONDAY, 13, 0, tzinfo=CRANBROOK
    )
    assert list(Appointment.objects.filter(practitioner=marc)) == [morning]
