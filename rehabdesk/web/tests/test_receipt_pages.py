"""Receipts from the portal and the desk: a patient downloads their own receipts of a
year, one at a time or all in one PDF, and a guardian their dependent's too; the first
copy of a paid receipt is the original, every later one says DUPLICATE; each copy is
on the audit trail. Anyone else — another patient, a practitioner, a stranger — gets
the same 404 as for a receipt that does not exist."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.receipts import RECEIPT_COPY
from rehabdesk.billing.tests.receipt_world import (
    hst_registered,
    massage_service,
    pay,
    physio_service,
    visit_invoice,
)
from rehabdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
THIS_YEAR = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _in_2026(monkeypatch):
    """The pages' "this year" is 2026, whatever day the suite runs."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: THIS_YEAR.date())


def paid_visit(personas, patient=None, service=None):
    invoice = visit_invoice(personas, patient=patient, service=service or physio_service())
    pay(personas, invoice, invoice.total)
    return invoice


def sign_in(client, personas, who):
    client.force_login(personas.user(who))


def test_it_lists_a_patients_receipts_of_the_year_with_each_pdf(client, personas):
    invoice = paid_visit(personas)
    sign_in(client, personas, "patient_a")
    page = client.get(reverse("my-receipts"), {"year": "2026"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Receipt {invoice.number:06d} (PDF)" in html
    assert reverse("my-receipt-pdf", args=[invoice.pk]) in html
    assert reverse("my-receipts-year-pdf", args=[personas.patient_a.pk]) + "?year=2026" in html
    assert "Paid in full" in html
    assert (
        "No receipts in 2025"
        in client.get(reverse("my-receipts"), {"year": "2025"}).content.decode()
    )


def test_a_guardian_sees_their_own_and_their_dependents_receipts(client, personas):
    own = paid_visit(personas, patient=personas.guardian)
    childs = paid_visit(personas, patient=personas.child)
    sign_in(client, personas, "guardian")
    html = client.get(reverse("my-receipts"), {"year": "2026"}).content.decode()
    assert f"Receipt {own.number:06d}" in html
    assert f"Receipt {childs.number:06d}" in html
    assert "Charlie Green" in html
    download = client.get(reverse("my-receipt-pdf", args=[childs.pk]))
    assert download.status_code == 200
    year = client.get(reverse("my-receipts-year-pdf", args=[personas.child.pk]) + "?year=2026")
    assert year.status_code == 200
    assert year["Content-Type"] == "application/pdf"


def test_a_patient_downloads_their_receipt_and_the_second_copy_is_a_duplicate(client, personas):
    invoice = paid_visit(personas)
    sign_in(client, personas, "patient_a")
    first = client.get(reverse("my-receipt-pdf", args=[invoice.pk]))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == (
        f'attachment; filename="receipt-{invoice.number:06d}.pdf"'
    )
    assert first.content.startswith(b"%PDF-")
    second = client.get(reverse("my-receipt-pdf", args=[invoice.pk]))
    assert second.status_code == 200
    copies = AuditEvent.objects.filter(object_type=RECEIPT_COPY, object_id=str(invoice.pk))
    summaries = sorted(copies.values_list("summary", flat=True))
    assert summaries == [
        f"receipt {invoice.number:06d} downloaded (duplicate)",
        f"receipt {invoice.number:06d} downloaded (original)",
    ]
    assert set(copies.values_list("patient_links__patient_id", flat=True)) == {
        personas.patient_a.pk
    }


def test_the_year_file_holds_every_receipt_of_the_year(client, personas):
    service = physio_service()
    invoices = [paid_visit(personas, service=service) for _ in range(3)]
    sign_in(client, personas, "patient_a")
    response = client.get(
        reverse("my-receipts-year-pdf", args=[personas.patient_a.pk]) + "?year=2026"
    )
    assert response.status_code == 200
    assert re.findall(rb"/Count (\d+)", response.content) == [b"3"]
    assert AuditEvent.objects.filter(object_type=RECEIPT_COPY).count() == len(invoices)


@pytest.mark.parametrize("who", ["patient_b", "physio", "massage_therapist", "outsider"])
def test_anyone_else_gets_the_404_of_a_receipt_that_does_not_exist(client, personas, who):
    invoice = paid_visit(personas)
    sign_in(client, personas, who)
    assert client.get(reverse("my-receipt-pdf", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("my-receipt-pdf", args=[999_999])).status_code == 404
    year = reverse("my-receipts-year-pdf", args=[personas.patient_a.pk]) + "?year=2026"
    assert client.get(year).status_code == 404
    assert client.get(reverse("staff-receipt-pdf", args=[invoice.pk])).status_code == 404
    email = reverse("staff-receipt-email", args=[invoice.pk])
    assert client.post(email).status_code == 404
    assert not OutboxMessage.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, personas):
    invoice = paid_visit(personas)
    response = client.get(reverse("my-receipt-pdf", args=[invoice.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign-in" in response["Location"]


def test_a_year_we_do_not_keep_is_this_years_page_with_a_note(client, personas):
    sign_in(client, personas, "patient_a")
    for bad in ("1999", "3000", "twenty", "2026\x00", "-1"):
        response = client.get(reverse("my-receipts"), {"year": bad})
        assert response.status_code == 400
        assert "not a year we keep receipts for" in response.content.decode()
        file = reverse("my-receipts-year-pdf", args=[personas.patient_a.pk])
        assert client.get(file, {"year": bad}).status_code == 400


def test_the_desk_prints_a_receipt_and_the_portals_copy_is_then_a_duplicate(client, personas):
    invoice = paid_visit(personas)
    sign_in(client, personas, "front_desk")
    printed = client.get(reverse("staff-receipt-pdf", args=[invoice.pk]))
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF-")
    client.logout()
    sign_in(client, personas, "patient_a")
    client.get(reverse("my-receipt-pdf", args=[invoice.pk]))
    summaries = AuditEvent.objects.filter(object_type=RECEIPT_COPY).order_by("id")
    assert [s.split()[-1] for s in summaries.values_list("summary", flat=True)] == [
        "(original)",
        "(duplicate)",
    ]


def test_the_desk_emails_a_receipt_with_its_pdf_attached(client, personas):
    hst_registered(personas)
    invoice = paid_visit(personas, service=massage_service())
    sign_in(client, personas, "front_desk")
    response = client.post(
        reverse("staff-receipt-email", args=[invoice.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/")  # the invoice or patient page, never evil
    message = OutboxMessage.objects.get()
    assert message.recipient == "alice@persona.example"
    assert message.subject == f"Receipt {invoice.number:06d} from Persona Clinic"
    assert message.attachment_name == f"receipt-{invoice.number:06d}.pdf"
    assert bytes(message.attachment).startswith(b"%PDF-")
    assert "Paid in full" in message.body_text


def test_a_childs_receipt_goes_to_the_guardian(client, personas):
    invoice = paid_visit(personas, patient=personas.child)
    sign_in(client, personas, "manager")
    client.post(reverse("staff-receipt-email", args=[invoice.pk]))
    message = OutboxMessage.objects.get()
    assert message.recipient == "grace@persona.example"
    assert "Charlie's receipt" in message.body_text


def test_a_patient_without_an_address_is_told_at_the_desk(client, personas):
    from rehabdesk.patients.models import Patient

    Patient.objects.filter(pk=personas.patient_b.pk).update(email="")
    invoice = paid_visit(personas, patient=personas.patient_b)
    sign_in(client, personas, "front_desk")
    response = client.post(reverse("staff-receipt-email", args=[invoice.pk]), follow=True)
    assert "has no e-mail address" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_the_years_page_takes_the_same_queries_however_many_receipts(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paid_visit(personas, patient=personas.guardian)
    sign_in(client, personas, "guardian")
    client.get(reverse("my-receipts"))  # the session and the person, cached
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("my-receipts"), {"year": "2026"})
    for patient in (personas.guardian, personas.child, personas.child):
        paid_visit(personas, patient=patient, service=massage_service())
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse("my-receipts"), {"year": "2026"}).status_code == 200
    assert len(four) == len(one)
    assert len(one) <= 20
