"""The rows the staff pages act on are found through the patient they belong to: an id
from a form that names another patient's coverage, an ended care assignment or a family
link that no longer holds finds nothing, so nothing of someone else's can be changed by
editing a URL. And a family is read eldest first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehabdesk.patients.models import CareAssignment, Coverage, FamilyLink
from rehabdesk.patients.selectors import (
    care_assignment_open,
    coverage_of,
    family_link_open,
    patient_exists,
    patients_by_ids,
)
from rehabdesk.patients.services import (
    care_assignment_end,
    coverage_save,
    family_link_end,
    patient_deactivate,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def test_a_coverage_is_found_only_through_its_own_patient(personas):
    coverage = Coverage.objects.get(patient=personas.patient_a)
    other = coverage_save(
        actor=personas.front_desk,
        coverage=Coverage(patient=personas.patient_b, insurer="Other Life", policy_number="Q-1"),
    )

    assert coverage_of(patient=personas.patient_a, coverage_id=coverage.pk) == coverage
    assert coverage_of(patient=personas.patient_a, coverage_id=other.pk) is None


def test_an_ended_care_assignment_is_no_longer_found(personas):
    assignment = CareAssignment.objects.get(patient=personas.patient_a)
    found = care_assignment_open(patient=personas.patient_a, assignment_id=assignment.pk)
    assert found == assignment
    assert care_assignment_open(patient=personas.patient_b, assignment_id=assignment.pk) is None

    care_assignment_end(actor=personas.front_desk, assignment=assignment, now=NOW)
    assert care_assignment_open(patient=personas.patient_a, assignment_id=assignment.pk) is None


def test_a_family_link_is_found_from_either_side_until_it_ends(personas):
    link = FamilyLink.objects.get(guardian=personas.guardian, dependent=personas.child)

    assert family_link_open(patient=personas.guardian, link_id=link.pk) == link
    assert family_link_open(patient=personas.child, link_id=link.pk) == link
    assert family_link_open(patient=personas.patient_a, link_id=link.pk) is None

    family_link_end(actor=personas.front_desk, link=link, now=NOW)
    assert family_link_open(patient=personas.guardian, link_id=link.pk) is None


def test_a_family_is_read_eldest_first_and_without_inactive_records_when_asked(personas):
    ids = {personas.child.pk, personas.guardian.pk}
    assert list(patients_by_ids(ids=ids)) == [personas.guardian, personas.child]

    patient_deactivate(actor=personas.front_desk, patient=personas.child, reason="Moved", now=NOW)
    assert list(patients_by_ids(ids=ids, active_only=True)) == [personas.guardian]
    assert list(patients_by_ids(ids=ids)) == [personas.guardian, personas.child]


def test_a_patient_exists_whether_active_or_not(personas):
    patient_deactivate(
        actor=personas.front_desk, patient=personas.patient_b, reason="Moved", now=NOW
    )
    assert patient_exists(patient_id=personas.patient_b.pk)
    assert not patient_exists(patient_id=personas.patient_b.pk + 1000)
