"""Registering and correcting patients: duplicates caught, every change on file,
nothing ever deleted."""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients import services
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.errors import PatientError, PatientErrorCode
from rehabdesk.patients.models import Coverage, FamilyLink, Patient
from rehabdesk.patients.retention import retain_until
from rehabdesk.patients.selectors import patient_search

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def new_patient(**fields) -> Patient:
    values = {
        "first_name": "Dana",
        "last_name": "Diaz",
        "date_of_birth": date(1990, 7, 15),
        "phone": "905-555-0177",
        "email": "Dana@Example.com",
    }
    values.update(fields)
    return Patient(**values)


def events_for(patient: Patient) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(patient_links__patient_id=patient.pk)
        .order_by("pk")
        .values_list("action", "summary")
    )


def test_it_registers_a_patient_and_puts_it_on_file(personas):
    patient = services.patient_create(actor=personas.front_desk, patient=new_patient())
    assert patient.email == "dana@example.com"
    assert patient.phone_digits == "9055550177"
    assert events_for(patient) == [("create", "patient record")]
    event = AuditEvent.objects.get(patient_links__patient_id=patient.pk)
    assert event.actor == personas.front_desk


@pytest.mark.parametrize(
    ("change", "matched_on"),
    [
        ({"phone": "", "email": "someone@else.example"}, "name and date of birth"),
        ({"first_name": "Di", "email": "", "phone": "(905) 555 0177"}, "phone"),
        ({"first_name": "Di", "phone": "", "email": "DANA@example.com"}, "e-mail"),
    ],
)
def test_it_warns_of_a_possible_duplicate(change, matched_on):
    existing = services.patient_create(actor=None, patient=new_patient())
    with pytest.raises(PatientError) as caught:
        services.patient_create(actor=None, patient=new_patient(**change))
    assert caught.value.code == PatientErrorCode.POSSIBLE_DUPLICATE, matched_on
    assert caught.value.duplicates == [existing]
    assert "Dana Diaz (born 1990-07-15)" in caught.value.message
    assert Patient.objects.count() == 1


def test_it_registers_a_different_person_once_confirmed():
    services.patient_create(actor=None, patient=new_patient())
    twin = new_patient(email="", phone="905-555-0199")  # same name and birthday
    services.patient_create(actor=None, patient=twin, confirm_not_duplicate=True)
    assert Patient.objects.count() == 2


def test_it_names_the_changed_fields_but_not_their_values(personas):
    patient = personas.patient_b
    patient.phone = "905-555-0999"
    patient.preferred_name = "Bobby"
    services.patient_update(actor=personas.front_desk, patient=patient)
    assert events_for(patient)[-1] == ("change", "patient record: preferred_name, phone")
    assert "0999" not in str(AuditEvent.objects.values_list("summary", flat=True))


def test_it_writes_nothing_when_nothing_changed(personas):
    before = AuditEvent.objects.count()
    services.patient_update(
        actor=personas.front_desk, patient=Patient.objects.get(pk=personas.patient_b.pk)
    )
    assert AuditEvent.objects.count() == before


def test_it_deactivates_instead_of_deleting(personas):
    patient = services.patient_deactivate(
        actor=personas.manager, patient=personas.patient_b, reason="Moved to Vancouver", now=NOW
    )
    patient.refresh_from_db()
    assert (patient.active, patient.deactivated_at) == (False, NOW)
    services.patient_reactivate(actor=personas.manager, patient=patient)
    patient.refresh_from_db()
    assert patient.active
    assert [action for action, _ in events_for(patient)][-2:] == ["change", "change"]


def test_the_database_keeps_patients_that_others_refer_to(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.filter(pk=personas.child.pk).delete()


def test_a_guardian_can_be_linked_once(personas):
    with pytest.raises(PatientError, match="already linked"):
        services.family_link_add(
            actor=None,
            guardian=personas.guardian,
            dependent=personas.child,
            relationship=FamilyRelationship.PARENT,
        )
    with pytest.raises(PatientError, match="cannot be their own guardian"):
        services.family_link_add(
            actor=None,
            guardian=personas.child,
            dependent=personas.child,
            relationship=FamilyRelationship.PARENT,
        )


def test_an_ended_family_link_can_be_made_again(personas):
    link = FamilyLink.objects.get(guardian=personas.guardian)
    services.family_link_end(actor=personas.front_desk, link=link, now=NOW)
    services.family_link_add(
        actor=personas.front_desk,
        guardian=personas.guardian,
        dependent=personas.child,
        relationship=FamilyRelationship.LEGAL_GUARDIAN,
    )
    assert FamilyLink.objects.filter(dependent=personas.child).count() == 2
    assert events_for(personas.child)[-1] == ("create", "family link")


def test_it_records_insurance_and_care_assignments(personas):
    coverage = services.coverage_save(
        actor=personas.front_desk,
        coverage=Coverage(patient=personas.patient_b, insurer="Sample Health", member_id="M-1"),
    )
    coverage.active = False
    services.coverage_save(actor=personas.front_desk, coverage=coverage)
    assignment = services.care_assignment_add(
        actor=personas.front_desk,
        patient=personas.patient_b,
        practitioner=personas.massage_therapist,
    )
    with pytest.raises(PatientError, match="already caring"):
        services.care_assignment_add(
            actor=personas.front_desk,
            patient=personas.patient_b,
            practitioner=personas.massage_therapist,
        )
    services.care_assignment_end(actor=personas.manager, assignment=assignment, now=NOW)
    assert [s for _, s in events_for(personas.patient_b)][-4:] == [
        "insurance coverage",
        "insurance coverage",
        "care assignment",
        "care assignment (ended)",
    ]


def test_it_gives_a_patient_a_sign_in_once(personas):
    with pytest.raises(PatientError) as caught:
        services.patient_account_create(actor=None, patient=personas.patient_a, password=None)
    assert caught.value.code == PatientErrorCode.HAS_ACCOUNT
    with pytest.raises(PatientError) as caught:
        services.patient_account_create(actor=None, patient=personas.child, password=None)
    assert caught.value.field == "email"


def test_it_finds_patients_the_way_callers_describe_themselves(personas):
    assert list(patient_search(text="anders")) == [personas.patient_a]
    assert list(patient_search(text="555 0122")) == [personas.patient_b]
    assert set(patient_search(text="green")) == {personas.guardian, personas.child}
    assert list(patient_search(text="green", born_on=date(2016, 6, 1))) == [personas.child]


@pytest.mark.parametrize(
    ("born", "last_visit", "keep_until"),
    [
        (date(1980, 4, 2), date(2027, 3, 10), date(2037, 3, 10)),
        # Seen at 8: kept until ten years after their 18th birthday.
        (date(2019, 6, 1), date(2027, 3, 10), date(2047, 6, 1)),
        (date(2000, 1, 1), date(2024, 2, 29), date(2034, 2, 28)),
        (date(1980, 4, 2), None, None),
    ],
)
def test_it_keeps_records_ten_years_after_the_last_visit_or_coming_of_age(
    born, last_visit, keep_until
):
    assert retain_until(date_of_birth=born, last_visit=last_visit) == keep_until
