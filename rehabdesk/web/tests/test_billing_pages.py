"""The invoice page and the patient's account: take a payment (the amount owed by
default), pay all outstanding, refund credit with a reason, credit an invoice with a
reason, the balance and the statement; each look on file, each refusal a form error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentKind
from rehabdesk.billing.models import CreditNote, Invoice, Payment
from rehabdesk.billing.services import ProductLine, invoice_for_sale
from rehabdesk.web.tests.billing_world import arrived_today, billing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


@pytest.fixture
def invoice(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    desk.post(reverse("billing-checkout", args=[visit.pk]), {})
    return Invoice.objects.get(appointment=visit)


def pay(desk, invoice, **fields):
    data = {"location": invoice.location_id, "method": "debit", "amount": "85.00", **fields}
    return desk.post(
        reverse("billing-payment-new", args=[invoice.patient_id]), {"invoice": invoice.pk, **data}
    )


def test_the_invoice_page_offers_the_amount_owing_and_puts_the_look_on_file(desk, invoice):
    before = AuditEvent.objects.count()
    page = desk.get(reverse("billing-invoice", args=[invoice.pk]))
    assert page.status_code == 200
    assert page.context["payment_form"].initial["amount"] == Decimal("85.00")
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.summary) == ("view", "invoice")


def test_taking_the_payment_pays_the_invoice_in_full(desk, invoice):
    response = pay(desk, invoice, reference="TERM-0042")
    assert response["Location"] == reverse("billing-invoice", args=[invoice.pk])
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.reference) == (
        Decimal("85.00"),
        "debit",
        "TERM-0042",
    )
    text = desk.get(response["Location"]).content.decode()
    assert "Paid in full" in text


def test_a_payment_of_nothing_is_a_form_error(desk, invoice):
    response = pay(desk, invoice, amount="0")
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_paying_more_than_is_owed_leaves_credit_which_is_refunded_with_a_reason(desk, invoice):
    pay(desk, invoice, amount="100.00", method="cash")
    account = desk.get(reverse("billing-patient", args=[invoice.patient_id]))
    assert account.context["balance"].credit == Decimal("15.00")
    payment = Payment.objects.get()
    url = reverse("billing-refund", args=[payment.pk])
    assert url in account.content.decode()
    form = desk.get(url).context["form"]
    assert form.initial["amount"] == Decimal("15.00")
    refused = desk.post(url, {"amount": "15.00", "reason": ""})
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    too_much = desk.post(url, {"amount": "50.00", "reason": "Overpaid"})
    assert too_much.status_code == 200
    assert too_much.context["form"].errors
    done = desk.post(url, {"amount": "15.00", "reason": "Overpaid at the desk"})
    assert done.status_code == 302
    refund = Payment.objects.get(kind=PaymentKind.REFUND)
    assert (refund.amount, refund.reason) == (Decimal("15.00"), "Overpaid at the desk")


def test_a_credit_note_needs_a_reason_and_frees_the_payment_to_credit(desk, invoice):
    pay(desk, invoice)
    url = reverse("billing-credit-note", args=[invoice.pk])
    assert desk.post(url, {"reason": ""}).status_code == 200
    assert not CreditNote.objects.exists()
    response = desk.post(url, {"reason": "Billed the wrong service"})
    assert response["Location"] == reverse("billing-invoice", args=[invoice.pk])
    note = CreditNote.objects.get()
    assert (note.total, note.reason) == (Decimal("85.00"), "Billed the wrong service")
    account = desk.get(reverse("billing-patient", args=[invoice.patient_id]))
    assert account.context["balance"].credit == Decimal("85.00")


def sell_brace(world, patient):
    return invoice_for_sale(
        patient=patient,
        location=world.pickering,
        products=[ProductLine(product=world.brace)],
        by=world.personas.front_desk,
        now=timezone.now(),
    )


def test_pay_all_outstanding_pays_every_invoice_owing(desk, world, invoice):
    sell_brace(world, world.personas.patient_a)
    sell_brace(world, world.personas.patient_b)
    response = desk.post(
        reverse("billing-pay-all", args=[invoice.patient_id]),
        {"location": invoice.location_id, "method": "credit_card"},
    )
    assert response.status_code == 302
    account = desk.get(reverse("billing-patient", args=[invoice.patient_id]))
    assert account.context["balance"].owing == Decimal("0.00")
    assert account.context["balance"].paid == Decimal("130.20")
    # Patient B's invoice is theirs to pay.
    other_account = desk.get(reverse("billing-patient", args=[world.personas.patient_b.pk]))
    assert other_account.context["balance"].owing == Decimal("45.20")


def test_pay_all_with_nothing_owing_says_so(desk, world):
    response = desk.post(
        reverse("billing-pay-all", args=[world.personas.patient_b.pk]),
        {"location": world.pickering.pk, "method": "cash"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Payment.objects.exists()


def test_the_account_and_statement_show_invoices_and_payments(desk, invoice):
    pay(desk, invoice, amount="50.00")
    before = AuditEvent.objects.count()
    account = desk.get(reverse("billing-patient", args=[invoice.patient_id]))
    text = account.content.decode()
    assert "000001" in text
    assert "$35.00" in text
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.summary == "billing account"
    statement = desk.get(reverse("billing-statement", args=[invoice.patient_id]))
    assert statement.status_code == 200
    assert statement.context["statement"].closing == Decimal("35.00")
    assert "Invoice 000001" in statement.content.decode()


def test_a_statement_period_backwards_is_a_form_error(desk, invoice):
    url = reverse("billing-statement", args=[invoice.patient_id])
    response = desk.get(url, {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["statement"] is None


def test_the_patient_page_shows_the_account_to_the_desk_only(client, desk, world, invoice):
    url = reverse("patient-detail", args=[invoice.patient_id])
    assert "$85.00 owing" in desk.get(url).content.decode()
    client.force_login(world.personas.physio.user)
    text = client.get(url).content.decode()
    assert "owing" not in text
    assert reverse("billing-patient", args=[invoice.patient_id]) not in text


def test_another_patients_invoice_cannot_be_paid_through_this_patient(desk, world, invoice):
    url = reverse("billing-payment-new", args=[world.personas.patient_b.pk])
    response = desk.post(
        url,
        {"invoice": invoice.pk, "location": world.pickering.pk, "method": "cash", "amount": "5"},
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_nobody_but_the_desk_and_managers_opens_an_invoice(client, world, invoice):
    for persona in ("physio", "patient_a", "outsider"):
        client.force_login(world.personas.user(persona))
        assert client.get(reverse("billing-invoice", args=[invoice.pk])).status_code == 404


def test_a_credit_note_may_take_part_of_one_line(desk, world):
    invoice = invoice_for_sale(
        patient=world.personas.patient_a,
        location=world.pickering,
        products=[ProductLine(product=world.brace, quantity=2)],
        by=world.personas.front_desk,
        now=timezone.now(),
    )
    (line,) = invoice.lines.all()
    url = reverse("billing-credit-note", args=[invoice.pk])
    too_much = desk.post(url, {"reason": "One returned", f"line_{line.pk}": "500.00"})
    assert too_much.status_code == 200
    assert too_much.context["form"].errors
    response = desk.post(url, {"reason": "One brace returned", f"line_{line.pk}": "45.20"})
    assert response.status_code == 302
    note = CreditNote.objects.get()
    assert note.total == Decimal("45.20")
    assert note.tax == Decimal("5.20")


def test_the_payers_share_is_paid_by_the_payer_from_the_invoice_page(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    desk.post(
        reverse("billing-checkout", args=[visit.pk]),
        {"payer": world.insurer.pk, "claim_number": "C-9", "payer_share": "60.00"},
    )
    invoice = Invoice.objects.get(appointment=visit)
    page = desk.get(reverse("billing-invoice", args=[invoice.pk]))
    assert page.context["payment_form"].initial["amount"] == Decimal("25.00")
    assert page.context["payer_form"].initial["amount"] == Decimal("60.00")
    response = pay(desk, invoice, amount="60.00", method="eft", for_payer="True")
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.payer, payment.amount) == (world.insurer, Decimal("60.00"))
    page = desk.get(reverse("billing-invoice", args=[invoice.pk]))
    assert page.context["payer_form"] is None
    assert page.context["patient_owing"] == Decimal("25.00")
