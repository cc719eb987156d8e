"""Services and who may deliver them: qualification alternatives saved with the service,
kept or replaced whole, and an active service only while someone on the team holds a
registration that permits practice on the day."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.clinic import services
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import Qualification, ResourceKind, Service
from rehabdesk.clinic.testing import (
    TODAY,
    make_practitioner,
    make_registration,
    make_service,
    qualification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya():
    """A physiotherapist rostered for acupuncture."""
    practitioner = make_practitioner("Priya Raman")
    make_registration(practitioner, "cpo", roster_codes=["acupuncture"])
    return practitioner


def alternatives(service: Service) -> list[tuple[str, list[str]]]:
    """The stored qualification alternatives: college and roster codes."""
    return [
        (row.regulator.slug, sorted(a.code for a in row.authorizations.all()))
        for row in Qualification.objects.filter(service=service).order_by("pk")
    ]


def refused(code: ClinicErrorCode, call, *args, **kwargs) -> ClinicError:
    with pytest.raises(ClinicError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- Saving the service with what it needs -----------------------------------------------


def test_a_service_is_saved_with_its_alternatives_and_the_rooms_it_needs(priya):
    service = make_service(
        "Acupuncture",
        discipline="acupuncture",
        tax="acupuncture",
        resource_kinds=["treatment-room"],
        qualifications=[qualification("cpo", "acupuncture"), qualification("ctcmpao")],
    )
    assert alternatives(service) == [("cpo", ["acupuncture"]), ("ctcmpao", [])]
    assert list(service.resource_kinds.values_list("slug", flat=True)) == ["treatment-room"]


def test_saving_again_without_alternatives_or_rooms_keeps_those_stored(priya):
    service = make_service(
        "Acupuncture",
        discipline="acupuncture",
        tax="acupuncture",
        resource_kinds=["treatment-room"],
        qualifications=[qualification("cpo", "acupuncture")],
    )
    service.duration_minutes = 45
    services.service_save(service=service, on=TODAY)
    stored = Service.objects.get(pk=service.pk)
    assert stored.duration_minutes == 45
    assert alternatives(stored) == [("cpo", ["acupuncture"])]
    assert list(stored.resource_kinds.values_list("slug", flat=True)) == ["treatment-room"]


def test_new_alternatives_and_rooms_replace_the_old_ones_whole(priya):
    service = make_service("Follow-up", resource_kinds=["treatment-room"])
    services.service_save(
        service=service,
        on=TODAY,
        resource_kinds=ResourceKind.objects.filter(slug__in=["gym", "electrotherapy-unit"]),
        qualifications=[qualification("cpo", "acupuncture")],
    )
    assert alternatives(service) == [("cpo", ["acupuncture"])]
    assert sorted(service.resource_kinds.values_list("slug", flat=True)) == [
        "electrotherapy-unit",
        "gym",
    ]
    services.service_save(service=service, on=TODAY, resource_kinds=[])
    assert not service.resource_kinds.exists()


def test_a_refused_change_leaves_the_service_and_its_alternatives_as_they_were(priya):
    service = make_service("Follow-up", qualifications=[qualification("cpo")])
    service.name = "Pelvic follow-up"
    refused(
        ClinicErrorCode.NOBODY_QUALIFIED,
        services.service_save,
        service=service,
        on=TODAY,
        qualifications=[qualification("cpo", "internal-pelvic")],
    )
    stored = Service.objects.get(pk=service.pk)
    assert stored.name == "Follow-up"
    assert alternatives(stored) == [("cpo", [])]


def test_a_service_shorter_than_five_minutes_is_refused_on_its_duration(priya):
    error = refused(ClinicErrorCode.INVALID, make_service, "Quick check", minutes=4)
    assert (error.field, error.message) == (
        "duration_minutes",
        "A service lasts at least 5 minutes.",
    )
    assert not Service.objects.exists()


def test_two_services_cannot_share_a_name(priya):
    make_service("Follow-up")
    error = refused(ClinicErrorCode.INVALID, make_service, "Follow-up")
    assert error.field in {"name", "slug"}
    assert Service.objects.count() == 1


def test_the_database_refuses_a_service_shorter_than_five_minutes(priya):
    service = make_service("Follow-up")
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(duration_minutes=4)


def test_a_service_with_no_alternative_saves_nothing(priya):
    error = refused(ClinicErrorCode.NO_QUALIFICATIONS, make_service, "Follow-up", qualifications=[])
    assert error.message == "Say who may deliver this service: add at least one qualification."
    assert not Service.objects.exists()
    assert not Qualification.objects.exists()


# --- Someone qualified on the day --------------------------------------------------------


def test_any_one_alternative_held_by_someone_is_enough():
    mei = make_practitioner("Mei Chen", disciplines=["acupuncture"])
    make_registration(mei, "ctcmpao")
    service = make_service(
        "Acupuncture",
        discipline="acupuncture",
        tax="acupuncture",
        qualifications=[qualification("cpo", "acupuncture"), qualification("ctcmpao")],
    )
    assert service.active


def test_the_refusal_names_every_alternative_and_the_day():
    error = refused(
        ClinicErrorCode.NOBODY_QUALIFIED,
        make_service,
        "Acupuncture",
        discipline="acupuncture",
        tax="acupuncture",
        qualifications=[qualification("cpo", "acupuncture"), qualification("ctcmpao")],
    )
    assert error.message == (
        "Nobody on the team is qualified to deliver Acupuncture on 2027-03-10: it needs a "
        "CPO registration rostered for Acupuncture (including dry needling) or a CTCMPAO "
        "registration. Add that registration first, or save the service as inactive."
    )


def test_a_registration_starting_later_qualifies_from_its_first_day():
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto", valid_from=date(2027, 4, 1))
    massage = {
        "discipline": "massage-therapy",
        "tax": "massage-therapy",
        "qualifications": [qualification("cmto")],
    }
    refused(
        ClinicErrorCode.NOBODY_QUALIFIED, make_service, "Massage", on=date(2027, 3, 31), **massage
    )
    assert make_service("Massage", on=date(2027, 4, 1), **massage).active


def test_a_registration_that_has_ended_qualifies_nobody():
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto", valid_until=date(2027, 3, 9))
    refused(
        ClinicErrorCode.NOBODY_QUALIFIED,
        make_service,
        "Massage",
        discipline="massage-therapy",
        tax="massage-therapy",
        qualifications=[qualification("cmto")],
    )


def test_a_class_that_does_not_permit_practice_qualifies_nobody():
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto", class_name="Inactive")
    refused(
        ClinicErrorCode.NOBODY_QUALIFIED,
        make_service,
        "Massage",
        discipline="massage-therapy",
        tax="massage-therapy",
        qualifications=[qualification("cmto")],
    )


def test_a_practitioner_who_has_left_qualifies_nobody(priya):
    priya.active = False
    services.practitioner_save(practitioner=priya)
    refused(ClinicErrorCode.NOBODY_QUALIFIED, make_service, "Follow-up")
    assert not Service.objects.exists()


def test_a_roster_on_a_lapsed_registration_does_not_carry_over_to_its_renewal():
    sofia = make_practitioner("Sofia Martins")
    make_registration(sofia, "cpo", valid_until=date(2027, 3, 9), roster_codes=["acupuncture"])
    make_registration(sofia, "cpo", valid_from=date(2027, 3, 10))
    refused(
        ClinicErrorCode.NOBODY_QUALIFIED,
        make_service,
        "Dry needling",
        discipline="acupuncture",
        tax="acupuncture",
        qualifications=[qualification("cpo", "acupuncture")],
    )
    assert make_service(
        "Dry needling",
        discipline="acupuncture",
        tax="acupuncture",
        qualifications=[qualification("cpo", "acupuncture")],
        on=date(2027, 3, 9),
    ).active


def test_an_inactive_service_may_wait_for_its_practitioner_and_be_taken_down_anytime(priya):
    pelvic = make_service(
        "Pelvic floor assessment",
        qualifications=[qualification("cpo", "internal-pelvic")],
        active=False,
    )
    assert not Service.objects.get(pk=pelvic.pk).active
    follow_up = make_service("Follow-up")
    priya.active = False
    services.practitioner_save(practitioner=priya)
    follow_up.active = False
    services.service_save(service=follow_up, on=TODAY)
    assert not Service.objects.get(pk=follow_up.pk).active
