"""The access policy, role by role."""

import pytest
from django.utils import timezone

from rehabdesk.access.policy import NOBODY, Action, Capability, Person, can, decide, may, person_for
from rehabdesk.accounts.roles import Role
from rehabdesk.patients.models import CareAssignment
from rehabdesk.patients.services import care_assignment_end

PATIENT, CHILD, STRANGER = 1, 2, 3
CLINICAL = (Action.VIEW_CLINICAL, Action.CHANGE_CLINICAL)


def person(*roles: Role, managed=frozenset()) -> Person:
    return Person(user_id=9, roles=frozenset(roles), managed_patient_ids=frozenset(managed))


@pytest.mark.parametrize("action", list(Action))
def test_the_front_desk_never_reaches_clinical_content_or_the_access_log(action):
    allowed = decide(person(Role.FRONT_DESK), action, STRANGER, cares_for=False)
    # FILL_INTAKE: a paper form typed in; a submitted intake is never the desk's to read.
    assert allowed == (
        action
        in {
            Action.VIEW_DEMOGRAPHICS,
            Action.CHANGE_DEMOGRAPHICS,
            Action.MANAGE_BOOKINGS,
            Action.FILL_INTAKE,
            Action.VIEW_BILLING,
            Action.CHANGE_BILLING,
            Action.SET_LOCKBOX,  # the patient's directive, given at the desk
        }
    )


@pytest.mark.parametrize("action", [Action.VIEW_BILLING, Action.CHANGE_BILLING])
def test_a_practitioner_never_reaches_billing_even_in_care(action):
    assert not decide(person(Role.PRACTITIONER), action, PATIENT, cares_for=True)
    assert decide(person(Role.MANAGER), action, PATIENT, cares_for=False)


def test_a_guardian_reads_their_childs_receipts_but_changes_no_billing():
    guardian = person(Role.PATIENT, managed={PATIENT, CHILD})
    assert decide(guardian, Action.VIEW_BILLING, CHILD, cares_for=False)
    assert not decide(guardian, Action.VIEW_BILLING, STRANGER, cares_for=False)
    assert not decide(guardian, Action.CHANGE_BILLING, CHILD, cares_for=False)


def test_only_managers_read_the_reports():
    assert can(person(Role.MANAGER), Capability.VIEW_REPORTS)
    assert not can(person(Role.FRONT_DESK), Capability.VIEW_REPORTS)
    assert can(person(Role.FRONT_DESK), Capability.CLOSE_DAY)
    assert not can(person(Role.PRACTITIONER), Capability.CLOSE_DAY)


@pytest.mark.parametrize("action", CLINICAL)
def test_a_practitioner_reaches_clinical_content_only_in_a_care_relationship(action):
    practitioner = person(Role.PRACTITIONER)
    assert decide(practitioner, action, PATIENT, cares_for=True)
    assert not decide(practitioner, action, PATIENT, cares_for=False)
    assert not decide(practitioner, Action.VIEW_DEMOGRAPHICS, PATIENT, cares_for=False)


@pytest.mark.parametrize("action", CLINICAL)
def test_a_manager_reaches_clinical_content_only_as_a_practitioner_in_care(action):
    assert not decide(person(Role.MANAGER), action, PATIENT, cares_for=True)
    both = person(Role.MANAGER, Role.PRACTITIONER)
    assert decide(both, action, PATIENT, cares_for=True)
    assert not decide(both, action, PATIENT, cares_for=False)
    assert decide(person(Role.MANAGER), Action.VIEW_ACCESS_LOG, PATIENT, cares_for=False)


def test_a_guardian_manages_their_child_but_not_another_family():
    guardian = person(Role.PATIENT, managed={PATIENT, CHILD})
    assert decide(guardian, Action.MANAGE_BOOKINGS, CHILD, cares_for=False)
    assert decide(guardian, Action.VIEW_DEMOGRAPHICS, CHILD, cares_for=False)
    assert not decide(guardian, Action.MANAGE_BOOKINGS, STRANGER, cares_for=False)
    assert not decide(guardian, Action.VIEW_CLINICAL, CHILD, cares_for=False)
    assert not decide(guardian, Action.VIEW_ACCESS_LOG, PATIENT, cares_for=False)


@pytest.mark.parametrize("action", list(Action))
def test_nobody_without_a_role_may_do_anything(action):
    assert not decide(NOBODY, action, PATIENT, cares_for=False)
    assert not decide(person(), action, PATIENT, cares_for=True)


def test_capabilities_follow_roles():
    assert can(person(Role.FRONT_DESK), Capability.REGISTER_PATIENTS)
    assert can(person(Role.PRACTITIONER), Capability.SEARCH_PATIENTS)
    assert not can(person(Role.PRACTITIONER), Capability.ASSIGN_CARE)
    assert not can(person(Role.PATIENT), Capability.SEARCH_PATIENTS)


@pytest.mark.django_db
def test_it_reads_the_facts_from_the_records(personas):
    physio = person_for(personas.physio.user)
    assert physio.practitioner_id == personas.physio.pk
    assert may(physio, Action.VIEW_CLINICAL, personas.patient_a.pk)
    assert not may(physio, Action.VIEW_CLINICAL, personas.patient_b.pk)
    assert not may(
        person_for(personas.massage_therapist.user), Action.VIEW_CLINICAL, personas.patient_a.pk
    )
    guardian = person_for(personas.guardian.user)
    assert guardian.managed_patient_ids == {personas.guardian.pk, personas.child.pk}
    assert not may(guardian, Action.MANAGE_BOOKINGS, personas.patient_b.pk)
    assert person_for(None) == NOBODY


@pytest.mark.django_db
def test_an_ended_care_assignment_ends_access(personas):
    assignment = CareAssignment.objects.get(patient=personas.patient_a)
    care_assignment_end(actor=personas.manager, assignment=assignment, now=timezone.now())
    assert not may(person_for(personas.physio.user), Action.VIEW_CLINICAL, personas.patient_a.pk)


@pytest.mark.django_db
def test_a_deactivated_account_may_do_nothing(personas):
    user = personas.front_desk
    user.is_active = False
    assert person_for(user) == NOBODY
