from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from rehabdesk.clinic import change_stamp
from rehabdesk.clinic.calendar_configuration import calendar_configuration
from rehabdesk.clinic.models import (
    Clinic,
    Closure,
    ConfigurationStamp,
    Location,
    Practitioner,
    Registration,
    Resource,
    ResourceKind,
    Service,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.testing import (
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
)
from rehabdesk.core import database

pytestmark = pytest.mark.django_db

# The stamp, then services with the rooms' kinds each needs, locations with their
# clinic's policy, hours with breaks, registrations, qualifications, time off, travel
# times, rooms, closures.
FIRST_READ = 10


def stamp() -> int:
    return ConfigurationStamp.objects.get(pk=1).stamp


def test_every_watched_table_has_its_triggers():
    """SQLite drops a table's triggers when a migration rebuilds it: change_stamp.py
    says to install them again, and this notices when that was forgotten."""
    assert database.missing_guards([change_stamp.RESTAMP]) == []


def test_changes_by_any_route_replace_the_stamp(pickering, milton):
    person = make_practitioner("Stamp Physio")
    changes = [
        lambda: make_registration(person, "cpo"),
        lambda: make_shift(person, pickering, 0, "09:00", "17:00", breaks=[("12:00", "12:30")]),
        # Bulk updates and deletes send no signals; the database still notices.
        lambda: WorkingHours.objects.filter(practitioner=person).update(ends="16:00"),
        lambda: Registration.objects.filter(practitioner=person).update(valid_until="2030-01-01"),
        lambda: Practitioner.objects.filter(pk=person.pk).update(active=False),
        lambda: TimeOff.objects.create(
            practitioner=person,
            starts_at=datetime(2027, 3, 8, 14, tzinfo=UTC),
            ends_at=datetime(2027, 3, 8, 18, tzinfo=UTC),
        ),
        lambda: TimeOff.objects.filter(practitioner=person).delete(),
        lambda: TravelTime.objects.create(location_a=pickering, location_b=milton, minutes=45),
        lambda: Closure.objects.create(
            location=pickering, first_day="2027-12-25", last_day="2027-12-26", name="Holiday"
        ),
        lambda: Resource.objects.create(
            location=pickering,
            kind=ResourceKind.objects.create(name="Pool", slug="pool"),
            name="Pool 1",
        ),
        lambda: Clinic.objects.update(slot_step_minutes=10),
        lambda: Location.objects.filter(pk=milton.pk).update(active=False),
        lambda: make_service("Assessment", active=False),
        lambda: Service.objects.update(buffer_after_minutes=5),
    ]
    for change in changes:
        before = stamp()
        change()
        assert stamp() != before


def test_it_reads_once_then_only_the_stamp_until_something_changes(
    pickering, django_assert_num_queries
):
    for index in range(3):
        make_shift(make_practitioner(f"Team Physio{index}"), pickering, 0, "09:00", "17:00")
    with django_assert_num_queries(FIRST_READ):
        first = calendar_configuration()
    with django_assert_num_queries(1):
        assert calendar_configuration() is first
    # Twenty more people and their hours cost no more queries to read.
    for index in range(20):
        person = make_practitioner(f"More Physio{index}")
        make_registration(person, "cpo")
        make_shift(person, pickering, 1, "09:00", "17:00", breaks=[("12:00", "12:30")])
    with django_assert_num_queries(FIRST_READ):
        again = calendar_configuration()
    assert len(again.shifts) == len(first.shifts) + 20


def test_a_change_rolled_back_is_not_kept(pickering):
    person = make_practitioner("Rolled Back")
    calendar_configuration()

    def change_then_undo() -> None:
        with transaction.atomic():
            make_shift(person, pickering, 2, "09:00", "17:00")
            assert any(p == person.pk for p, _ in calendar_configuration().shifts)
            transaction.set_rollback(True)

    change_then_undo()
    assert not any(p == person.pk for p, _ in calendar_configuration().shifts)
    # The stamp is back to what it was; a new change must not look like the undone one.
    make_shift(person, pickering, 3, "09:00", "17:00")
    assert [s.weekday for p, s in calendar_configuration().shifts if p == person.pk] == [3]


def test_without_its_stamp_it_reads_every_time(pickering, django_assert_num_queries):
    ConfigurationStamp.objects.all().delete()
    calendar_configuration()
    with django_assert_num_queries(FIRST_READ):
        calendar_configuration()


def test_time_off_comes_in_utc(pickering):
    person = make_practitioner("Away Physio")
    toronto_nine = datetime(2027, 3, 8, 9, tzinfo=UTC) + timedelta(hours=5)
    TimeOff.objects.create(
        practitioner=person, starts_at=toronto_nine, ends_at=toronto_nine + timedelta(hours=3)
    )
    assert calendar_configuration().time_off[person.pk] == [
        (datetime(2027, 3, 8, 14, tzinfo=UTC), datetime(2027, 3, 8, 17, tzinfo=UTC))
    ]


def test_services_and_locations_come_with_what_a_search_needs(pickering, milton):
    make_registration(make_practitioner("Able Physio"), "cpo")
    massage = make_service("Massage 60", minutes=60, resource_kinds=["massage-room"])
    Service.objects.filter(pk=massage.pk).update(buffer_after_minutes=15)
    Location.objects.filter(pk=milton.pk).update(active=False)
    Clinic.objects.update(
        booking_horizon_days=90, min_online_notice_minutes=120, slot_step_minutes=20
    )
    configuration = calendar_configuration()
    service = configuration.services[massage.pk]
    assert service.active
    assert (service.facts.duration, service.facts.buffer) == (
        timedelta(minutes=60),
        timedelta(minutes=15),
    )
    assert service.facts.resource_kinds == (ResourceKind.objects.get(slug="massage-room").pk,)
    assert not configuration.locations[milton.pk].active
    location = configuration.locations[pickering.pk]
    assert location.active
    assert location.zone == pickering.zone
    assert (location.horizon, location.online_notice, location.step) == (
        timedelta(days=90),
        timedelta(minutes=120),
        timedelta(minutes=20),
    )
