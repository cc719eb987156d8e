"""The whole table of `decide` and `can`, role by role, and how `person_for` reads the
facts once per request from the records."""

from __future__ import annotations

import pytest

from rehabdesk.access.policy import (
    CAPABILITIES,
    NOBODY,
    Action,
    Capability,
    Person,
    can,
    decide,
    person_for,
)
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create, user_set_roles

OWN, CHILD, STRANGER = 1, 2, 3

# What each role may do to a stranger's record, to one in their care (practitioners),
# and to their own or their dependent's (patients).
EXPECTED = {
    Role.FRONT_DESK: {
        Action.VIEW_DEMOGRAPHICS,
        Action.CHANGE_DEMOGRAPHICS,
        Action.MANAGE_BOOKINGS,
        Action.FILL_INTAKE,
        Action.VIEW_BILLING,
        Action.CHANGE_BILLING,
        Action.SET_LOCKBOX,  # a directive the patient gives in person or on paper
    },
    Role.MANAGER: {
        Action.VIEW_DEMOGRAPHICS,
        Action.CHANGE_DEMOGRAPHICS,
        Action.MANAGE_BOOKINGS,
        Action.FILL_INTAKE,
        Action.VIEW_BILLING,
        Action.CHANGE_BILLING,
        Action.VIEW_ACCESS_LOG,
        Action.SET_LOCKBOX,
    },
}
IN_CARE = {
    Action.VIEW_DEMOGRAPHICS,
    Action.MANAGE_BOOKINGS,
    Action.VIEW_CLINICAL,
    Action.CHANGE_CLINICAL,
}
SELF_SERVICE = {
    Action.VIEW_DEMOGRAPHICS,
    Action.CHANGE_DEMOGRAPHICS,
    Action.MANAGE_BOOKINGS,
    Action.FILL_INTAKE,
    Action.VIEW_BILLING,
    Action.FOLLOW_PROGRAM,
    Action.ANSWER_MEASURE,
    Action.SET_LOCKBOX,
}
MANAGER_ONLY = {
    Capability.MANAGE_HOURS,
    Capability.OVERSEE_NOTES,
    Capability.VIEW_REPORTS,
    Capability.MANAGE_SIGN_INS,
    Capability.RESET_FACTORS,
    Capability.MANAGE_FEEDS,
    Capability.MANAGE_API_TOKENS,
    Capability.MANAGE_WEBHOOKS,
}
PRIVACY_ONLY = {Capability.OVERSEE_PRIVACY}


def person(*roles: Role, managed: frozenset[int] = frozenset()) -> Person:
    return Person(user_id=9, roles=frozenset(roles), managed_patient_ids=managed)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MANAGER])
@pytest.mark.parametrize("action", list(Action))
def test_the_desk_and_managers_reach_every_patient_alike(role, action):
    for cares in (False, True):
        assert decide(person(role), action, STRANGER, cares_for=cares) == (action in EXPECTED[role])


@pytest.mark.parametrize("action", list(Action))
def test_a_practitioner_reaches_the_patients_in_their_care_and_nobody_else(action):
    practitioner = person(Role.PRACTITIONER)
    assert decide(practitioner, action, STRANGER, cares_for=True) == (action in IN_CARE)
    assert not decide(practitioner, action, STRANGER, cares_for=False)


@pytest.mark.parametrize("action", list(Action))
def test_a_patient_serves_themselves_and_their_dependents_only(action):
    guardian = person(Role.PATIENT, managed=frozenset({OWN, CHILD}))
    for patient_id in (OWN, CHILD):
        assert decide(guardian, action, patient_id, cares_for=False) == (action in SELF_SERVICE)
    assert not decide(guardian, action, STRANGER, cares_for=False)


def test_managed_records_count_only_for_someone_who_holds_the_patient_role():
    # A staff member's own patient file is reached through their patient account.
    staff = person(Role.PRACTITIONER, managed=frozenset({OWN}))
    assert not decide(staff, Action.CHANGE_DEMOGRAPHICS, OWN, cares_for=False)


def test_a_practitioner_who_is_also_a_patient_reads_their_own_chart_only_in_care():
    both = person(Role.PRACTITIONER, Role.PATIENT, managed=frozenset({OWN}))
    assert decide(both, Action.CHANGE_DEMOGRAPHICS, OWN, cares_for=False)
    assert not decide(both, Action.VIEW_CLINICAL, OWN, cares_for=False)


def test_the_desk_keeps_hours_overdue_notes_and_reports_to_the_manager():
    assert CAPABILITIES[Role.FRONT_DESK] == frozenset(Capability) - MANAGER_ONLY - PRIVACY_ONLY
    assert CAPABILITIES[Role.MANAGER] == frozenset(Capability) - PRIVACY_ONLY
    assert CAPABILITIES[Role.PATIENT] == frozenset()


def test_only_the_privacy_officer_oversees_privacy():
    assert CAPABILITIES[Role.PRIVACY_OFFICER] == PRIVACY_ONLY == {Capability.OVERSEE_PRIVACY}
    assert can(person(Role.MANAGER, Role.PRIVACY_OFFICER), Capability.OVERSEE_PRIVACY)
    assert not can(person(Role.MANAGER), Capability.OVERSEE_PRIVACY)


@pytest.mark.parametrize("capability", list(Capability))
def test_capabilities_add_up_across_roles(capability):
    both = person(Role.PRACTITIONER, Role.FRONT_DESK)
    assert can(both, capability) == (capability not in MANAGER_ONLY | PRIVACY_ONLY)
    assert not can(NOBODY, capability)
    assert not can(person(Role.PATIENT), capability)


def test_staff_members_are_the_desk_managers_and_practitioners():
    assert person(Role.FRONT_DESK).is_staff_member
    assert person(Role.MANAGER).is_staff_member
    assert person(Role.PRACTITIONER).is_staff_member
    assert not person(Role.PATIENT).is_staff_member
    assert not NOBODY.is_staff_member


@pytest.mark.django_db
def test_the_facts_are_read_once_per_user_object(personas, django_assert_num_queries):
    user = personas.guardian.user
    first = person_for(user)
    with django_assert_num_queries(0):
        assert person_for(user) is first


@pytest.mark.django_db
def test_a_patient_account_without_a_record_manages_nobody():
    user = user_create(email="new@example.com", password=None, roles=[Role.PATIENT])
    fact = person_for(user)
    assert (fact.roles, fact.patient_id, fact.managed_patient_ids) == (
        {Role.PATIENT},
        None,
        frozenset(),
    )


@pytest.mark.django_db
def test_staff_facts_carry_no_patient_record(personas):
    desk = person_for(personas.front_desk)
    assert (desk.user_id, desk.roles, desk.practitioner_id, desk.patient_id) == (
        personas.front_desk.pk,
        {Role.FRONT_DESK},
        None,
        None,
    )


@pytest.mark.django_db
def test_a_manager_who_treats_is_read_as_both(personas):
    user = personas.physio.user
    user_set_roles(user=user, roles=[Role.PRACTITIONER, Role.MANAGER])
    user.refresh_from_db()
    fact = person_for(user)
    assert fact.roles == {Role.PRACTITIONER, Role.MANAGER}
    assert fact.practitioner_id == personas.physio.pk


@pytest.mark.django_db
def test_an_account_with_no_role_is_signed_in_but_may_nothing(personas):
    fact = person_for(personas.outsider)
    assert fact.user_id == personas.outsider.pk
    assert fact.roles == frozenset()
    assert not any(
        decide(fact, action, personas.patient_a.pk, cares_for=False) for action in Action
    )
