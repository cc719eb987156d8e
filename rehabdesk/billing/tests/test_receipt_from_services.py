"""A receipt of an invoice issued and paid through the real services (invoices and
payments): a massage checked out at the desk with a product, paid by debit, carries
every field insurers ask for; e-mailed, the PDF arrives attached to the e-mail."""

from __future__ import annotations

import pytest

from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.pdf import receipts_pdf
from rehabdesk.billing.receipts import receipts_load
from rehabdesk.billing.services import (
    ProductLine,
    invoice_for_visit,
    payment_record,
    receipt_email,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.billing.tests.test_receipt_fields import MADE, runs
from rehabdesk.clinic.models import Clinic
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.notifications.services import deliver_due
from rehabdesk.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    world = build_invoice_world(personas)
    Clinic.objects.filter(pk=world.clinic.pk).update(hst_number="987654321 RT0001")
    return world


def checked_out_massage(world):
    visit = world.visit(10, service=world.massage)
    gel = world.product("Massage gel", "12.00")
    invoice = invoice_for_visit(
        appointment=visit, by=world.desk, now=CHECK_OUT, products=[ProductLine(product=gel)]
    )
    payment_record(
        patient=world.patient,
        location=visit.location,
        amount=invoice.total,
        method=PaymentMethod.DEBIT,
        by=world.desk,
        now=later(5),
        invoices=[invoice],
    )
    return visit, invoice


def test_it_carries_every_field_of_a_massage_invoiced_and_paid_at_the_desk(world):
    visit, invoice = checked_out_massage(world)
    (receipt,) = receipts_load([invoice.pk])
    assert receipt.paid_in_full
    text = " | ".join(runs(receipts_pdf([receipt], made_at=MADE, compress=False)))
    clinic = world.clinic
    assert clinic.name in text
    assert visit.location.address in text
    assert f"Phone {visit.location.phone}" in text
    assert "HST registration no. 987654321 RT0001" in text
    assert world.patient.legal_name in text
    assert f"Mar 8, 2027 — {world.massage.name} |" in text  # "Massage, 60 minutes"
    assert f"{world.massage.duration_minutes} minutes" in world.massage.name
    therapist = visit.practitioner
    registration = therapist.registrations.get(regulator__slug="cmto").registration_number
    assert f"{therapist.display_name}, RMT — registration no. {registration}" in text
    assert "Massage gel" in text
    assert "HST 13%" in text
    assert f"Total | ${invoice.total:,.2f}" in text
    assert f"Mar 8, 2027 — Debit | ${invoice.total:,.2f}" in text
    assert "PAID IN FULL — BALANCE $0.00" in text
    assert f"Receipt {invoice.number:06d}" in text
    assert "Signature: ____" in text


def test_an_emailed_receipt_arrives_with_its_pdf(world, mailoutbox):
    _, invoice = checked_out_massage(world)
    message = receipt_email(invoice=invoice, by=world.desk, now=later(6))
    assert message.attachment_name == f"receipt-{invoice.number:06d}.pdf"
    deliver_due(now=later(7), worker="test")
    (email,) = mailoutbox
    assert email.to == [world.patient.email]
    assert "Receipt" in email.subject
    ((name, content, kind),) = email.attachments
    assert name == f"receipt-{invoice.number:06d}.pdf"
    assert kind == "application/pdf"
    assert content.startswith(b"%PDF-")


def test_the_second_email_is_a_duplicate(world):
    _, invoice = checked_out_massage(world)
    first = receipt_email(invoice=invoice, by=world.desk, now=later(6))
    second = receipt_email(invoice=invoice, by=world.desk, now=later(7))
    assert "duplicate" not in first.body_text
    assert "(a duplicate: a copy was made before)" in second.body_text
    assert OutboxMessage.objects.count() == 2


def test_it_refuses_a_patient_nobody_can_email_about(world):
    _, invoice = checked_out_massage(world)
    Patient.objects.filter(pk=world.patient.pk).update(email="")
    invoice.patient.refresh_from_db()
    with pytest.raises(BillingError) as refused:
        receipt_email(invoice=invoice, by=world.desk, now=later(6))
    assert refused.value.code == BillingErrorCode.NO_EMAIL
    assert not OutboxMessage.objects.exists()
