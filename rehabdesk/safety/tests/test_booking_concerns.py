"""A booking waits for a practitioner when a do-not-treat alert in force covers one of
the service's modalities (read from the rule set by the service's group), or while a
red flag is undecided and the service is hands-on. The answer is codes, nothing
clinical; once cleared or decided, the booking goes ahead."""

from __future__ import annotations

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Service, ServiceGroup
from rehabdesk.clinic.testing import make_service
from rehabdesk.safety.errors import SafetyError, SafetyErrorCode
from rehabdesk.safety.selectors import Concern, booking_concerns, service_modalities
from rehabdesk.safety.services import (
    alert_acknowledge,
    alert_add,
    alert_clear,
    booking_safety_validate,
    red_flag_review_decide,
)

pytestmark = pytest.mark.django_db


def grouped(service: Service, slug: str) -> Service:
    group = ServiceGroup.objects.filter(slug=slug).first() or clinic_services.configuration_save(
        instance=ServiceGroup(name=slug.replace("-", " ").title(), slug=slug, summary="…")
    )
    Service.objects.filter(pk=service.pk).update(group=group)
    return Service.objects.select_related("group").get(pk=service.pk)


@pytest.fixture
def massage(personas):
    return grouped(make_service("Massage, 60"), "massage-therapy")


@pytest.fixture
def brace(personas):
    return grouped(make_service("Brace fitting"), "custom-joint-braces")


def forbid(personas, now, modalities, level="do_not_treat"):
    return alert_add(
        patient=personas.patient_a,
        level=level,
        modalities=modalities,
        reason="Suspected clot in the left calf",
        actor=personas.physio.user,
        now=now,
    )


def test_it_reads_a_services_modalities_from_the_rule_set_by_its_group(massage, brace):
    assert "massage" in service_modalities(massage)
    assert service_modalities(brace) == {"bracing"}


def test_a_do_not_treat_alert_holds_the_services_it_covers_and_only_those(
    personas, now, massage, brace
):
    forbid(personas, now, ["massage"])
    assert booking_concerns(patient_id=personas.patient_a.pk, service=massage).codes == (
        Concern.DO_NOT_TREAT,
    )
    assert not booking_concerns(patient_id=personas.patient_a.pk, service=brace).blocking
    assert not booking_concerns(patient_id=personas.patient_b.pk, service=massage).blocking


@pytest.mark.parametrize("level", ["avoid_area", "modify", "note"])
def test_lesser_alerts_warn_the_practitioner_but_hold_no_booking(personas, now, massage, level):
    forbid(personas, now, ["massage"], level=level)
    assert not booking_concerns(patient_id=personas.patient_a.pk, service=massage).blocking


def test_an_acknowledged_alert_still_holds_and_a_cleared_one_no_longer(personas, now, massage):
    alert = forbid(personas, now, ["massage", "deep_pressure"])
    alert_acknowledge(alert=alert, actor=personas.physio.user, now=now)
    with pytest.raises(SafetyError) as held:
        booking_safety_validate(patient_id=personas.patient_a.pk, service=massage)
    assert held.value.code == SafetyErrorCode.PRACTITIONER_DECISION_NEEDED
    assert "clot" not in held.value.message
    alert_clear(alert=alert, reason="Doppler negative", actor=personas.physio.user, now=now)
    booking_safety_validate(patient_id=personas.patient_a.pk, service=massage)


def test_an_undecided_red_flag_holds_hands_on_services_until_decided(
    personas, now, review_of, massage, brace
):
    review = review_of(personas.patient_a)
    assert booking_concerns(patient_id=personas.patient_a.pk, service=massage).codes == (
        Concern.RED_FLAG,
    )
    assert not booking_concerns(patient_id=personas.patient_a.pk, service=brace).blocking
    red_flag_review_decide(
        review=review,
        decision="cleared",
        reason="Explained by a known, stable condition",
        practitioner_id=personas.physio.pk,
        actor=personas.physio.user,
        now=now,
    )
    assert not booking_concerns(patient_id=personas.patient_a.pk, service=massage).blocking


def test_it_answers_in_at_most_two_queries(
    personas, now, review_of, massage, django_assert_max_num_queries
):
    forbid(personas, now, ["electrotherapy"])
    review_of(personas.patient_a)
    with django_assert_max_num_queries(2):
        booking_concerns(patient_id=personas.patient_a.pk, service=massage)
