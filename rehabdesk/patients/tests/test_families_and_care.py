"""Who may act for whom, who pays, and who cares for a patient: links that end rather
than disappear, each one on file for every patient it concerns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients import services
from rehabdesk.patients.choices import FamilyRelationship, HolderRelationship
from rehabdesk.patients.errors import PatientError, PatientErrorCode
from rehabdesk.patients.models import CareAssignment, Coverage, FamilyLink
from rehabdesk.patients.selectors import managed_patient_ids, patient_with_family

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def linked_patients(summary: str) -> set[int]:
    event = AuditEvent.objects.filter(summary=summary).latest("pk")
    return set(event.patient_links.values_list("patient_id", flat=True))


def test_a_family_link_is_on_file_for_both_people(personas):
    link = services.family_link_add(
        actor=personas.front_desk,
        guardian=personas.patient_a,
        dependent=personas.patient_b,
        relationship=FamilyRelationship.CAREGIVER,
    )
    assert linked_patients("family link") == {personas.patient_a.pk, personas.patient_b.pk}
    assert str(link) == "Alice Anders → Bob Brown (Caregiver)"
    services.family_link_end(actor=personas.front_desk, link=link, now=NOW)
    assert linked_patients("family link (ended)") == {personas.patient_a.pk, personas.patient_b.pk}


def test_it_refuses_a_relationship_it_does_not_know(personas):
    before = (FamilyLink.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PatientError) as refused:
        services.family_link_add(
            actor=None,
            guardian=personas.patient_a,
            dependent=personas.patient_b,
            relationship="neighbour",
        )
    assert (refused.value.code, refused.value.field) == (PatientErrorCode.INVALID, "relationship")
    assert (FamilyLink.objects.count(), AuditEvent.objects.count()) == before


def test_a_refused_second_link_leaves_one_link_and_one_event(personas):
    with pytest.raises(PatientError) as refused:
        services.family_link_add(
            actor=personas.front_desk,
            guardian=personas.guardian,
            dependent=personas.child,
            relationship=FamilyRelationship.LEGAL_GUARDIAN,
        )
    assert refused.value.code == PatientErrorCode.INVALID
    assert FamilyLink.objects.filter(dependent=personas.child).count() == 1
    assert AuditEvent.objects.filter(summary="family link").count() == 1


def test_the_database_refuses_a_self_link_and_a_second_current_link(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyLink.objects.create(
            guardian=personas.child, dependent=personas.child, relationship="parent"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyLink.objects.create(
            guardian=personas.guardian, dependent=personas.child, relationship="parent"
        )
    assert FamilyLink.objects.filter(dependent=personas.child).count() == 1


def test_a_guardian_manages_bookings_only_through_a_current_link_that_says_so(personas):
    assert managed_patient_ids(patient=personas.guardian) == {
        personas.guardian.pk,
        personas.child.pk,
    }
    # An adult child who keeps a parent's contact details but does not book for them.
    services.family_link_add(
        actor=None,
        guardian=personas.guardian,
        dependent=personas.patient_b,
        relationship=FamilyRelationship.CAREGIVER,
        manages_bookings=False,
    )
    assert personas.patient_b.pk not in managed_patient_ids(patient=personas.guardian)
    link = FamilyLink.objects.get(guardian=personas.guardian, dependent=personas.child)
    services.family_link_end(actor=None, link=link, now=NOW)
    assert managed_patient_ids(patient=personas.guardian) == {personas.guardian.pk}


def test_a_patient_without_dependents_manages_only_themselves(personas):
    assert managed_patient_ids(patient=personas.patient_a) == {personas.patient_a.pk}
    assert managed_patient_ids(patient=personas.child) == {personas.child.pk}


def test_the_record_shows_current_family_insurance_and_care_team(
    personas, django_assert_num_queries
):
    ended = services.family_link_add(
        actor=None,
        guardian=personas.patient_b,
        dependent=personas.patient_a,
        relationship=FamilyRelationship.SPOUSE,
    )
    services.family_link_end(actor=None, link=ended, now=NOW)
    with django_assert_num_queries(5):
        record = patient_with_family(patient_id=personas.patient_a.pk)
        assert record is not None
        guardians = [link.guardian for link in record.current_guardian_links]
        dependents = [link.dependent for link in record.current_dependent_links]
        insurers = [coverage.insurer for coverage in record.coverages.all()]
        team = [assignment.practitioner for assignment in record.current_care_assignments]
    assert (guardians, dependents, insurers, team) == ([], [], ["Sample Life"], [personas.physio])
    child = patient_with_family(patient_id=personas.child.pk)
    assert child is not None
    assert [link.guardian for link in child.current_guardian_links] == [personas.guardian]


def test_an_unknown_patient_has_no_record():
    assert patient_with_family(patient_id=999_999) is None


def test_coverage_is_added_then_changed_each_on_file(personas):
    coverage = services.coverage_save(
        actor=personas.front_desk,
        coverage=Coverage(
            patient=personas.child,
            insurer="Sample Health",
            plan_holder_name="Grace Green",
            relationship_to_holder=HolderRelationship.CHILD,
        ),
    )
    coverage.member_id = "M-2"
    services.coverage_save(actor=personas.front_desk, coverage=coverage)
    assert Coverage.objects.get(pk=coverage.pk).member_id == "M-2"
    actions = AuditEvent.objects.filter(
        object_type="patients.coverage", object_id=str(coverage.pk)
    ).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["create", "change"]
    assert linked_patients("insurance coverage") == {personas.child.pk}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"insurer": ""}, "insurer"),
        ({"relationship_to_holder": "cousin"}, "relationship_to_holder"),
    ],
)
def test_it_refuses_coverage_without_an_insurer_or_with_an_unknown_holder(personas, fields, field):
    before = AuditEvent.objects.count()
    values = {"patient": personas.patient_b, "insurer": "Sample Health", **fields}
    with pytest.raises(PatientError) as refused:
        services.coverage_save(actor=personas.front_desk, coverage=Coverage(**values))
    assert (refused.value.code, refused.value.field) == (PatientErrorCode.INVALID, field)
    assert not Coverage.objects.filter(patient=personas.patient_b).exists()
    assert AuditEvent.objects.count() == before


def test_a_care_assignment_keeps_its_reason_and_who_assigned_it(personas):
    assignment = services.care_assignment_add(
        actor=personas.manager,
        patient=personas.patient_b,
        practitioner=personas.massage_therapist,
        reason="  Referred by Dr. Osei  ",
    )
    stored = CareAssignment.objects.get(pk=assignment.pk)
    assert (stored.reason, stored.assigned_by, stored.ended_at) == (
        "Referred by Dr. Osei",
        personas.manager,
        None,
    )
    assert str(stored) == "Olivia Massage cares for Bob Brown"
    event = AuditEvent.objects.filter(summary="care assignment").latest("pk")
    assert (event.actor, event.object_type) == (personas.manager, "patients.careassignment")


def test_a_refused_second_assignment_leaves_one_and_its_single_event(personas):
    before = AuditEvent.objects.filter(summary="care assignment").count()
    with pytest.raises(PatientError) as refused:
        services.care_assignment_add(
            actor=personas.front_desk, patient=personas.patient_a, practitioner=personas.physio
        )
    assert refused.value.code == PatientErrorCode.INVALID
    assert CareAssignment.objects.filter(patient=personas.patient_a).count() == 1
    assert AuditEvent.objects.filter(summary="care assignment").count() == before


def test_an_ended_assignment_can_be_made_again_and_the_old_one_stays(personas):
    first = CareAssignment.objects.get(patient=personas.patient_a)
    services.care_assignment_end(actor=personas.manager, assignment=first, now=NOW)
    services.care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_a,
        practitioner=personas.physio,
        reason="Back for a new injury",
    )
    rows = CareAssignment.objects.filter(patient=personas.patient_a).order_by("pk")
    assert [row.ended_at for row in rows] == [NOW, None]
    with pytest.raises(IntegrityError), transaction.atomic():
        CareAssignment.objects.create(
            patient=personas.patient_a, practitioner=personas.physio, assigned_by=personas.manager
        )


def test_ending_keeps_the_instant_it_ended(personas):
    assignment = CareAssignment.objects.get(patient=personas.patient_a)
    later = NOW + timedelta(hours=3)
    services.care_assignment_end(actor=personas.manager, assignment=assignment, now=later)
    assert CareAssignment.objects.get(pk=assignment.pk).ended_at == later
    assert linked_patients("care assignment (ended)") == {personas.patient_a.pk}
