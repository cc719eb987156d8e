"""The documents page and the download: a practitioner in the patient's care files a
referral or a report and opens it again, byte for byte, as an attachment of its own
type; refusals are form errors with nothing saved; the front desk, managers and other
practitioners get the same 404 as for a document that does not exist, on file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care import storage
from rehabdesk.care.models import Document
from rehabdesk.care.services import document_upload
from rehabdesk.care.testing import pdf_bytes, uploaded
from rehabdesk.clinic.testing import png_bytes
from rehabdesk.web.staff.document_views import download_name

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path) -> Path:
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    return settings.DOCUMENTS_DIR


def file_on_record(personas, name="referral.pdf", data=None, title="Referral from Dr. Singh"):
    return document_upload(
        actor=personas.physio.user,
        patient=personas.patient_a,
        kind="referral",
        title=title,
        received_on=date(2026, 1, 5),
        file=uploaded(name, pdf_bytes() if data is None else data),
        now=timezone.now(),
    )


def post(client, personas, name, data, **fields):
    client.force_login(personas.physio.user)
    return client.post(
        reverse("document-upload", args=[personas.patient_a.pk]),
        {
            "kind": "imaging",
            "title": "MRI lumbar spine",
            "received_on": "2026-01-05",
            "file": uploaded(name, data),
            **fields,
        },
    )


def stored(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- Filing a document ------------------------------------------------------------------


def test_it_files_a_pdf_from_the_page_and_lists_it(client, personas):
    response = post(client, personas, "mri.pdf", pdf_bytes())
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.title, document.content_type) == (
        "imaging",
        "MRI lumbar spine",
        "application/pdf",
    )
    page = client.get(response["Location"])
    assert "The document is on the record." in page.text
    assert "MRI lumbar spine" in page.text
    assert reverse("document-download", args=[document.pk]) in page.text


def test_it_files_a_png_photo_of_a_paper_referral(client, personas):
    response = post(client, personas, "referral.png", png_bytes(8, 8), kind="referral")
    assert response.status_code == 302
    assert Document.objects.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("mri.pdf", HTML, "Upload a PDF, or a PNG, JPEG or WebP image."),
        ("mri.pdf", png_bytes(), "This file is a PNG image, but its name ends in “.pdf”."),
        ("mri.pdf", b"", "The submitted file is empty."),
    ],
)
def test_it_refuses_a_file_that_is_not_what_it_says_with_a_form_error(
    client, personas, documents_dir, name, data, words
):
    response = post(client, personas, name, data)
    assert response.status_code == 200
    assert words in response.text
    assert 'id="id_file_error"' in response.text
    assert not Document.objects.exists()
    assert stored(documents_dir) == []


def test_it_refuses_a_file_over_the_limit_with_a_form_error(
    client, personas, documents_dir, settings
):
    settings.DOCUMENT_MAX_BYTES = 2048
    response = post(client, personas, "mri.pdf", pdf_bytes("x" * 3000))
    assert response.status_code == 200
    assert "at most 2.0\xa0KB is accepted" in response.text
    assert 'id="id_file_error"' in response.text
    assert not Document.objects.exists()
    assert stored(documents_dir) == []


def test_it_refuses_a_date_in_the_future_with_a_form_error(client, personas, documents_dir):
    tomorrow = timezone.localdate() + timezone.timedelta(days=2)
    response = post(client, personas, "mri.pdf", pdf_bytes(), received_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert "cannot be in the future" in response.text
    assert not Document.objects.exists()
    assert stored(documents_dir) == []


def test_a_refused_upload_is_not_a_server_error_without_a_file(client, personas):
    client.force_login(personas.physio.user)
    response = client.post(reverse("document-upload", args=[personas.patient_a.pk]), {})
    assert response.status_code == 200
    assert "This field is required." in response.text


def test_the_form_labels_every_input_and_sends_files(client, personas):
    client.force_login(personas.physio.user)
    text = client.get(reverse("document-upload", args=[personas.patient_a.pk])).text
    assert 'enctype="multipart/form-data"' in text
    for field in ("file", "kind", "title", "received_on"):
        assert f'for="id_{field}"' in text


# --- The download -----------------------------------------------------------------------


def test_the_download_is_the_stored_bytes_as_an_attachment_of_its_type(client, personas):
    data = pdf_bytes("Imaging report")
    document = file_on_record(personas, name="Rapport d’IRM — épaule.pdf", data=data)
    client.force_login(personas.physio.user)
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Rapport-dIRM-epaule.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_the_download_of_an_image_keeps_its_own_type(client, personas):
    data = png_bytes(3, 3)
    document = file_on_record(personas, name="scan.png", data=data)
    client.force_login(personas.physio.user)
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == data


def test_a_document_whose_file_storage_lost_says_so_plainly(client, personas, caplog):
    document = file_on_record(personas, name="referral.pdf")
    storage.document_path(document.sha256).unlink()
    client.force_login(personas.physio.user)

    response = client.get(reverse("document-download", args=[document.pk]))

    assert response.status_code == 503
    assert "Its file is missing from the clinic's document storage" in response.text
    assert "referral" not in caplog.text
    assert f"document {document.pk}: its stored file is missing" in caplog.text


def test_the_download_is_on_file(client, personas):
    document = file_on_record(personas)
    client.force_login(personas.physio.user)
    client.get(reverse("document-download", args=[document.pk]))
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome, event.summary) == (
        "view",
        "success",
        "document downloaded",
    )
    assert (event.object_type, event.object_id) == ("care.document", str(document.pk))
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


@pytest.mark.parametrize(
    ("file_name", "content_type", "safe"),
    [
        ('a"b;c\r\nSet-Cookie: x.pdf', "application/pdf", "a-b-c-Set-Cookie-x.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("фото.jpeg", "image/jpeg", "document.jpeg"),
        ("scan.PNG", "image/png", "scan.png"),
        ("report.html", "application/pdf", "report.pdf"),
    ],
)
def test_the_download_name_is_plain_ascii_ending_in_its_type(file_name, content_type, safe):
    assert download_name(Document(file_name=file_name, content_type=content_type)) == safe


# --- Who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["front_desk", "manager", "massage_therapist", "patient_a"])
def test_no_one_but_a_practitioner_in_care_opens_a_document(client, personas, persona):
    document = file_on_record(personas)
    client.force_login(personas.user(persona))
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 404
    assert "Singh" not in response.text
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome, event.object_type) == ("deny", "denied", "care.document")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


@pytest.mark.parametrize("persona", ["front_desk", "manager", "massage_therapist"])
def test_no_one_but_a_practitioner_in_care_sees_or_fills_the_documents_page(
    client, personas, persona
):
    file_on_record(personas)
    client.force_login(personas.user(persona))
    url = reverse("document-upload", args=[personas.patient_a.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "kind": "referral",
            "title": "Referral",
            "received_on": "2026-01-05",
            "file": uploaded("r.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 404
    assert Document.objects.count() == 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")


def test_a_practitioner_gets_404_for_a_patient_not_in_their_care_and_it_is_on_file(
    client, personas
):
    client.force_login(personas.physio.user)
    response = client.get(reverse("document-upload", args=[personas.patient_b.pk]))
    assert response.status_code == 404
    assert "Brown" not in response.text
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_b.pk]


def test_an_unknown_document_answers_like_a_forbidden_one(client, personas):
    client.force_login(personas.physio.user)
    response = client.get(reverse("document-download", args=[999_999]))
    assert response.status_code == 404
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "not_found")


def test_the_patient_page_links_to_the_documents_for_the_practitioner_in_care_only(
    client, personas
):
    url = reverse("document-upload", args=[personas.patient_a.pk])
    client.force_login(personas.physio.user)
    assert url in client.get(reverse("patient-detail", args=[personas.patient_a.pk])).text
    client.force_login(personas.front_desk)
    assert url not in client.get(reverse("patient-detail", args=[personas.patient_a.pk])).text


# --- The page's cost --------------------------------------------------------------------


def test_the_documents_page_costs_the_same_queries_whatever_the_count(client, personas):
    client.force_login(personas.physio.user)
    url = reverse("document-upload", args=[personas.patient_a.pk])
    file_on_record(personas)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        file_on_record(personas, data=pdf_bytes(f"Letter {number}"), title=f"Letter {number}")
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert response.text.count("Letter ") == 5
    assert len(six) == len(one)


def test_a_refused_upload_shows_the_list_again_with_one_event_on_file(client, personas):
    file_on_record(personas)
    before = AuditEvent.objects.count()
    response = post(client, personas, "mri.pdf", HTML)
    assert "Referral from Dr. Singh" in response.text
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.summary) == ("view", "documents list")
