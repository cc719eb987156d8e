"""The registration rule: offered or booked only while a registration covers the service."""

from datetime import date, timedelta

import pytest

from rehabdesk.clinic.qualifications import (
    Credential,
    Requirement,
    is_qualified,
    practitioner_may_deliver,
    practitioners_qualified,
)
from rehabdesk.clinic.testing import (
    TODAY,
    make_practitioner,
    make_registration,
    make_service,
    qualification,
)

CPO, CTCMPAO = 1, 3
ACUPUNCTURE_ROSTER, PELVIC_ROSTER = 10, 11
EXPIRES = date(2027, 5, 31)


def credential(
    regulator=CPO,
    rosters=(),
    valid_from=date(2020, 1, 1),
    valid_until=EXPIRES,
    permits_practice=True,
):
    return Credential(regulator, frozenset(rosters), valid_from, valid_until, permits_practice)


PHYSIO = [Requirement(CPO, frozenset())]
ACUPUNCTURE = [Requirement(CPO, frozenset({ACUPUNCTURE_ROSTER})), Requirement(CTCMPAO, frozenset())]


def test_it_allows_practice_on_the_last_day_of_a_registration():
    assert is_qualified([credential()], PHYSIO, EXPIRES)


def test_it_refuses_practice_the_day_after_a_registration_expires():
    assert not is_qualified([credential()], PHYSIO, EXPIRES + timedelta(days=1))


def test_it_refuses_practice_before_a_future_dated_registration_starts():
    future = credential(valid_from=date(2027, 6, 1), valid_until=None)
    assert not is_qualified([future], PHYSIO, date(2027, 5, 31))
    assert is_qualified([future], PHYSIO, date(2027, 6, 1))


def test_it_treats_a_registration_without_an_end_as_in_force():
    assert is_qualified([credential(valid_until=None)], PHYSIO, date(2040, 1, 1))


def test_it_requires_the_roster_an_alternative_names():
    assert not is_qualified([credential()], ACUPUNCTURE, TODAY)
    assert is_qualified([credential(rosters={ACUPUNCTURE_ROSTER})], ACUPUNCTURE, TODAY)


def test_it_does_not_accept_another_roster_in_place_of_the_one_named():
    assert not is_qualified([credential(rosters={PELVIC_ROSTER})], ACUPUNCTURE, TODAY)


def test_it_accepts_any_one_alternative():
    acupuncturist = credential(regulator=CTCMPAO)
    assert is_qualified([acupuncturist], ACUPUNCTURE, TODAY)
    assert not is_qualified([acupuncturist], PHYSIO, TODAY)


def test_it_refuses_a_class_that_does_not_permit_practice():
    inactive = credential(regulator=CTCMPAO, permits_practice=False)
    assert not is_qualified([inactive], ACUPUNCTURE, TODAY)


def test_it_does_not_combine_the_rosters_of_two_registrations():
    lapsed_roster = credential(rosters={ACUPUNCTURE_ROSTER}, valid_until=date(2026, 12, 31))
    current = credential(valid_from=date(2027, 1, 1), valid_until=None)
    assert not is_qualified([lapsed_roster, current], ACUPUNCTURE, TODAY)


def test_it_qualifies_nobody_for_a_service_without_alternatives():
    assert not is_qualified([credential()], [], TODAY)


@pytest.mark.django_db
def test_it_applies_the_rule_to_stored_registrations():
    priya = make_practitioner("Priya Raman")
    make_registration(priya, "cpo", valid_until=EXPIRES, roster_codes=["acupuncture"])
    mei = make_practitioner("Mei Chen", disciplines=["acupuncture"])
    make_registration(mei, "ctcmpao", valid_from=date(2027, 6, 1))
    acupuncture = make_service(
        "Acupuncture",
        discipline="acupuncture",
        tax="acupuncture",
        qualifications=[qualification("cpo", "acupuncture"), qualification("ctcmpao")],
    )
    assert practitioner_may_deliver(practitioner=priya, service=acupuncture, on=EXPIRES)
    assert not practitioner_may_deliver(
        practitioner=priya, service=acupuncture, on=EXPIRES + timedelta(days=1)
    )
    assert not practitioner_may_deliver(practitioner=mei, service=acupuncture, on=TODAY)
    assert practitioners_qualified(service=acupuncture, on=date(2027, 6, 1)) == [mei]


@pytest.mark.django_db
def test_it_refuses_a_physiotherapist_without_the_pelvic_roster():
    sofia = make_practitioner("Sofia Martins")
    make_registration(sofia, "cpo", roster_codes=["internal-pelvic"])
    marc = make_practitioner("Marc Tremblay")
    make_registration(marc, "cpo", roster_codes=["spinal-manipulation"])
    pelvic = make_service(
        "Pelvic floor assessment", qualifications=[qualification("cpo", "internal-pelvic")]
    )
    assert practitioners_qualified(service=pelvic, on=TODAY) == [sofia]


@pytest.mark.django_db
def test_it_finds_qualified_practitioners_in_the_same_number_of_queries_for_any_team(
    django_assert_num_queries,
):
    first = make_practitioner("First Physio")
    make_registration(first, "cpo")
    service = make_service("Physiotherapy follow-up")
    with django_assert_num_queries(3) as small:
        practitioners_qualified(service=service, on=TODAY)
    for index in range(6):
        other = make_practitioner(f"Other Physio{index}")
        make_registration(other, "cpo", roster_codes=["acupuncture"])
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(practitioners_qualified(service=service, on=TODAY)) == 7
