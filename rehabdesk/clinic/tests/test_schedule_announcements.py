"""Every change to someone's bookable time is announced (clinic/signals.py) for the
whole local days or the exact instants it touches, at the right locations, so that
scheduling can look again at the bookings and the waitlist; a refused change announces
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Closure, TimeOff, WorkingHours
from rehabdesk.clinic.signals import days_span, schedule_changed
from rehabdesk.clinic.testing import (
    TODAY,
    hm,
    make_location,
    make_practitioner,
    make_registration,
    make_shift,
)

TORONTO = ZoneInfo("America/Toronto")
WINNIPEG = ZoneInfo("America/Winnipeg")


def local(day: date, hour: int = 0, zone: ZoneInfo = TORONTO) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants (subtracting in one zone counts wall-clock time)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


@pytest.fixture
def announced() -> Iterator[list[dict[str, object]]]:
    """What schedule_changed was sent, in order (without `now`, which is the clock's)."""
    calls: list[dict[str, object]] = []

    def receiver(sender: object, signal: object, now: datetime, **kwargs: object) -> None:
        calls.append(kwargs)

    schedule_changed.connect(receiver, weak=False, dispatch_uid="test-announced")
    yield calls
    schedule_changed.disconnect(dispatch_uid="test-announced")


@pytest.fixture
def marc():
    return make_practitioner("Marc Tremblay")


# --- Whole local days --------------------------------------------------------------------


def test_a_day_spans_twenty_three_hours_when_the_clocks_spring_forward():
    start, end = days_span(date(2027, 3, 14), date(2027, 3, 14), TORONTO)
    assert (start, end) == (local(date(2027, 3, 14)), local(date(2027, 3, 15)))
    assert elapsed(start, end) == timedelta(hours=23)


def test_a_day_spans_twenty_five_hours_when_the_clocks_fall_back():
    start, end = days_span(date(2027, 11, 7), date(2027, 11, 7), TORONTO)
    assert elapsed(start, end) == timedelta(hours=25)
    assert start.utcoffset() == timedelta(hours=-4)
    assert end.utcoffset() == timedelta(hours=-5)


def test_days_without_a_last_day_run_on():
    start, end = days_span(date(2027, 3, 10), None, WINNIPEG)
    assert (start, end) == (local(date(2027, 3, 10), zone=WINNIPEG), None)


# --- Closures ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_closure_announces_its_whole_local_days_at_its_location(announced, pickering):
    services.closure_save(
        closure=Closure(
            location=pickering,
            first_day=date(2027, 3, 13),
            last_day=date(2027, 3, 14),
            name="Ice storm",
        )
    )
    assert announced == [
        {
            "practitioner_ids": None,
            "location_ids": [pickering.pk],
            "start": local(date(2027, 3, 13)),
            "end": local(date(2027, 3, 15)),
        }
    ]
    assert elapsed(announced[0]["start"], announced[0]["end"]) == timedelta(hours=47)


@pytest.mark.django_db
def test_a_closure_at_a_location_in_another_zone_announces_that_zone_s_days(announced, clinic):
    winnipeg = make_location(clinic, "Winnipeg", time_zone="America/Winnipeg")
    announced.clear()
    services.closure_save(
        closure=Closure(
            location=winnipeg,
            first_day=date(2027, 7, 1),
            last_day=date(2027, 7, 1),
            name="Canada Day",
        )
    )
    (call,) = announced
    assert (call["start"], call["end"]) == (
        local(date(2027, 7, 1), zone=WINNIPEG),
        local(date(2027, 7, 2), zone=WINNIPEG),
    )


@pytest.mark.django_db
def test_moving_a_closure_also_announces_the_days_it_gives_back(announced, pickering):
    closure = services.closure_save(
        closure=Closure(
            location=pickering,
            first_day=date(2027, 12, 24),
            last_day=date(2027, 12, 26),
            name="Holidays",
        )
    )
    closure.first_day, closure.last_day = date(2027, 12, 27), date(2027, 12, 28)
    services.closure_save(closure=closure)
    assert (announced[-1]["start"], announced[-1]["end"]) == (
        local(date(2027, 12, 24)),
        local(date(2027, 12, 29)),
    )


@pytest.mark.django_db
def test_deleting_a_closure_announces_the_days_it_gave_back(announced, pickering):
    closure = services.closure_save(
        closure=Closure(
            location=pickering, first_day=date(2027, 8, 2), last_day=date(2027, 8, 2), name="Civic"
        )
    )
    services.closure_delete(closure=closure)
    assert not Closure.objects.exists()
    assert announced[-1] == announced[0]


@pytest.mark.django_db
def test_a_closure_that_ends_before_it_starts_is_refused_and_announces_nothing(
    announced, pickering
):
    with pytest.raises(ClinicError) as caught:
        services.closure_save(
            closure=Closure(
                location=pickering,
                first_day=date(2027, 8, 3),
                last_day=date(2027, 8, 2),
                name="Backwards",
            )
        )
    assert (caught.value.code, caught.value.message) == (
        ClinicErrorCode.INVALID,
        "The last day cannot be before the first day.",
    )
    assert not Closure.objects.exists()
    assert announced == []


# --- Time off ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_time_off_announces_its_exact_span_for_the_practitioner_wherever_they_work(announced, marc):
    starts, ends = local(date(2027, 3, 11), 13), local(date(2027, 3, 11), 16)
    services.time_off_save(time_off=TimeOff(practitioner=marc, starts_at=starts, ends_at=ends))
    assert announced == [
        {"practitioner_ids": [marc.pk], "location_ids": None, "start": starts, "end": ends}
    ]


@pytest.mark.django_db
def test_changed_time_off_announces_both_what_it_took_and_what_it_gives_back(announced, marc):
    away = services.time_off_save(
        time_off=TimeOff(
            practitioner=marc,
            starts_at=local(date(2027, 3, 11), 13),
            ends_at=local(date(2027, 3, 11), 16),
        )
    )
    away.starts_at, away.ends_at = local(date(2027, 3, 12), 9), local(date(2027, 3, 12), 10)
    services.time_off_save(time_off=away)
    assert (announced[-1]["start"], announced[-1]["end"]) == (
        local(date(2027, 3, 11), 13),
        local(date(2027, 3, 12), 10),
    )
    services.time_off_delete(time_off=away)
    assert not TimeOff.objects.exists()
    assert (announced[-1]["start"], announced[-1]["end"]) == (
        local(date(2027, 3, 12), 9),
        local(date(2027, 3, 12), 10),
    )


@pytest.mark.django_db
def test_time_off_that_ends_before_it_starts_is_refused_and_announces_nothing(announced, marc):
    with pytest.raises(ClinicError) as caught:
        services.time_off_save(
            time_off=TimeOff(
                practitioner=marc,
                starts_at=local(date(2027, 3, 11), 16),
                ends_at=local(date(2027, 3, 11), 13),
            )
        )
    assert (caught.value.code, caught.value.message) == (
        ClinicErrorCode.INVALID,
        "Time off must end after it starts.",
    )
    assert not TimeOff.objects.exists()
    assert announced == []


# --- Working hours -----------------------------------------------------------------------


@pytest.mark.django_db
def test_new_hours_announce_from_their_first_day_on_at_their_location(announced, marc, pickering):
    make_shift(marc, pickering, Weekday.MONDAY, "09:00", "17:00", effective_from=date(2027, 3, 15))
    assert announced == [
        {
            "practitioner_ids": [marc.pk],
            "location_ids": [pickering.pk],
            "start": local(date(2027, 3, 15)),
            "end": None,
        }
    ]


@pytest.mark.django_db
def test_hours_with_a_last_day_announce_up_to_the_midnight_after_it(announced, marc, pickering):
    make_shift(
        marc,
        pickering,
        Weekday.MONDAY,
        "09:00",
        "17:00",
        effective_from=date(2027, 3, 1),
        effective_until=date(2027, 3, 31),
    )
    (call,) = announced
    assert (call["start"], call["end"]) == (local(date(2027, 3, 1)), local(date(2027, 4, 1)))


@pytest.mark.django_db
def test_hours_moved_to_another_location_announce_both_locations(
    announced, marc, pickering, milton
):
    shift = make_shift(
        marc,
        pickering,
        Weekday.MONDAY,
        "09:00",
        "17:00",
        effective_from=date(2027, 3, 1),
        effective_until=date(2027, 3, 31),
    )
    shift.location = milton
    shift.effective_from = date(2027, 3, 8)
    shift.effective_until = None
    services.working_hours_save(working_hours=shift)
    assert announced[-1] == {
        "practitioner_ids": [marc.pk],
        "location_ids": sorted([pickering.pk, milton.pk]),
        "start": local(date(2027, 3, 1)),
        "end": None,
    }


@pytest.mark.django_db
def test_deleted_hours_announce_the_days_they_covered(announced, marc, pickering):
    shift = make_shift(
        marc, pickering, Weekday.MONDAY, "09:00", "17:00", effective_from=date(2027, 3, 15)
    )
    services.working_hours_delete(working_hours=shift)
    assert not WorkingHours.objects.exists()
    assert announced[-1] == announced[0]


@pytest.mark.django_db
def test_refused_hours_announce_nothing(announced, marc, pickering):
    with pytest.raises(ClinicError):
        make_shift(marc, pickering, Weekday.SUNDAY, "09:00", "17:00")
    shift = make_shift(marc, pickering, Weekday.MONDAY, "09:00", "17:00")
    announced.clear()
    shift.ends = hm("21:00")
    with pytest.raises(ClinicError):
        services.working_hours_save(working_hours=shift)
    assert announced == []
    assert WorkingHours.objects.get().ends == hm("17:00")


# --- Registrations -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_registration_announces_from_its_first_day_for_its_practitioner(announced, marc):
    make_registration(marc, "cpo", valid_from=date(2027, 4, 1))
    assert announced == [
        {
            "practitioner_ids": [marc.pk],
            "location_ids": None,
            "start": local(date(2027, 4, 1)),
            "end": None,
        }
    ]


@pytest.mark.django_db
def test_a_registration_starting_later_announces_from_its_old_first_day(announced, marc):
    registration = make_registration(marc, "cpo", valid_from=date(2027, 4, 1))
    registration.valid_from = date(2027, 5, 1)
    services.registration_save(registration=registration)
    assert announced[-1]["start"] == local(date(2027, 4, 1))


@pytest.mark.django_db
def test_a_refused_registration_announces_nothing(announced, marc):
    make_registration(marc, "cpo", valid_from=TODAY)
    announced.clear()
    with pytest.raises(ClinicError):
        make_registration(marc, "cpo", valid_from=TODAY + timedelta(days=10))
    assert announced == []
