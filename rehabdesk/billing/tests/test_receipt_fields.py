"""A receipt carries every field an extended-health insurer asks for
(domain-reference §3.5), read back from the PDF's own text: the clinic's name, address
and phone, its HST number only when HST is charged, the patient's legal name, the
service date, the service and its duration, the practitioner's name, designation and
registration number, the amount and its HST line, the payments with date and method,
"Paid in full", the receipt number, and the RMT's signature line on massage."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.pdf import receipts_pdf
from rehabdesk.billing.receipts import receipts_load
from rehabdesk.billing.tests.receipt_world import (
    HST_NUMBER,
    credit,
    hst_registered,
    insurer,
    massage_service,
    pay,
    physio_service,
    visit_invoice,
)

pytestmark = pytest.mark.django_db
MADE = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


def runs(pdf: bytes) -> list[str]:
    """The uncompressed PDF's text runs, in order."""
    found = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    return [re.sub(r"\\(.)", r"\1", run.decode("cp1252")) for run in found]


def text_of(receipts) -> str:
    return " | ".join(runs(receipts_pdf(receipts, made_at=MADE, compress=False)))


def test_it_prints_every_field_of_a_paid_massage_receipt(personas):
    hst_registered(personas)
    invoice = visit_invoice(personas, service=massage_service())
    pay(personas, invoice, "113.00", method=PaymentMethod.CREDIT_CARD)
    (receipt,) = receipts_load([invoice.pk])
    text = text_of([receipt])

    assert "Persona Clinic" in text
    assert "1 Sample Road, Pickering, ON A1A 1A1" in text
    assert "Phone 905-555-0100" in text
    assert f"HST registration no. {HST_NUMBER}" in text
    assert "Alice Anders" in text
    assert "Mar 2, 2026 — Massage therapy, 60 minutes |" in text  # its name says how long
    assert "Provider: Olivia Massage, RMT — registration no. PERSONA-RMT-1" in text
    assert "$100.00" in text
    assert "HST 13%" in text
    assert "$13.00" in text
    assert "Total | $113.00" in text
    assert "Mar 2, 2026 — Credit card | $113.00" in text
    assert "PAID IN FULL — BALANCE $0.00" in text
    assert f"Receipt {receipt.number}" in text
    assert receipt.number == f"{invoice.number:06d}"
    assert "Signature: ____" in text
    assert "DUPLICATE" not in text


def test_it_names_the_physiotherapist_and_leaves_out_hst_on_an_exempt_visit(personas):
    hst_registered(personas)
    invoice = visit_invoice(personas, service=physio_service())
    pay(personas, invoice, "95.00", method=PaymentMethod.DEBIT)
    text = text_of(receipts_load([invoice.pk]))
    assert "Mar 2, 2026 — Physiotherapy follow-up, 30 minutes" in text
    assert "Provider: Priya Physio, PT — registration no. PERSONA-PT-1" in text
    assert "HST exempt" in text
    assert "HST registration no." not in text
    assert "Signature:" not in text
    assert "Mar 2, 2026 — Debit | $95.00" in text


def test_it_dates_the_service_not_the_payment(personas):
    invoice = visit_invoice(personas, service=physio_service())
    later = datetime(2026, 4, 10, 15, 0, tzinfo=UTC)
    pay(personas, invoice, "95.00", method=PaymentMethod.E_TRANSFER, received_at=later)
    (receipt,) = receipts_load([invoice.pk])
    text = text_of([receipt])
    assert "Date of service | Mar 2, 2026" in text
    assert "Apr 10, 2026 — E-transfer | $95.00" in text


def test_it_is_an_invoice_with_the_balance_while_money_is_owing(personas):
    invoice = visit_invoice(personas, service=physio_service())
    pay(personas, invoice, "40.00", method=PaymentMethod.CASH)
    (receipt,) = receipts_load([invoice.pk])
    assert not receipt.paid_in_full
    text = text_of([receipt])
    assert f"Invoice {receipt.number}" in text
    assert "Balance owing $55.00" in text
    assert "PAID IN FULL" not in text


def test_it_shows_a_discount_with_its_reason(personas):
    invoice = visit_invoice(
        personas, service=physio_service(), discount="10.00", discount_reason="Senior"
    )
    pay(personas, invoice, "85.00")
    text = text_of(receipts_load([invoice.pk]))
    assert "Discount (Senior) | -$10.00" in text
    assert "Total | $85.00" in text


def test_it_shows_the_insurers_share_and_claim_number(personas):
    sun_life = insurer(personas)
    invoice = visit_invoice(
        personas,
        service=physio_service(),
        payer=sun_life,
        payer_share="76.00",
        claim_number="C-991",
    )
    pay(personas, invoice, "19.00")
    (receipt,) = receipts_load([invoice.pk])
    assert receipt.payer_owing == 76
    assert receipt.patient_owing == 0
    text = text_of([receipt])
    assert "Billed directly | Sun Life: $76.00, claim no. C-991" in text
    assert "Of which $76.00 is billed to Sun Life and $0.00 is the patient's portion." in text
    pay(personas, invoice, "76.00", payer=sun_life, method=PaymentMethod.EFT)
    (receipt,) = receipts_load([invoice.pk])
    assert receipt.paid_in_full
    assert "Direct deposit (EFT) by Sun Life | $76.00" in text_of([receipt])


def test_it_lists_credit_notes_and_a_credited_invoice_is_no_receipt_for_payment(personas):
    invoice = visit_invoice(personas, service=physio_service())
    note = credit(personas, invoice, "95.00", reason="Visit not given")
    (receipt,) = receipts_load([invoice.pk])
    assert not receipt.paid_in_full
    text = text_of([receipt])
    assert f"Credit note {note.number:06d}, Mar 3, 2026: Visit not given | -$95.00" in text
    assert "Credited in full — nothing to pay" in text


def test_a_duplicate_says_so_on_every_page(personas):
    from dataclasses import replace

    invoice = visit_invoice(personas, service=physio_service())
    pay(personas, invoice, "95.00")
    (receipt,) = receipts_load([invoice.pk])
    text = text_of([replace(receipt, duplicate=True)])
    assert text.startswith("DUPLICATE")


def test_a_years_file_starts_each_receipt_on_its_own_page(personas):
    service = physio_service()
    invoices = [
        visit_invoice(
            personas,
            service=service,
            issued_at=datetime(2026, 3, 2, 16, tzinfo=UTC) + timedelta(days=n),
        )
        for n in range(3)
    ]
    for invoice in invoices:
        pay(personas, invoice, "95.00")
    pdf = receipts_pdf(receipts_load([i.pk for i in invoices]), made_at=MADE, compress=False)
    assert re.findall(rb"/Count (\d+)", pdf) == [b"3"]
    text = " ".join(runs(pdf))
    for invoice in invoices:
        assert f"Receipt {invoice.number:06d}" in text
    for page in (1, 2, 3):
        assert f"Page {page} of  3" in text


def test_it_reads_any_number_of_receipts_in_six_queries(personas):
    service = physio_service()
    invoices = [visit_invoice(personas, service=service) for _ in range(5)]
    for invoice in invoices:
        pay(personas, invoice, "95.00")
    with CaptureQueriesContext(connection) as queries:
        receipts = receipts_load([i.pk for i in invoices])
    assert len(receipts) == 5
    assert len(queries) == 6
