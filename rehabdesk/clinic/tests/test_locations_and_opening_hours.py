"""Locations and their weekly opening hours: what a location must say about itself,
hours that never overlap, a day closed over lunch, and hours never changed from under
the shifts that depend on them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Location, OpeningHours, WorkingHours
from rehabdesk.clinic.testing import (
    TODAY,
    hm,
    make_clinic,
    make_location,
    make_practitioner,
    make_shift,
)

pytestmark = pytest.mark.django_db
MON, TUE = Weekday.MONDAY, Weekday.TUESDAY


def span(weekday: int, opens: str, closes: str) -> services.WeeklySpan:
    return services.WeeklySpan(weekday, hm(opens), hm(closes))


def hours_of(location: Location) -> list[tuple[int, str, str]]:
    return [
        (row.weekday, f"{row.opens:%H:%M}", f"{row.closes:%H:%M}")
        for row in OpeningHours.objects.filter(location=location).order_by("weekday", "opens")
    ]


def refused(code: ClinicErrorCode, call, **kwargs) -> ClinicError:
    with pytest.raises(ClinicError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def oshawa(clinic, **fields) -> Location:
    values = {
        "clinic": clinic,
        "name": "Oshawa",
        "slug": "oshawa",
        "street_address": "12 King Street East",
        "city": "Oshawa",
        "postal_code": "L1H 1B2",
        "phone": "905-555-0177",
    } | fields
    return Location(**values)


# --- The location itself -----------------------------------------------------------------


def test_a_location_is_saved_with_its_address_and_zone(clinic):
    location = services.location_save(location=oshawa(clinic))
    stored = Location.objects.get(pk=location.pk)
    assert stored.address == "12 King Street East, Oshawa, ON L1H 1B2"
    assert str(stored.zone) == "America/Toronto"
    assert stored.active


def test_a_location_without_a_street_address_is_refused_on_that_field(clinic):
    error = refused(
        ClinicErrorCode.INVALID, services.location_save, location=oshawa(clinic, street_address="")
    )
    assert error.field == "street_address"
    assert not Location.objects.filter(name="Oshawa").exists()


def test_two_locations_of_one_clinic_cannot_share_a_name(clinic, pickering):
    error = refused(
        ClinicErrorCode.INVALID,
        services.location_save,
        location=oshawa(clinic, name="Pickering", slug="pickering-east"),
    )
    assert "already exists" in error.message
    assert Location.objects.filter(name="Pickering").count() == 1


def test_another_clinic_may_use_the_same_name_but_not_the_same_address_slug(clinic, pickering):
    other = make_clinic("Lakeshore Physio")
    services.location_save(location=oshawa(other, name="Pickering", slug="lakeshore-pickering"))
    error = refused(
        ClinicErrorCode.INVALID,
        services.location_save,
        location=oshawa(other, name="Pickering North", slug="pickering"),
    )
    assert error.field == "slug"
    assert Location.objects.filter(name="Pickering").count() == 2


# --- Opening hours -----------------------------------------------------------------------


def test_new_opening_hours_replace_the_old_ones_whole(pickering):
    services.location_set_opening_hours(
        location=pickering,
        hours=[
            span(MON, "07:00", "12:00"),
            span(MON, "13:00", "21:00"),
            span(TUE, "10:00", "14:00"),
        ],
        today=TODAY,
    )
    assert hours_of(pickering) == [
        (MON, "07:00", "12:00"),
        (MON, "13:00", "21:00"),
        (TUE, "10:00", "14:00"),
    ]


def test_a_span_that_closes_when_it_opens_is_refused_and_the_old_hours_stay(pickering):
    before = hours_of(pickering)
    error = refused(
        ClinicErrorCode.INVALID,
        services.location_set_opening_hours,
        location=pickering,
        hours=[span(MON, "08:00", "12:00"), span(TUE, "12:00", "12:00")],
        today=TODAY,
    )
    assert error.message == "Tuesday 12:00 PM–12:00 PM: closing time must be after opening time."
    assert hours_of(pickering) == before


def test_spans_that_only_touch_do_not_overlap(pickering):
    services.location_set_opening_hours(
        location=pickering,
        hours=[span(MON, "12:00", "18:00"), span(MON, "08:00", "12:00")],
        today=TODAY,
    )
    assert hours_of(pickering) == [(MON, "08:00", "12:00"), (MON, "12:00", "18:00")]


def test_the_same_hours_on_two_weekdays_do_not_overlap(pickering):
    services.location_set_opening_hours(
        location=pickering,
        hours=[span(MON, "08:00", "12:00"), span(TUE, "08:00", "12:00")],
        today=TODAY,
    )
    assert len(hours_of(pickering)) == 2


def test_overlapping_hours_are_named_in_the_refusal(pickering):
    error = refused(
        ClinicErrorCode.OPENING_HOURS_OVERLAP,
        services.opening_hours_validate,
        location=pickering,
        hours=[span(TUE, "13:00", "19:00"), span(TUE, "08:00", "13:30")],
        today=TODAY,
    )
    assert error.message == (
        "Opening hours overlap on Tuesdays: Tuesday 8:00 AM–1:30 PM and Tuesday 1:00 PM–7:00 PM."
    )


def test_a_location_not_yet_saved_has_no_shifts_to_strand(clinic):
    services.opening_hours_validate(
        location=oshawa(clinic), hours=[span(MON, "10:00", "11:00")], today=TODAY
    )


def test_a_day_closed_over_lunch_takes_shifts_only_inside_one_span(clinic):
    location = make_location(
        clinic, "Ajax", hours=[span(MON, "08:00", "12:00"), span(MON, "13:00", "18:00")]
    )
    marc = make_practitioner("Marc Tremblay")
    with pytest.raises(ClinicError) as caught:
        make_shift(marc, location, MON, "10:00", "15:00")
    assert caught.value.code == ClinicErrorCode.OUTSIDE_OPENING_HOURS
    assert caught.value.message == (
        "Ajax is open 8:00 AM–12:00 PM, 1:00 PM–6:00 PM on Mondays; the shift must fit inside."
    )
    assert caught.value.field == "starts"
    make_shift(marc, location, MON, "08:00", "12:00")
    make_shift(marc, location, MON, "13:00", "18:00")
    assert WorkingHours.objects.filter(practitioner=marc).count() == 2


def test_hours_that_would_strand_a_shift_starting_later_are_refused_too(pickering):
    marc = make_practitioner("Marc Tremblay")
    make_shift(marc, pickering, TUE, "17:00", "20:00", effective_from=date(2027, 6, 1))
    refused(
        ClinicErrorCode.SHIFTS_OUTSIDE_OPENING_HOURS,
        services.location_set_opening_hours,
        location=pickering,
        hours=[span(TUE, "08:00", "17:00")],
        today=TODAY,
    )
    assert len(hours_of(pickering)) == 5


def test_a_refusal_names_three_stranded_shifts_and_counts_the_rest(pickering):
    for name in ("Ann Able", "Ben Baker", "Cal Cole", "Dee Dunn"):
        make_shift(make_practitioner(name), pickering, MON, "18:00", "20:00")
    error = refused(
        ClinicErrorCode.SHIFTS_OUTSIDE_OPENING_HOURS,
        services.location_set_opening_hours,
        location=pickering,
        hours=[span(MON, "08:00", "18:00")],
        today=TODAY,
    )
    assert error.message.count("Monday 6:00 PM–8:00 PM at Pickering") == 3
    assert " and 1 more. Change or end them first." in error.message


def test_a_shift_at_another_location_is_not_stranded_by_these_hours(pickering, milton):
    make_shift(make_practitioner("Marc Tremblay"), milton, MON, "18:00", "20:00")
    services.location_set_opening_hours(
        location=pickering, hours=[span(MON, "08:00", "18:00")], today=TODAY
    )
    assert hours_of(pickering) == [(MON, "08:00", "18:00")]


def test_a_closed_day_takes_no_shift_once_its_hours_are_removed(pickering):
    services.location_set_opening_hours(
        location=pickering, hours=[span(MON, "08:00", "20:00")], today=TODAY
    )
    with pytest.raises(ClinicError) as caught:
        make_shift(make_practitioner("Marc Tremblay"), pickering, TUE, "09:00", "12:00")
    assert caught.value.message == "Pickering is closed on Tuesdays."


def test_the_database_refuses_hours_that_close_before_they_open(pickering):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(
            location=pickering, weekday=Weekday.SATURDAY, opens=hm("12:00"), closes=hm("09:00")
        )


# --- An inactive location ----------------------------------------------------------------


def test_an_inactive_location_takes_no_new_shifts(pickering):
    pickering.active = False
    services.location_save(location=pickering)
    marc = make_practitioner("Marc Tremblay")
    with pytest.raises(ClinicError) as caught:
        make_shift(marc, pickering, MON, "09:00", "12:00")
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        ClinicErrorCode.LOCATION_INACTIVE,
        "location",
        "Pickering is not active.",
    )
    assert not WorkingHours.objects.exists()
