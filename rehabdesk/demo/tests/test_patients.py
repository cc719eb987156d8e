"""The demo's patients: about 2,500 of them, families whose guardians manage the
children's (and a mother's) bookings, a few who sign in to the portal, insurance on
file, and patients already in a practitioner's care — each visible to whom the access
policy says and to nobody else.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

import pytest

from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.clinic.models import Practitioner
from rehabdesk.demo.clinic import DEMO_PASSWORD
from rehabdesk.demo.patients import CARE, FAMILIES, PATIENTS
from rehabdesk.demo.tests.shared import NOW
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import CareAssignment, Coverage, FamilyLink, Patient

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def named(key: str) -> Patient:
    data = next(p for p in PATIENTS if p.key == key)
    return Patient.objects.select_related("user").get(
        first_name=data.first, last_name=data.last, date_of_birth=data.born
    )


def test_about_two_and_a_half_thousand_patients_with_addresses_of_their_own(shared_demo):
    emails = [email for email in Patient.objects.values_list("email", flat=True) if email]

    assert shared_demo.patients == Patient.objects.count() == 20 + 2500
    assert len(emails) == len(set(emails))  # nobody shares an address...
    assert all(email.endswith("@mail.example") for email in emails)  # ...and none is real
    assert not Patient.objects.exclude(phone__contains="-555-").exists()


def test_guardians_manage_their_dependents_bookings_and_no_one_elses(shared_demo):
    for guardian_key, dependent_key, relationship in FAMILIES:
        guardian, dependent = named(guardian_key), named(dependent_key)
        link = FamilyLink.objects.get(guardian=guardian, dependent=dependent)
        person = person_for(guardian.user)

        assert (link.relationship, link.manages_bookings, link.ended_at) == (
            relationship,
            True,
            None,
        )
        assert may(person, Action.MANAGE_BOOKINGS, dependent.pk)
        assert not may(person, Action.VIEW_CLINICAL, dependent.pk)
    grace = person_for(named("grace").user)
    assert grace.managed_patient_ids == {named(k).pk for k in ("grace", "charlie", "maya")}
    assert not may(grace, Action.MANAGE_BOOKINGS, named("ada").pk)


def test_david_decides_for_his_mother_and_the_children_are_minors(shared_demo):
    margaret = named("margaret")

    assert FamilyLink.objects.get(dependent=margaret).relationship == (
        FamilyRelationship.SUBSTITUTE_DECISION_MAKER
    )
    assert margaret.age_on(TODAY) >= 80
    for child in ("charlie", "maya", "ada"):
        assert named(child).age_on(TODAY) < 18


def test_only_those_who_sign_in_have_an_account_with_the_patients_role(shared_demo):
    for data in PATIENTS:
        patient = named(data.key)
        if not data.signs_in:
            assert patient.user is None, data.key
            continue
        assert patient.user.email == patient.email == data.address
        assert roles_of(patient.user.pk) == {Role.PATIENT}
        assert patient.user.check_password(DEMO_PASSWORD)
    # Dependents without an address are reached through their guardian.
    assert [p.key for p in PATIENTS if p.address == ""] == [
        "charlie",
        "maya",
        "ada",
        "margaret",
        "ethan",
    ]
    assert not User.objects.filter(patient__isnull=False, patient__email="").exists()


def test_each_insured_patient_has_their_plan_on_file(shared_demo):
    insured = {p.key: p.insurer for p in PATIENTS if p.insurer}

    # The others on file are the history's patients billed to their insurer (billing.py).
    assert Coverage.objects.filter(policy_number__startswith="DEMO-").count() == len(insured)
    for key, insurer in insured.items():
        coverage = named(key).coverages.get()
        assert (coverage.insurer, coverage.active) == (insurer, True)
        assert coverage.policy_number.startswith("DEMO-")


@pytest.mark.parametrize(("patient_key", "practitioner_slug", "reason"), CARE)
def test_a_practitioner_opens_the_record_of_the_patient_in_their_care_only(
    shared_demo, patient_key, practitioner_slug, reason
):
    patient = named(patient_key)
    practitioner = Practitioner.objects.select_related("user").get(slug=practitioner_slug)
    person = person_for(practitioner.user)
    others = [named(key) for key, slug, _ in CARE if slug != practitioner_slug]
    assignment = CareAssignment.objects.get(patient=patient, practitioner=practitioner)

    assert assignment.reason == reason
    assert assignment.assigned_by.email == "frontdesk.pickering@profusion.example"
    assert may(person, Action.VIEW_CLINICAL, patient.pk)
    for other in others:
        assert not may(person, Action.VIEW_CLINICAL, other.pk)
