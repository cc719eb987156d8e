"""Registering patients one by one at the desk, or many at once from an import: what
is refused (and that nothing is then saved or put on file), what is tidied, what is
asked about."""

from __future__ import annotations

from datetime import date

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients import services
from rehabdesk.patients.errors import PatientError, PatientErrorCode
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import possible_duplicates

pytestmark = pytest.mark.django_db


def new_patient(**fields) -> Patient:
    values = {
        "first_name": "Dana",
        "last_name": "Diaz",
        "date_of_birth": date(1990, 7, 15),
        "phone": "905-555-0177",
        "email": "dana@example.com",
    }
    values.update(fields)
    return Patient(**values)


def patient_events() -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(object_type="patients.patient")
        .order_by("pk")
        .values_list("action", "summary")
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": "   "}, "last_name"),
        ({"email": "not an address"}, "email"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"first_name": "D" * 81}, "first_name"),
    ],
)
def test_it_refuses_an_incomplete_or_malformed_registration(fields, field):
    with pytest.raises(PatientError) as refused:
        services.patient_create(actor=None, patient=new_patient(**fields))
    assert refused.value.code == PatientErrorCode.INVALID
    assert refused.value.field == field
    assert not Patient.objects.exists()
    assert patient_events() == []


def test_it_tidies_names_email_and_phone_before_saving():
    patient = services.patient_create(
        actor=None,
        patient=new_patient(
            first_name="  Dana ",
            last_name=" Diaz",
            email=" DANA@Example.COM ",
            phone="(905) 555.0177",
        ),
    )
    patient.refresh_from_db()
    assert (patient.first_name, patient.last_name) == ("Dana", "Diaz")
    assert patient.email == "dana@example.com"
    assert patient.phone_digits == "9055550177"
    assert patient.phone == "(905) 555.0177"  # what the desk typed stays as typed


def test_a_refused_duplicate_leaves_nothing_on_file():
    services.patient_create(actor=None, patient=new_patient())
    with pytest.raises(PatientError) as refused:
        services.patient_create(actor=None, patient=new_patient(email="other@example.com"))
    assert refused.value.code == PatientErrorCode.POSSIBLE_DUPLICATE
    assert Patient.objects.count() == 1
    assert patient_events() == [("create", "patient record")]


def test_a_name_matches_whatever_its_case_and_spacing():
    existing = services.patient_create(actor=None, patient=new_patient())
    lookalike = new_patient(first_name=" DANA ", last_name="diaz", phone="", email="")
    assert possible_duplicates(patient=lookalike) == [existing]


def test_the_same_name_born_another_day_is_someone_else():
    services.patient_create(actor=None, patient=new_patient())
    services.patient_create(
        actor=None, patient=new_patient(date_of_birth=date(1991, 7, 15), phone="", email="")
    )
    assert Patient.objects.count() == 2


def test_a_short_phone_number_is_no_reason_to_ask():
    # An extension or a half-typed number would match far too many people.
    services.patient_create(actor=None, patient=new_patient(phone="555-01"))
    other = new_patient(first_name="Eve", email="", phone="555-01")
    assert possible_duplicates(patient=other) == []


def test_it_names_three_possible_matches_and_hands_over_up_to_ten():
    for n in range(12):
        services.patient_create(
            actor=None,
            patient=new_patient(first_name=f"Member{n}", email=f"m{n}@example.com"),
            confirm_not_duplicate=True,
        )
    with pytest.raises(PatientError) as refused:
        services.patient_create(actor=None, patient=new_patient(email=""))
    assert len(refused.value.duplicates) == 10
    assert refused.value.message.count("(born 1990-07-15)") == 3
    assert refused.value.duplicates == sorted(refused.value.duplicates, key=lambda p: p.pk)


def test_a_patient_is_never_their_own_duplicate():
    patient = services.patient_create(actor=None, patient=new_patient())
    assert possible_duplicates(patient=patient) == []


def test_the_registration_is_on_file_for_the_new_patient_only(personas):
    patient = services.patient_create(actor=personas.front_desk, patient=new_patient())
    event = AuditEvent.objects.filter(object_type="patients.patient").latest("pk")
    assert (event.object_id, event.actor_email) == (str(patient.pk), "desk@persona.example")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [patient.pk]


def test_an_import_registers_everyone_with_one_audit_event_per_batch(personas):
    people = [
        new_patient(first_name=f"Imported{n}", email=f"Person{n}@Example.com", phone="")
        for n in range(5)
    ]
    created = services.patients_import(actor=personas.manager, patients=people, batch=2)
    assert len(created) == 5
    assert all(patient.pk is not None for patient in created)
    events = AuditEvent.objects.filter(summary="patient records (imported)").order_by("pk")
    assert [event.patient_links.count() for event in events] == [2, 2, 1]
    linked = {
        link
        for event in events
        for link in event.patient_links.values_list("patient_id", flat=True)
    }
    assert linked == {patient.pk for patient in created}
    assert {event.actor for event in events} == {personas.manager}


def test_an_import_tidies_each_row_and_asks_no_questions():
    services.patient_create(actor=None, patient=new_patient())
    services.patients_import(
        actor=None, patients=[new_patient(email="DANA@EXAMPLE.COM ", phone="905 555 0177")]
    )
    imported = Patient.objects.order_by("pk").last()
    assert imported is not None
    assert (imported.email, imported.phone_digits) == ("dana@example.com", "9055550177")
    assert Patient.objects.count() == 2  # reviewed before it runs: no duplicate check


def test_an_empty_import_writes_nothing():
    assert services.patients_import(actor=None, patients=[]) == []
    assert patient_events() == []
    assert not AuditEvent.objects.filter(summary="patient records (imported)").exists()
