"""A refused or unknown record answers the same plain 404, and the attempt is put on
file by the middleware, after any transaction of the view has ended."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.middleware import AccessDeniedMiddleware, record_denial
from rehabdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="deny").order_by("pk"))


def patient_page(patient_id: int) -> str:
    return reverse("patient-detail", args=[patient_id])


def test_a_record_outside_ones_care_answers_404_and_is_on_file(client, personas):
    client.force_login(personas.massage_therapist.user)
    response = client.get(patient_page(personas.patient_a.pk))
    assert response.status_code == 404
    [event] = denials()
    assert (event.outcome, event.object_type, event.object_id, event.summary) == (
        "denied",
        "patients.patient",
        str(personas.patient_a.pk),
        "patient record",
    )
    assert event.actor == personas.massage_therapist.user
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
    assert not AuditEvent.objects.filter(action="view").exists()


def test_an_unknown_record_answers_the_same_404_and_is_on_file_as_not_found(client, personas):
    client.force_login(personas.massage_therapist.user)
    refused = client.get(patient_page(personas.patient_a.pk))
    client.force_login(personas.manager)
    missing = client.get(patient_page(999_999))
    assert missing.status_code == refused.status_code == 404
    assert missing.content == refused.content
    event = denials()[-1]
    assert (event.outcome, event.object_id, event.actor) == (
        "not_found",
        "999999",
        personas.manager,
    )
    assert not event.patient_links.exists()


def test_a_staff_page_answers_404_to_a_patient_and_puts_the_attempt_on_file(client, personas):
    client.force_login(personas.patient_a.user)
    response = client.get(reverse("patient-search"))
    assert response.status_code == 404
    [event] = denials()
    assert (event.object_type, event.object_id, event.outcome) == (
        "web.page",
        "search_patients",
        "denied",
    )


def test_the_denial_carries_the_requests_id(client, personas):
    client.force_login(personas.outsider)
    response = client.get(patient_page(personas.patient_b.pk))
    assert denials()[0].request_id == response["X-Request-ID"]


def test_a_refused_change_saves_nothing_and_is_on_file(client, personas):
    client.force_login(personas.physio.user)  # cares for A, but the desk keeps details
    changes = AuditEvent.objects.filter(action="change")
    before = changes.count()
    response = client.post(
        reverse("patient-edit", args=[personas.patient_a.pk]), {"first_name": "Mallory"}
    )
    assert response.status_code == 404
    personas.patient_a.refresh_from_db()
    assert personas.patient_a.first_name == "Alice"
    assert [e.outcome for e in denials()] == ["denied"]
    assert changes.count() == before


def test_a_denial_recorded_after_the_views_transaction_survives_its_rollback(personas):
    request = RequestFactory().get("/staff/patients/1/")
    request.user = personas.outsider
    denial = AccessDenied(
        object_type="patients.patient",
        object_id=str(personas.patient_b.pk),
        patient_ids=[personas.patient_b.pk],
        summary="patient record",
    )
    with pytest.raises(AccessDenied), transaction.atomic():
        raise denial  # the view's transaction rolls back ...
    response = AccessDeniedMiddleware(lambda r: None).process_exception(request, denial)
    assert response is not None
    assert response.status_code == 404  # ... and then the middleware records it
    assert [e.object_id for e in denials()] == [str(personas.patient_b.pk)]


def test_someone_not_signed_in_is_on_file_without_a_user(personas):
    request = RequestFactory().get("/manage/forged/")
    denial = AccessDenied(
        object_type="scheduling.appointment", object_id="", summary="appointment", found=False
    )
    record_denial(request, denial)
    [event] = denials()
    assert (event.actor, event.actor_email, event.outcome) == (None, "", "not_found")


def test_other_errors_are_left_to_django(personas):
    request = RequestFactory().get("/")
    middleware = AccessDeniedMiddleware(lambda r: None)
    assert middleware.process_exception(request, Http404()) is None
    assert middleware.process_exception(request, ValueError("boom")) is None
    assert denials() == []


def test_the_refusals_message_holds_no_personal_information():
    denial = AccessDenied(object_type="patients.patient", object_id="42", patient_ids=[42])
    assert str(denial) == "No patients.patient 42 for this user."
