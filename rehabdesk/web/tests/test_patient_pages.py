"""The staff patient pages do what they say, in a fixed number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import CareAssignment, FamilyLink, Patient
from rehabdesk.patients.services import family_link_add, patient_create

pytestmark = pytest.mark.django_db


def add_children(guardian: Patient, count: int) -> None:
    for index in range(count):
        child = patient_create(
            actor=None,
            patient=Patient(
                first_name=f"Kid{index}", last_name="Green", date_of_birth=date(2015, 1, 1 + index)
            ),
            confirm_not_duplicate=True,
        )
        family_link_add(
            actor=None, guardian=guardian, dependent=child, relationship=FamilyRelationship.PARENT
        )


def test_a_record_reads_in_the_same_number_of_queries_for_any_family(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.front_desk)
    url = reverse("patient-detail", args=[personas.guardian.pk])
    client.get(url)
    # 13 + Bookings (upcoming, past, attendance) + whether a practitioner must clear
    # hands-on bookings (safety) + the clinic's name for the header + Consents (privacy,
    # treatment) + the health form's status + the Account (balance: three queries;
    # packages: one) + the treatment plans to book (one)
    with django_assert_num_queries(26) as small:
        client.get(url)
    add_children(personas.guardian, 5)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count("Acts for") == 6


def test_a_search_reads_in_the_same_number_of_queries_for_any_number_of_results(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.front_desk)
    url = reverse("patient-search") + "?q=green"
    client.get(url)
    with django_assert_num_queries(9) as small:  # with the clinic's name for the header
        client.get(url)
    add_children(personas.guardian, 5)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["results"]) == 7


def test_the_front_desk_corrects_a_phone_number(client, personas):
    client.force_login(personas.front_desk)
    patient = personas.patient_b
    form = client.get(reverse("patient-edit", args=[patient.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(phone="905-555-0999", date_of_birth="1975-09-30")
    response = client.post(reverse("patient-edit", args=[patient.pk]), data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone == "+19055550999"  # kept in E.164, so text messages reach it
    assert AuditEvent.objects.latest("pk").summary == "patient record: phone"


def test_a_phone_number_that_is_no_number_is_a_form_error(client, personas):
    client.force_login(personas.front_desk)
    patient = personas.patient_b
    form = client.get(reverse("patient-edit", args=[patient.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(phone="555-01", date_of_birth="1975-09-30")
    response = client.post(reverse("patient-edit", args=[patient.pk]), data)
    assert response.status_code == 200
    assert "phone number we can call or text" in response.content.decode()
    patient.refresh_from_db()
    assert patient.phone != "555-01"


def test_a_patient_needs_a_way_to_be_reached(client, personas):
    client.force_login(personas.front_desk)
    response = client.post(
        reverse("patient-new"),
        {
            "first_name": "Nora",
            "last_name": "Quiet",
            "date_of_birth": "1970-01-01",
            "province": "ON",
            "preferred_language": "English",
        },
    )
    assert "Give a phone number or an e-mail address" in response.text
    assert not Patient.objects.filter(last_name="Quiet").exists()


def test_the_front_desk_assigns_and_ends_care(client, personas):
    client.force_login(personas.front_desk)
    client.post(
        reverse("patient-care-add", args=[personas.patient_b.pk]),
        {"practitioner": personas.massage_therapist.pk, "reason": "Neck tension"},
    )
    assignment = CareAssignment.objects.get(patient=personas.patient_b)
    client.post(reverse("patient-care-end", args=[personas.patient_b.pk, assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_a_link_from_another_family_cannot_be_ended_through_this_record(client, personas):
    client.force_login(personas.front_desk)
    link = FamilyLink.objects.get(guardian=personas.guardian)
    response = client.post(reverse("patient-family-end", args=[personas.patient_a.pk, link.pk]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.ended_at is None


def test_deactivating_keeps_the_record_and_says_why(client, personas):
    client.force_login(personas.front_desk)
    client.post(
        reverse("patient-deactivate", args=[personas.patient_b.pk]), {"reason": "Moved away"}
    )
    response = client.get(reverse("patient-detail", args=[personas.patient_b.pk]))
    assert "Moved away. The record is kept." in response.text
    client.post(reverse("patient-reactivate", args=[personas.patient_b.pk]))
    assert Patient.objects.get(pk=personas.patient_b.pk).active
