"""Reading a patient's documents: newest first by their own date, each with who filed
it, in one query however many there are."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from rehabdesk.care.selectors import document_by_id, documents_of
from rehabdesk.care.services import document_upload
from rehabdesk.care.testing import pdf_bytes, uploaded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"


def filed(personas, title: str, received_on: date, patient=None):
    return document_upload(
        actor=personas.physio.user,
        patient=patient or personas.patient_a,
        kind="report",
        title=title,
        received_on=received_on,
        file=uploaded("letter.pdf", pdf_bytes(title)),
        now=timezone.now(),
    )


def test_it_lists_the_patients_documents_newest_first_in_one_query(
    personas, django_assert_num_queries
):
    old = filed(personas, "Old letter", date(2025, 5, 1))
    new = filed(personas, "New letter", date(2026, 1, 2))
    same_day = filed(personas, "Second letter that day", date(2026, 1, 2))
    filed(personas, "Someone else's", date(2026, 1, 3), patient=personas.patient_b)
    with django_assert_num_queries(1):
        documents = documents_of(patient_id=personas.patient_a.pk)
        assert [str(d.uploaded_by) for d in documents] == [str(personas.physio.user)] * 3
    assert documents == [same_day, new, old]


def test_it_finds_one_document_with_its_patient_in_one_query(personas, django_assert_num_queries):
    document = filed(personas, "Letter", date(2026, 1, 2))
    with django_assert_num_queries(1):
        found = document_by_id(document_id=document.pk)
        assert found is not None
        assert found.patient.full_name == personas.patient_a.full_name
    assert document_by_id(document_id=document.pk + 1000) is None
