"""Travel times between locations and the finer rules of a shift: a pair stored once
whichever way round it is given, forgotten only when nobody's hours need it, breaks and
dates that make sense, and two locations compared as real instants on every day both
shifts apply."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Break, TravelTime, WorkingHours
from rehabdesk.clinic.testing import TODAY, hm, make_location, make_practitioner, make_shift

pytestmark = pytest.mark.django_db
MON, TUE = Weekday.MONDAY, Weekday.TUESDAY


@pytest.fixture
def marc():
    return make_practitioner("Marc Tremblay")


def set_travel(a, b, minutes):
    return services.travel_time_set(location_a=a, location_b=b, minutes=minutes, today=TODAY)


def stored_pairs() -> list[tuple[int, int, int]]:
    return list(TravelTime.objects.values_list("location_a_id", "location_b_id", "minutes"))


# --- Travel times ------------------------------------------------------------------------


def test_a_travel_time_is_stored_once_lower_location_first_whichever_way_it_is_given(
    pickering, milton
):
    assert pickering.pk < milton.pk
    set_travel(milton, pickering, 45)
    set_travel(pickering, milton, 50)
    set_travel(milton, pickering, 55)
    assert stored_pairs() == [(pickering.pk, milton.pk, 55)]
    assert services.travel_time_minutes(pickering, milton) == 55
    assert services.travel_time_minutes(milton, pickering) == 55


def test_a_location_is_no_travel_from_itself_and_an_unknown_pair_is_unknown(pickering, milton):
    assert services.travel_time_minutes(pickering, pickering) == 0
    assert services.travel_time_minutes(pickering, milton) is None


def test_a_forgotten_travel_time_is_gone(pickering, milton):
    set_travel(pickering, milton, 40)
    assert set_travel(milton, pickering, None) is None
    assert stored_pairs() == []
    assert services.travel_time_minutes(pickering, milton) is None


def test_a_negative_travel_time_is_refused_on_its_field(pickering, milton):
    set_travel(pickering, milton, 40)
    with pytest.raises(ClinicError) as caught:
        set_travel(pickering, milton, -5)
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        ClinicErrorCode.INVALID,
        "minutes",
        "Travel time cannot be negative.",
    )
    assert services.travel_time_minutes(pickering, milton) == 40


def test_a_travel_time_nobody_s_day_needs_can_be_forgotten(marc, pickering, milton):
    set_travel(pickering, milton, 40)
    make_shift(marc, pickering, MON, "08:00", "12:00")
    make_shift(marc, milton, TUE, "13:00", "17:00")
    set_travel(pickering, milton, None)
    assert stored_pairs() == []


def test_hours_that_have_ended_do_not_hold_a_travel_time(marc, pickering, milton):
    set_travel(pickering, milton, 30)
    make_shift(marc, pickering, MON, "08:00", "12:00", effective_until=date(2027, 2, 28))
    make_shift(marc, milton, MON, "12:30", "17:00", effective_until=date(2027, 2, 28))
    set_travel(pickering, milton, 90)
    set_travel(pickering, milton, None)
    assert stored_pairs() == []


def test_a_travel_time_that_strands_someone_names_them_and_keeps_the_old_one(
    marc, pickering, milton
):
    set_travel(pickering, milton, 30)
    make_shift(marc, pickering, MON, "08:00", "12:00")
    make_shift(marc, milton, MON, "12:30", "17:00")
    with pytest.raises(ClinicError) as caught:
        set_travel(pickering, milton, 31)
    assert caught.value.code == ClinicErrorCode.TRAVEL_TIME_TOO_SHORT
    assert caught.value.message.startswith("Marc Tremblay also works Mondays")
    assert "takes 31 minutes" in caught.value.message
    assert services.travel_time_minutes(pickering, milton) == 30


def test_the_database_keeps_one_row_per_pair_lower_location_first(pickering, milton):
    low, high = sorted([pickering, milton], key=lambda location: location.pk)
    TravelTime.objects.create(location_a=low, location_b=high, minutes=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        TravelTime.objects.create(location_a=low, location_b=high, minutes=45)
    with pytest.raises(IntegrityError), transaction.atomic():
        TravelTime.objects.create(location_a=high, location_b=low, minutes=45)
    assert stored_pairs() == [(low.pk, high.pk, 30)]


# --- A shift's own rules -----------------------------------------------------------------


def test_a_shift_whose_last_day_comes_before_its_first_is_refused(marc, pickering):
    with pytest.raises(ClinicError) as caught:
        make_shift(
            marc,
            pickering,
            MON,
            "09:00",
            "12:00",
            effective_from=date(2027, 4, 1),
            effective_until=date(2027, 3, 31),
        )
    assert (caught.value.code, caught.value.message) == (
        ClinicErrorCode.INVALID,
        "The last day cannot be before the first day.",
    )
    assert not WorkingHours.objects.exists()


def test_a_break_that_ends_before_it_starts_is_refused(marc, pickering):
    with pytest.raises(ClinicError) as caught:
        make_shift(marc, pickering, MON, "08:00", "16:00", breaks=[("12:30", "12:00")])
    assert (caught.value.code, caught.value.message) == (
        ClinicErrorCode.INVALID,
        "Break 12:30 PM–12:00 PM: a break must end after it starts.",
    )
    assert not Break.objects.exists()


def test_breaks_may_fill_the_shift_s_edges_and_follow_each_other(marc, pickering):
    shift = make_shift(
        marc,
        pickering,
        MON,
        "08:00",
        "16:00",
        breaks=[("15:45", "16:00"), ("08:00", "08:15"), ("12:00", "12:30"), ("12:30", "12:45")],
    )
    assert [str(b) for b in shift.breaks.order_by("starts")] == [
        "8:00 AM–8:15 AM",
        "12:00 PM–12:30 PM",
        "12:30 PM–12:45 PM",
        "3:45 PM–4:00 PM",
    ]


def test_a_shift_saved_again_without_breaks_keeps_the_breaks_it_has(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", breaks=[("12:00", "12:30")])
    shift.ends = hm("17:00")
    services.working_hours_save(working_hours=shift)
    stored = WorkingHours.objects.get(pk=shift.pk)
    assert stored.ends == hm("17:00")
    assert [str(b) for b in stored.breaks.all()] == ["12:00 PM–12:30 PM"]


def test_a_shortened_shift_must_still_hold_its_breaks(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", breaks=[("12:00", "12:30")])
    shift.ends = hm("12:15")
    with pytest.raises(ClinicError) as caught:
        services.working_hours_save(working_hours=shift)
    assert caught.value.code == ClinicErrorCode.BREAK_OUTSIDE_SHIFT
    stored = WorkingHours.objects.get(pk=shift.pk)
    assert (stored.ends, stored.breaks.count()) == (hm("16:00"), 1)


def test_a_shift_changed_in_place_is_not_compared_with_itself(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "12:00")
    shift.starts, shift.ends = hm("09:00"), hm("13:00")
    services.working_hours_save(working_hours=shift, breaks=[])
    assert WorkingHours.objects.get().starts == hm("09:00")


def test_hours_that_end_before_the_first_shared_weekday_do_not_clash(marc, pickering, milton):
    # The old Monday hours end on Sunday, March 14; the new ones start on Wednesday the
    # 10th but apply first on Monday the 15th.
    make_shift(marc, pickering, MON, "08:00", "16:00", effective_until=date(2027, 3, 14))
    make_shift(marc, milton, MON, "08:00", "16:00", effective_from=date(2027, 3, 10))
    assert WorkingHours.objects.filter(practitioner=marc).count() == 2


def test_another_practitioner_s_hours_never_clash_with_these(marc, pickering):
    make_shift(marc, pickering, MON, "08:00", "16:00")
    make_shift(make_practitioner("Sofia Martins"), pickering, MON, "08:00", "16:00")
    assert WorkingHours.objects.count() == 2


# --- Two zones, one of them without daylight time ----------------------------------------
# Creston, BC keeps Mountain Standard Time all year (America/Creston); Cranbrook, an hour
# and a quarter's drive away, changes its clocks (America/Edmonton). In winter their
# clocks agree; in summer Cranbrook is an hour ahead.


@pytest.fixture
def kootenays(clinic):
    creston = make_location(clinic, "Creston", time_zone="America/Creston")
    cranbrook = make_location(clinic, "Cranbrook", time_zone="America/Edmonton")
    services.travel_time_set(location_a=creston, location_b=cranbrook, minutes=75, today=TODAY)
    return creston, cranbrook


def test_shifts_first_shared_in_summer_are_checked_on_summer_clocks(marc, kootenays):
    creston, cranbrook = kootenays
    summer = date(2027, 6, 7)
    make_shift(marc, creston, MON, "08:00", "11:00", effective_from=summer)
    # Creston 11:00 is Cranbrook 12:00 in summer: 30 minutes to make a 75-minute drive.
    with pytest.raises(ClinicError) as caught:
        make_shift(marc, cranbrook, MON, "12:30", "16:00", effective_from=summer)
    assert caught.value.code == ClinicErrorCode.TRAVEL_TIME_TOO_SHORT
    assert "first clash on 2027-06-07" in caught.value.message


@pytest.mark.xfail(
    strict=True,
    reason="Known limitation (docs/algorithms/working-hours.md): two shifts are compared "
    "only on their first common date, so hours first shared in winter are accepted although "
    "every summer Monday leaves 30 of the 75 minutes' travel; the availability engine still "
    "never books both sides of the gap.",
)
def test_shifts_first_shared_in_winter_are_still_checked_on_summer_clocks(marc, kootenays):
    creston, cranbrook = kootenays
    # From January 2020 on: 90 minutes apart in winter, 30 in summer.
    make_shift(marc, creston, MON, "08:00", "11:00")
    with pytest.raises(ClinicError) as caught:
        make_shift(marc, cranbrook, MON, "12:30", "16:00")
    assert caught.value.code == ClinicErrorCode.TRAVEL_TIME_TOO_SHORT
    assert WorkingHours.objects.filter(practitioner=marc).count() == 1
