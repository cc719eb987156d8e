"""A practitioner's registrations with their colleges: periods that never overlap with
one college, rosters kept or replaced, who checked the public register and when, and
the days a registration is in force."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Authorization, Registration, RegistrationClass
from rehabdesk.clinic.testing import make_practitioner, make_registration, regulator, rosters

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya():
    return make_practitioner("Priya Raman")


def periods(practitioner) -> list[tuple[str, date, date | None]]:
    return list(
        Registration.objects.filter(practitioner=practitioner)
        .order_by("regulator__slug", "valid_from")
        .values_list("regulator__slug", "valid_from", "valid_until")
    )


def overlap_refused(practitioner, college="cpo", **kwargs) -> ClinicError:
    before = periods(practitioner)
    with pytest.raises(ClinicError) as caught:
        make_registration(practitioner, college, **kwargs)
    assert caught.value.code == ClinicErrorCode.REGISTRATION_OVERLAP, caught.value.message
    assert caught.value.field == "valid_from"
    assert periods(practitioner) == before
    return caught.value


# --- One college, one period at a time ---------------------------------------------------


def test_a_registration_after_an_open_ended_one_is_refused_naming_it(priya):
    make_registration(priya, "cpo", valid_from=date(2020, 1, 1), number="PT-1001")
    error = overlap_refused(priya, valid_from=date(2028, 1, 1))
    assert error.message == (
        "This overlaps registration #PT-1001 (2020-01-01 to no end date). End that one first."
    )


def test_an_open_ended_registration_before_a_later_one_is_refused(priya):
    make_registration(priya, "cpo", valid_from=date(2028, 1, 1), number="PT-2028")
    error = overlap_refused(priya, valid_from=date(2027, 1, 1))
    assert "#PT-2028 (2028-01-01 to no end date)" in error.message


def test_a_registration_ending_on_the_first_day_of_another_overlaps_it(priya):
    make_registration(
        priya, "cpo", valid_from=date(2027, 6, 1), valid_until=date(2028, 5, 31), number="PT-7"
    )
    error = overlap_refused(priya, valid_from=date(2026, 6, 1), valid_until=date(2027, 6, 1))
    assert "#PT-7 (2027-06-01 to 2028-05-31)" in error.message


def test_a_registration_ending_the_day_before_another_starts_is_accepted(priya):
    make_registration(priya, "cpo", valid_from=date(2027, 6, 1), valid_until=date(2028, 5, 31))
    make_registration(priya, "cpo", valid_from=date(2026, 6, 1), valid_until=date(2027, 5, 31))
    assert len(periods(priya)) == 2


def test_a_registration_inside_another_is_refused(priya):
    make_registration(priya, "cpo", valid_from=date(2026, 1, 1), valid_until=date(2028, 12, 31))
    overlap_refused(priya, valid_from=date(2027, 1, 1), valid_until=date(2027, 12, 31))


def test_a_registration_saved_again_does_not_overlap_itself(priya):
    registration = make_registration(priya, "cpo", valid_from=date(2026, 1, 1))
    registration.registration_number = "PT-0042"
    registration.valid_until = date(2027, 12, 31)
    services.registration_save(registration=registration)
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.registration_number, stored.valid_until) == ("PT-0042", date(2027, 12, 31))


def test_registrations_with_two_colleges_may_run_at_once(priya):
    make_registration(priya, "cpo")
    make_registration(priya, "ctcmpao")
    assert [college for college, *_ in periods(priya)] == ["cpo", "ctcmpao"]


def test_two_practitioners_may_hold_the_same_college_at_once(priya):
    make_registration(priya, "cpo")
    make_registration(make_practitioner("Marc Tremblay"), "cpo")
    assert Registration.objects.filter(regulator__slug="cpo").count() == 2


def test_a_class_of_another_college_is_refused_saying_whose_it_is(priya):
    registration = Registration(
        practitioner=priya,
        regulator=regulator("cmto"),
        registration_number="RMT-1",
        registration_class=RegistrationClass.objects.get(regulator__slug="cpo", name="Courtesy"),
        valid_from=date(2027, 1, 1),
    )
    with pytest.raises(ClinicError) as caught:
        services.registration_save(registration=registration)
    assert caught.value.message == "“Courtesy” is a class of CPO, not of CMTO."
    assert periods(priya) == []


def test_the_database_refuses_a_registration_ending_before_it_starts(priya):
    registration = make_registration(priya, "cpo", valid_from=date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(valid_until=date(2026, 12, 31))


# --- Rosters -----------------------------------------------------------------------------


def roster_codes(registration: Registration) -> list[str]:
    return sorted(
        Registration.objects.get(pk=registration.pk).authorizations.values_list("code", flat=True)
    )


def test_saving_without_rosters_keeps_those_on_file(priya):
    registration = make_registration(
        priya, "cpo", roster_codes=["acupuncture", "spinal-manipulation"]
    )
    registration.registration_number = "PT-9"
    services.registration_save(registration=registration)
    assert roster_codes(registration) == ["acupuncture", "spinal-manipulation"]


def test_new_rosters_replace_the_old_ones_and_none_clears_them(priya):
    registration = make_registration(priya, "cpo", roster_codes=["acupuncture"])
    services.registration_save(
        registration=registration, authorizations=rosters("cpo", "internal-pelvic")
    )
    assert roster_codes(registration) == ["internal-pelvic"]
    services.registration_save(registration=registration, authorizations=[])
    assert roster_codes(registration) == []


def test_a_roster_of_another_college_is_refused_and_the_rosters_on_file_stay(priya):
    cupping = services.configuration_save(
        instance=Authorization(regulator=regulator("cmto"), code="cupping", name="Cupping")
    )
    registration = make_registration(priya, "cpo", roster_codes=["acupuncture"])
    with pytest.raises(ClinicError) as caught:
        services.registration_save(
            registration=registration, authorizations=[*rosters("cpo", "wound-care"), cupping]
        )
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        ClinicErrorCode.WRONG_REGULATOR,
        "authorizations",
        "The roster “Cupping” belongs to CMTO, not CPO.",
    )
    assert roster_codes(registration) == ["acupuncture"]


# --- Checked on the register -------------------------------------------------------------


def test_checking_the_register_records_who_and_when(priya):
    registration = make_registration(priya, "cpo")
    manager = user_create(email="morgan@clinic.example", password=None, roles=[Role.MANAGER])
    services.registration_verify(registration=registration, by=manager, on=date(2027, 3, 10))
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.verified_on, stored.verified_by) == (date(2027, 3, 10), manager)


# --- In force ----------------------------------------------------------------------------


def test_a_registration_is_in_force_from_its_first_to_its_last_day_inclusive(priya):
    registration = make_registration(
        priya, "cpo", valid_from=date(2027, 1, 1), valid_until=date(2027, 5, 31)
    )
    assert not registration.in_force_on(date(2026, 12, 31))
    assert registration.in_force_on(date(2027, 1, 1))
    assert registration.in_force_on(date(2027, 5, 31))
    assert not registration.in_force_on(date(2027, 5, 31) + timedelta(days=1))
    registration.valid_until = None
    assert registration.in_force_on(date(2040, 1, 1))
