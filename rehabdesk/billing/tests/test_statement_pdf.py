"""A patient's statement of account as printed: the clinic, the patient's legal name,
the period, what was owed before it, each invoice, credit note, payment and refund
dated with the balance after it, and what is owed at the end; from the desk as a PDF
(a practitioner or another patient gets 404), the copy on the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.pdf import statement_pdf
from rehabdesk.billing.receipts import statement_load
from rehabdesk.billing.tests.receipt_world import credit, pay, physio_service, visit_invoice
from rehabdesk.billing.tests.test_receipt_fields import MADE, runs

pytestmark = pytest.mark.django_db


def account(personas):
    """Feb: an invoice paid in part; Mar: another invoice, half credited, a payment."""
    service = physio_service()
    february = visit_invoice(
        personas, service=service, issued_at=datetime(2026, 2, 2, 16, tzinfo=UTC)
    )
    pay(personas, february, "50.00", method=PaymentMethod.CASH)
    march = visit_invoice(personas, service=service)
    note = credit(personas, march, "45.00", reason="Short visit")
    pay(personas, march, "50.00", method=PaymentMethod.DEBIT)
    return february, march, note


def test_it_prints_the_opening_each_line_and_the_closing_balance(personas):
    february, march, note = account(personas)
    copy = statement_load(
        patient=personas.patient_a,
        clinic=personas.pickering.clinic,
        location=personas.pickering,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
    )
    assert copy.opening == 45
    assert copy.closing == 45
    text = " | ".join(runs(statement_pdf(copy, made_at=MADE, compress=False)))
    assert "Persona Clinic" in text
    assert "1 Sample Road, Pickering, ON A1A 1A1" in text
    assert "Statement of account" in text
    assert "Alice Anders" in text
    assert "Period | Mar 1, 2026 to Mar 31, 2026" in text
    assert "Balance on Mar 1, 2026 | $45.00" in text
    assert f"Mar 2, 2026 — Invoice {march.number:06d}: $95.00 | $140.00" in text
    assert "Mar 2, 2026 — Payment — Debit: -$50.00 | $90.00" in text
    assert (
        f"Mar 3, 2026 — Credit note {note.number:06d} (invoice {march.number:06d}): -$45.00"
        " | $45.00"
    ) in text
    assert "Balance owing $45.00 | $45.00" in text
    assert f"Invoice {february.number:06d}" not in text  # before the period


def test_the_desk_downloads_a_statement_and_others_get_404(client, personas):
    account(personas)
    url = reverse("staff-statement-pdf", args=[personas.patient_a.pk])
    for who in ("physio", "patient_b", "patient_a", "outsider"):
        client.force_login(personas.user(who))
        assert client.get(url, {"start": "2026-01-01", "end": "2026-12-31"}).status_code == 404
    client.force_login(personas.front_desk)
    response = client.get(url, {"start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{personas.patient_a.pk}-20260101-20261231.pdf"'
    )
    event = AuditEvent.objects.get(object_type="billing.statement")
    assert event.summary == "statement 2026-01-01 to 2026-12-31"
    missing = reverse("staff-statement-pdf", args=[999_999])
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize(
    "period",
    [
        {"start": "2026-03-01", "end": "2026-02-01"},
        {"start": "1899-01-01", "end": "2026-02-01"},
        {"start": "soon", "end": "2026-02-01"},
        {"start": "2026-02-30", "end": "2026-03-01"},
    ],
)
def test_a_bad_period_is_a_400_saying_why(client, personas, period):
    client.force_login(personas.front_desk)
    url = reverse("staff-statement-pdf", args=[personas.patient_a.pk])
    response = client.get(url, period)
    assert response.status_code == 400
    assert response.content.decode().startswith("The statement's period:")
