"""A practitioner's week: shifts inside opening hours, never in two places at once,
and with the travel time between locations."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Break, WorkingHours
from rehabdesk.clinic.testing import (
    TODAY,
    hm,
    make_location,
    make_practitioner,
    make_shift,
)

pytestmark = pytest.mark.django_db
MON, TUE = Weekday.MONDAY, Weekday.TUESDAY


@pytest.fixture
def travel(pickering, milton):
    return services.travel_time_set(
        location_a=pickering, location_b=milton, minutes=60, today=TODAY
    )


@pytest.fixture
def marc():
    return make_practitioner("Marc Tremblay")


def refused(code: ClinicErrorCode, call, *args, **kwargs) -> ClinicError:
    before = (WorkingHours.objects.count(), Break.objects.count())
    with pytest.raises(ClinicError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert (WorkingHours.objects.count(), Break.objects.count()) == before
    return caught.value


def test_it_saves_a_shift_with_its_lunch_break(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", breaks=[("12:00", "12:30")])
    assert [str(b) for b in shift.breaks.all()] == ["12:00 PM–12:30 PM"]


def test_it_refuses_overlapping_shifts_at_two_locations(marc, pickering, milton, travel):
    make_shift(marc, pickering, MON, "08:00", "12:00")
    error = refused(ClinicErrorCode.HOURS_OVERLAP, make_shift, marc, milton, MON, "11:00", "15:00")
    assert "Marc Tremblay already works Mondays 8:00 AM–12:00 PM at Pickering" in error.message


def test_it_refuses_overlapping_shifts_at_one_location(marc, pickering):
    make_shift(marc, pickering, MON, "08:00", "12:00")
    refused(ClinicErrorCode.HOURS_OVERLAP, make_shift, marc, pickering, MON, "11:59", "13:00")


def test_it_allows_back_to_back_shifts_at_one_location(marc, pickering):
    make_shift(marc, pickering, MON, "08:00", "12:00")
    make_shift(marc, pickering, MON, "12:00", "16:00")


def test_it_refuses_too_little_travel_time_between_locations(marc, pickering, milton, travel):
    make_shift(marc, pickering, MON, "08:00", "12:00")
    error = refused(
        ClinicErrorCode.TRAVEL_TIME_TOO_SHORT, make_shift, marc, milton, MON, "12:45", "17:00"
    )
    assert "takes 60 minutes" in error.message


def test_it_allows_shifts_at_two_locations_with_the_travel_time_between(
    marc, pickering, milton, travel
):
    make_shift(marc, pickering, MON, "08:00", "12:00")
    make_shift(marc, milton, MON, "13:00", "17:00")
    assert WorkingHours.objects.filter(practitioner=marc, weekday=MON).count() == 2


def test_it_refuses_two_locations_in_a_day_without_a_travel_time(marc, pickering, milton):
    make_shift(marc, pickering, MON, "08:00", "10:00")
    error = refused(
        ClinicErrorCode.TRAVEL_TIME_MISSING, make_shift, marc, milton, MON, "16:00", "18:00"
    )
    assert "Set the travel time between Milton and Pickering" in error.message


def test_it_allows_two_locations_on_different_days(marc, pickering, milton):
    make_shift(marc, pickering, MON, "08:00", "16:00")
    make_shift(marc, milton, TUE, "08:00", "16:00")


def test_it_allows_clashing_hours_whose_date_ranges_do_not_meet(marc, pickering, milton):
    make_shift(marc, pickering, MON, "08:00", "16:00", effective_until=date(2027, 3, 31))
    make_shift(marc, milton, MON, "08:00", "16:00", effective_from=date(2027, 4, 1))


def test_it_refuses_new_hours_that_clash_from_their_first_shared_monday(marc, pickering, milton):
    make_shift(marc, pickering, MON, "08:00", "16:00", effective_until=date(2027, 4, 5))
    error = refused(
        ClinicErrorCode.HOURS_OVERLAP,
        make_shift,
        marc,
        milton,
        MON,
        "09:00",
        "12:00",
        effective_from=date(2027, 4, 1),
    )
    assert "from 2020-01-01" in error.message


def test_it_compares_locations_in_different_time_zones(marc, clinic, pickering):
    winnipeg = make_location(clinic, "Winnipeg", time_zone="America/Winnipeg")
    services.travel_time_set(location_a=pickering, location_b=winnipeg, minutes=30, today=TODAY)
    # 09:00–11:00 in Winnipeg ends at 12:00 in Pickering.
    make_shift(marc, winnipeg, MON, "09:00", "11:00")
    refused(
        ClinicErrorCode.TRAVEL_TIME_TOO_SHORT, make_shift, marc, pickering, MON, "12:15", "16:00"
    )
    make_shift(marc, pickering, MON, "12:30", "16:00")


def test_it_refuses_a_shift_that_ends_before_it_starts(marc, pickering):
    error = refused(ClinicErrorCode.INVALID, make_shift, marc, pickering, MON, "16:00", "08:00")
    assert error.message == "A shift must end after it starts."


def test_it_refuses_a_shift_outside_opening_hours(marc, pickering):
    error = refused(
        ClinicErrorCode.OUTSIDE_OPENING_HOURS, make_shift, marc, pickering, MON, "07:00", "12:00"
    )
    assert error.message == (
        "Pickering is open 8:00 AM–8:00 PM on Mondays; the shift must fit inside."
    )


def test_it_refuses_a_shift_on_a_day_the_location_is_closed(marc, pickering):
    error = refused(
        ClinicErrorCode.OUTSIDE_OPENING_HOURS,
        make_shift,
        marc,
        pickering,
        Weekday.SUNDAY,
        "09:00",
        "12:00",
    )
    assert error.message == "Pickering is closed on Sundays."


def test_it_refuses_a_break_outside_the_shift(marc, pickering):
    refused(
        ClinicErrorCode.BREAK_OUTSIDE_SHIFT,
        make_shift,
        marc,
        pickering,
        MON,
        "08:00",
        "12:00",
        breaks=[("11:45", "12:15")],
    )


def test_it_refuses_overlapping_breaks(marc, pickering):
    refused(
        ClinicErrorCode.BREAKS_OVERLAP,
        make_shift,
        marc,
        pickering,
        MON,
        "08:00",
        "16:00",
        breaks=[("12:00", "12:30"), ("12:15", "12:45")],
    )


def test_it_leaves_a_shift_untouched_when_a_change_is_refused(marc, pickering, milton, travel):
    monday = make_shift(marc, pickering, MON, "08:00", "12:00", breaks=[("10:00", "10:15")])
    afternoon = make_shift(marc, milton, MON, "13:00", "17:00")
    afternoon.starts = hm("12:30")
    with pytest.raises(ClinicError):
        services.working_hours_save(working_hours=afternoon, breaks=[])
    afternoon.refresh_from_db()
    assert afternoon.starts == hm("13:00")
    assert monday.breaks.count() == 1


def test_it_refuses_a_travel_time_that_existing_hours_could_not_keep(
    marc, pickering, milton, travel
):
    make_shift(marc, pickering, MON, "08:00", "12:00")
    make_shift(marc, milton, MON, "13:30", "17:00")
    services.travel_time_set(location_a=milton, location_b=pickering, minutes=90, today=TODAY)
    with pytest.raises(ClinicError) as caught:
        services.travel_time_set(location_a=pickering, location_b=milton, minutes=91, today=TODAY)
    assert caught.value.code == ClinicErrorCode.TRAVEL_TIME_TOO_SHORT
    with pytest.raises(ClinicError) as caught:
        services.travel_time_set(location_a=pickering, location_b=milton, minutes=None, today=TODAY)
    assert caught.value.code == ClinicErrorCode.TRAVEL_TIME_MISSING
    assert services.travel_time_minutes(pickering, milton) == 90


def test_it_refuses_a_travel_time_from_a_location_to_itself(pickering):
    with pytest.raises(ClinicError) as caught:
        services.travel_time_set(location_a=pickering, location_b=pickering, minutes=5, today=TODAY)
    assert caught.value.code == ClinicErrorCode.SAME_LOCATION


def test_it_refuses_opening_hours_that_would_strand_a_shift(marc, pickering):
    make_shift(marc, pickering, MON, "16:00", "20:00")
    shorter = [services.WeeklySpan(MON, hm("08:00"), hm("18:00"))]
    with pytest.raises(ClinicError) as caught:
        services.location_set_opening_hours(location=pickering, hours=shorter, today=TODAY)
    assert caught.value.code == ClinicErrorCode.SHIFTS_OUTSIDE_OPENING_HOURS
    assert "Marc Tremblay: Monday 4:00 PM–8:00 PM at Pickering" in caught.value.message
    assert pickering.opening_hours.count() == 5


def test_it_ignores_ended_shifts_when_opening_hours_change(marc, pickering):
    make_shift(marc, pickering, MON, "16:00", "20:00", effective_until=date(2027, 1, 1))
    services.location_set_opening_hours(
        location=pickering, hours=[services.WeeklySpan(MON, hm("08:00"), hm("18:00"))], today=TODAY
    )


def test_it_refuses_overlapping_opening_hours(pickering):
    hours = [
        services.WeeklySpan(MON, hm("08:00"), hm("12:00")),
        services.WeeklySpan(MON, hm("11:00"), hm("18:00")),
    ]
    with pytest.raises(ClinicError) as caught:
        services.location_set_opening_hours(location=pickering, hours=hours, today=TODAY)
    assert caught.value.code == ClinicErrorCode.OPENING_HOURS_OVERLAP


def test_the_database_refuses_a_shift_ending_before_it_starts(marc, pickering):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHours.objects.create(
            practitioner=marc,
            location=pickering,
            weekday=MON,
            starts=hm("12:00"),
            ends=hm("08:00"),
            effective_from=TODAY,
        )
