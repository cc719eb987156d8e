"""What the kept calendar configuration holds — the shifts of practitioners still on the
team with their breaks, rooms in use, closures, travel both ways — and when it is read
again: after a change through the services, not after a change to something a search
never reads."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from rehabdesk.availability.types import DateRange, WeeklyShift
from rehabdesk.clinic import change_stamp, services
from rehabdesk.clinic.calendar_configuration import calendar_configuration, in_effect_between
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import (
    Closure,
    ConfigurationStamp,
    PageText,
    Resource,
    ResourceKind,
    TimeOff,
)
from rehabdesk.clinic.qualifications import Requirement
from rehabdesk.clinic.testing import (
    TODAY,
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
    qualification,
)

TORONTO = ZoneInfo("America/Toronto")
MON, TUE = Weekday.MONDAY, Weekday.TUESDAY


def stamp() -> int:
    return ConfigurationStamp.objects.get(pk=1).stamp


def shift(first: date, last: date | None) -> WeeklyShift:
    return WeeklyShift(
        location_id=1,
        weekday=MON,
        starts=time(9),
        ends=time(17),
        effective=DateRange(first, last),
        breaks=(),
    )


# --- In effect between two days (no database) --------------------------------------------


def test_a_shift_is_in_effect_when_its_dates_meet_the_window_at_either_end():
    window = (date(2027, 3, 8), date(2027, 3, 14))
    assert in_effect_between(shift(date(2027, 3, 14), None), *window)
    assert in_effect_between(shift(date(2020, 1, 1), date(2027, 3, 8)), *window)
    assert not in_effect_between(shift(date(2027, 3, 15), None), *window)
    assert not in_effect_between(shift(date(2020, 1, 1), date(2027, 3, 7)), *window)


# --- What it holds -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_holds_the_shifts_of_practitioners_still_on_the_team_with_sorted_breaks(pickering):
    marc = make_practitioner("Marc Tremblay")
    make_shift(
        marc,
        pickering,
        MON,
        "08:00",
        "17:00",
        effective_until=date(2027, 12, 31),
        breaks=[("15:00", "15:15"), ("12:00", "12:30")],
    )
    gone = make_practitioner("Gone Away")
    make_shift(gone, pickering, MON, "08:00", "17:00")
    gone.active = False
    services.practitioner_save(practitioner=gone)
    configuration = calendar_configuration()
    assert configuration.shifts == (
        (
            marc.pk,
            WeeklyShift(
                location_id=pickering.pk,
                weekday=MON,
                starts=time(8),
                ends=time(17),
                effective=DateRange(date(2020, 1, 1), date(2027, 12, 31)),
                breaks=((time(12), time(12, 30)), (time(15), time(15, 15))),
            ),
        ),
    )


@pytest.mark.django_db
def test_shifts_by_day_come_earliest_start_first_per_location_and_weekday(pickering, milton):
    late, early, elsewhere = (
        make_practitioner(n) for n in ("Late Start", "Early Bird", "Else Where")
    )
    make_shift(late, pickering, MON, "12:00", "18:00")
    make_shift(early, pickering, MON, "08:00", "12:00")
    make_shift(elsewhere, milton, MON, "08:00", "09:00")
    make_shift(early, pickering, TUE, "09:00", "10:00")
    by_day = calendar_configuration().shifts_by_day
    assert [(person, s.starts) for person, s in by_day[pickering.pk, MON]] == [
        (early.pk, time(8)),
        (late.pk, time(12)),
    ]
    assert [person for person, _ in by_day[milton.pk, MON]] == [elsewhere.pk]
    assert [person for person, _ in by_day[pickering.pk, TUE]] == [early.pk]
    assert (milton.pk, TUE) not in by_day


@pytest.mark.django_db
def test_it_holds_rooms_in_use_closures_and_travel_in_both_directions(pickering, milton):
    kind = ResourceKind.objects.get(slug="treatment-room")
    room = services.configuration_save(
        instance=Resource(location=pickering, kind=kind, name="Room 1")
    )
    services.configuration_save(
        instance=Resource(location=pickering, kind=kind, name="Room 2", active=False)
    )
    services.closure_save(
        closure=Closure(
            location=milton, first_day=date(2027, 7, 1), last_day=date(2027, 7, 2), name="Summer"
        )
    )
    services.travel_time_set(location_a=milton, location_b=pickering, minutes=40, today=TODAY)
    configuration = calendar_configuration()
    assert configuration.resources == ((room.pk, pickering.pk, kind.pk),)
    assert configuration.closures == {milton.pk: [DateRange(date(2027, 7, 1), date(2027, 7, 2))]}
    assert configuration.travel == {frozenset({pickering.pk, milton.pk}): timedelta(minutes=40)}


@pytest.mark.django_db
def test_it_holds_who_may_deliver_what(pickering):
    priya = make_practitioner("Priya Raman")
    make_registration(priya, "cpo", valid_until=date(2027, 5, 31), roster_codes=["acupuncture"])
    service = make_service(
        "Dry needling",
        discipline="acupuncture",
        tax="acupuncture",
        qualifications=[qualification("cpo", "acupuncture"), qualification("ctcmpao")],
    )
    configuration = calendar_configuration()
    ((credential),) = configuration.credentials[priya.pk]
    assert (
        credential.valid_until,
        credential.permits_practice,
        len(credential.authorization_ids),
    ) == (
        date(2027, 5, 31),
        True,
        1,
    )
    requirements = configuration.requirements[service.pk]
    assert [len(r.authorization_ids) for r in requirements] == [1, 0]
    assert all(isinstance(r, Requirement) for r in requirements)


# --- When it is read again ---------------------------------------------------------------


@pytest.mark.django_db
def test_time_off_saved_through_the_services_is_seen_at_once_and_gone_when_deleted(pickering):
    marc = make_practitioner("Marc Tremblay")
    calendar_configuration()
    starts = datetime(2027, 3, 11, 13, tzinfo=TORONTO)
    away = services.time_off_save(
        time_off=TimeOff(practitioner=marc, starts_at=starts, ends_at=starts + timedelta(hours=2))
    )
    assert calendar_configuration().time_off[marc.pk] == [(starts, starts + timedelta(hours=2))]
    services.time_off_delete(time_off=away)
    assert marc.pk not in calendar_configuration().time_off


@pytest.mark.django_db
def test_a_changed_travel_time_is_seen_at_once(pickering, milton):
    services.travel_time_set(location_a=pickering, location_b=milton, minutes=40, today=TODAY)
    key = frozenset({pickering.pk, milton.pk})
    assert calendar_configuration().travel[key] == timedelta(minutes=40)
    services.travel_time_set(location_a=pickering, location_b=milton, minutes=55, today=TODAY)
    assert calendar_configuration().travel[key] == timedelta(minutes=55)
    services.travel_time_set(location_a=pickering, location_b=milton, minutes=None, today=TODAY)
    assert key not in calendar_configuration().travel


@pytest.mark.django_db
def test_a_change_a_search_never_reads_keeps_what_was_read(pickering, django_assert_num_queries):
    first = calendar_configuration()
    before = stamp()
    services.configuration_save(
        instance=PageText(slug="which-one", title="Physio or massage?", body="It depends.")
    )
    assert stamp() == before
    with django_assert_num_queries(1):
        assert calendar_configuration() is first


@pytest.mark.django_db
def test_without_the_triggers_nothing_restamps_and_installing_them_twice_is_harmless(pickering):
    marc = make_practitioner("Marc Tremblay")
    change_stamp.remove(connection)
    change_stamp.remove(connection)
    before = stamp()
    make_shift(marc, pickering, MON, "09:00", "12:00")
    assert stamp() == before
    change_stamp.install(connection)
    change_stamp.install(connection)
    make_shift(marc, pickering, TUE, "09:00", "12:00")
    assert stamp() != before
