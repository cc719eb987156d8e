"""What pages and the API may offer and look up: only what is active (a closed location,
a service taken off the list, a practitioner who left are never offered, nor found by
an id sent in a form), the online catalogue, a practitioner's own shifts and time off."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import ServiceKind, Weekday
from rehabdesk.clinic.models import TimeOff
from rehabdesk.clinic.selectors import (
    location_active,
    location_active_by_slug,
    locations_active,
    practitioner_active,
    practitioner_by_id,
    practitioner_shift,
    practitioner_time_off_entry,
    practitioners_active,
    practitioners_by_id,
    service_active,
    services_active,
    services_online,
    services_online_by_discipline,
)
from rehabdesk.clinic.testing import (
    make_location,
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
)

pytestmark = pytest.mark.django_db

TORONTO_NOON = datetime.fromisoformat("2027-03-10T12:00:00-05:00")


def closed(location):
    location.active = False
    return clinic_services.location_save(location=location)


def left(practitioner):
    practitioner.active = False
    return clinic_services.practitioner_save(practitioner=practitioner)


@pytest.fixture
def team(pickering):
    """A registered physiotherapist and massage therapist, so services can be offered."""
    physio = make_practitioner("Priya Physio")
    make_registration(physio, "cpo")
    therapist = make_practitioner("Olivia Massage", disciplines=["massage-therapy"])
    make_registration(therapist, "cmto")
    return physio, therapist


def test_only_open_locations_are_offered_by_name(clinic, pickering, milton):
    ajax = make_location(clinic, "Ajax")
    closed(milton)

    assert list(locations_active()) == [ajax, pickering]
    assert location_active(location_id=pickering.pk) == pickering
    assert location_active(location_id=milton.pk) is None
    assert location_active(location_id=milton.pk + 1000) is None
    assert location_active_by_slug(slug="pickering") == pickering
    assert location_active_by_slug(slug="milton") is None


def test_an_open_location_comes_with_its_clinic_in_the_same_query(
    pickering, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = location_active(location_id=pickering.pk)
        assert found is not None
        assert found.clinic.name == pickering.clinic.name


def test_only_services_on_offer_are_found_and_online_only_those_booked_online(team):
    follow_up = make_service("Follow-up")
    old = make_service("Old treatment", active=False)
    massage = make_service("Massage", discipline="massage-therapy", tax="massage-therapy")
    by_phone = make_service("Vestibular assessment")
    by_phone.online_bookable = False
    by_phone = clinic_services.service_save(service=by_phone, on=TORONTO_NOON.date())

    assert list(services_active()) == [follow_up, massage, by_phone]
    assert service_active(service_id=follow_up.pk) == follow_up
    assert service_active(service_id=old.pk) is None
    # By discipline (massage therapy before physiotherapy), then by name.
    assert list(services_online()) == [massage, follow_up]


def test_the_online_catalogue_reads_its_prices_up_front(team, django_assert_num_queries):
    make_service("Follow-up")
    make_service("Massage", discipline="massage-therapy", tax="massage-therapy")
    with django_assert_num_queries(2):  # the services, then every rate of their categories
        rates = [list(s.tax_category.rates.all()) for s in services_online()]
    # In Ontario massage therapy carries HST; physiotherapy is exempt.
    assert [len(found) for found in rates] == [1, 0]


def test_the_online_catalogue_by_discipline_puts_each_first_visit_first(
    team, django_assert_num_queries
):
    follow_up = make_service("A follow-up")
    assessment = make_service("Zz assessment")
    assessment.kind = ServiceKind.INITIAL_ASSESSMENT
    assessment = clinic_services.service_save(service=assessment, on=TORONTO_NOON.date())
    massage = make_service("Massage", discipline="massage-therapy", tax="massage-therapy")
    with django_assert_num_queries(2):
        groups = services_online_by_discipline()
    # The clinic's order of disciplines (physiotherapy first), the first visit first.
    assert [(d.slug, services) for d, services in groups] == [
        ("physiotherapy", [assessment, follow_up]),
        ("massage-therapy", [massage]),
    ]


def test_practitioners_who_left_are_neither_offered_nor_found_but_their_page_is(pickering):
    priya = make_practitioner("Priya Physio")
    olivia = make_practitioner("Olivia Massage", disciplines=["massage-therapy"])
    gone = left(make_practitioner("Gone Physio"))

    assert list(practitioners_active()) == [olivia, priya]
    massage = olivia.disciplines.get()
    assert list(practitioners_active(discipline_id=massage.pk)) == [olivia]
    assert practitioner_active(practitioner_id=priya.pk) == priya
    assert practitioner_active(practitioner_id=gone.pk) is None
    assert practitioner_by_id(practitioner_id=gone.pk) == gone
    assert practitioners_by_id(ids={priya.pk, gone.pk}) == {priya.pk: priya, gone.pk: gone}


def test_a_practitioner_with_two_disciplines_is_listed_once(pickering):
    both = make_practitioner("Both Ways", disciplines=["physiotherapy", "massage-therapy"])

    assert list(practitioners_active()) == [both]
    for discipline in both.disciplines.all():
        assert list(practitioners_active(discipline_id=discipline.pk)) == [both]


def test_a_shift_or_time_off_is_found_only_for_its_own_practitioner(pickering):
    priya = make_practitioner("Priya Physio")
    other = make_practitioner("Other Physio")
    shift = make_shift(priya, pickering, Weekday.MONDAY, "09:00", "17:00")
    time_off = clinic_services.time_off_save(
        time_off=TimeOff(
            practitioner=priya,
            starts_at=TORONTO_NOON,
            ends_at=TORONTO_NOON + timedelta(hours=4),
            reason="Course",
        )
    )

    assert practitioner_shift(practitioner_id=priya.pk, shift_id=shift.pk) == shift
    assert practitioner_shift(practitioner_id=other.pk, shift_id=shift.pk) is None
    assert (
        practitioner_time_off_entry(practitioner_id=priya.pk, time_off_id=time_off.pk) == time_off
    )
    assert practitioner_time_off_entry(practitioner_id=other.pk, time_off_id=time_off.pk) is None
