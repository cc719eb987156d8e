"""Documents through the access policy: only a practitioner in the patient's care gets
them, each look on file once; everyone else is refused as if nothing were there."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from rehabdesk.access.documents import document_for, documents_for, patient_for_document
from rehabdesk.access.errors import AccessDenied
from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.services import document_upload
from rehabdesk.care.testing import pdf_bytes, uploaded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"


@pytest.fixture
def referral(personas):
    return document_upload(
        actor=personas.physio.user,
        patient=personas.patient_a,
        kind="referral",
        title="Referral",
        received_on=date(2026, 1, 5),
        file=uploaded("referral.pdf", pdf_bytes()),
        now=timezone.now(),
    )


def test_it_lists_the_documents_for_the_practitioner_in_care_on_file_once(personas, referral):
    before = AuditEvent.objects.count()
    assert documents_for(user=personas.physio.user, patient_id=personas.patient_a.pk) == [referral]
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.summary) == ("view", "documents list")


def test_a_page_with_its_own_view_event_lists_them_without_another(personas, referral):
    before = AuditEvent.objects.count()
    documents_for(user=personas.physio.user, patient_id=personas.patient_a.pk, on_file=False)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("persona", ["front_desk", "manager", "massage_therapist", "patient_a"])
def test_no_one_else_gets_the_list_the_document_or_the_upload(personas, referral, persona):
    user = personas.user(persona)
    with pytest.raises(AccessDenied):
        documents_for(user=user, patient_id=personas.patient_a.pk)
    with pytest.raises(AccessDenied) as refused:
        document_for(user=user, document_id=referral.pk)
    assert refused.value.patient_ids == [personas.patient_a.pk]
    with pytest.raises(AccessDenied):
        patient_for_document(user=user, patient_id=personas.patient_a.pk)


def test_a_download_is_on_file_naming_the_document(personas, referral):
    assert document_for(user=personas.physio.user, document_id=referral.pk) == referral
    event = AuditEvent.objects.latest("pk")
    assert (event.object_type, event.object_id, event.summary) == (
        "care.document",
        str(referral.pk),
        "document downloaded",
    )


def test_an_unknown_document_is_refused_as_not_found(personas):
    with pytest.raises(AccessDenied) as refused:
        document_for(user=personas.physio.user, document_id=999_999)
    assert refused.value.found is False
