"""Credit notes: the one correction of an issued invoice — numbered in their own
sequence, with a reason, never more than is left of a line, tax credited in the line's
proportion, money paid beyond what the invoice now comes to taken back into credit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import CreditNote, Invoice, Payment, PaymentAllocation
from rehabdesk.billing.selectors.owing import owing_by_invoice
from rehabdesk.billing.services import (
    ProductLine,
    ThirdParty,
    credit_note_issue,
    invoice_for_visit,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


D = Decimal


def refusal(call) -> BillingError:
    with pytest.raises(BillingError) as caught:
        call()
    return caught.value


def paid(invoice: Invoice, amount: str, *, payer=None) -> Payment:
    """Money taken and put on the invoice (as payments' service will)."""
    payment = Payment.objects.create(
        clinic_id=invoice.clinic_id,
        location=invoice.location,
        patient=invoice.patient,
        payer=payer,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.DEBIT,
        amount=D(amount),
        received_at=CHECK_OUT,
        business_date=CHECK_OUT.date(),
        recorded_by=invoice.issued_by,
    )
    PaymentAllocation.objects.create(
        payment=payment, invoice=invoice, amount=D(amount), created_at=CHECK_OUT
    )
    return payment


def allocated(payment: Payment) -> Decimal:
    return payment.allocations.aggregate(s=Sum("amount"))["s"] or D(0)


@pytest.fixture
def massage_with_gel(billing):
    gel = billing.product("Cold gel", "9.99")
    return invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        products=[ProductLine(gel)],
    )


def test_it_credits_all_of_an_invoice_with_its_tax(billing, massage_with_gel):
    invoice = massage_with_gel  # 85.00 + 11.05 HST, 9.99 + 1.30 HST

    note = credit_note_issue(
        invoice=invoice, reason="Billed in error", by=billing.desk, now=later(5)
    )

    assert (note.amount, note.tax, note.total) == (D("94.99"), D("12.35"), D("107.34"))
    assert note.total == invoice.total
    assert note.number == 1
    assert note.reason == "Billed in error"
    assert sorted(line.total for line in note.lines.all()) == [D("11.29"), D("96.05")]
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: D("0.00")}


def test_it_credits_part_of_a_line_with_its_share_of_the_tax(billing, massage_with_gel):
    massage = massage_with_gel.lines.get(position=1)

    note = credit_note_issue(
        invoice=massage_with_gel,
        reason="Session cut short",
        by=billing.desk,
        now=later(5),
        amounts={massage.pk: D("20.00")},
    )

    # 20.00 × 11.05 / 96.05 = 2.3009 → 2.30 of tax, 17.70 before it.
    assert (note.amount, note.tax, note.total) == (D("17.70"), D("2.30"), D("20.00"))
    # The rest of the line, later, takes exactly the tax that is left: never more.
    rest = credit_note_issue(
        invoice=massage_with_gel,
        reason="Refund the visit",
        by=billing.desk,
        now=later(6),
        amounts={massage.pk: D("76.05")},
    )
    assert (rest.tax, rest.total) == (D("8.75"), D("76.05"))
    assert rest.number == 2
    credited_tax = CreditNote.objects.aggregate(s=Sum("tax"))["s"]
    assert credited_tax == massage.tax


def test_it_refuses_crediting_more_than_is_left_of_a_line_or_the_invoice(billing, massage_with_gel):
    massage = massage_with_gel.lines.get(position=1)

    too_much = refusal(
        lambda: credit_note_issue(
            invoice=massage_with_gel,
            reason="Goodwill",
            by=billing.desk,
            now=later(5),
            amounts={massage.pk: D("96.06")},
        )
    )
    assert too_much.code == BillingErrorCode.CREDIT_TOO_LARGE

    credit_note_issue(invoice=massage_with_gel, reason="Void", by=billing.desk, now=later(6))
    nothing_left = refusal(
        lambda: credit_note_issue(
            invoice=massage_with_gel, reason="Void again", by=billing.desk, now=later(7)
        )
    )
    assert nothing_left.code == BillingErrorCode.CREDIT_TOO_LARGE
    assert CreditNote.objects.count() == 1


def test_it_refuses_a_negative_credit_a_line_of_another_invoice_and_no_reason(
    billing, massage_with_gel
):
    other = invoice_for_visit(appointment=billing.visit(11), by=billing.desk, now=CHECK_OUT)
    massage = massage_with_gel.lines.get(position=1)

    def credit(amounts, reason="Goodwill"):
        return lambda: credit_note_issue(
            invoice=massage_with_gel, reason=reason, by=billing.desk, now=later(5), amounts=amounts
        )

    assert refusal(credit({massage.pk: D("-1.00")})).code == BillingErrorCode.NEGATIVE_AMOUNT
    assert refusal(credit({other.lines.get().pk: D("1.00")})).code == BillingErrorCode.INVALID
    assert refusal(credit({massage.pk: D("0.00")})).code == BillingErrorCode.INVALID
    assert refusal(credit(None, reason="  ")).code == BillingErrorCode.REASON_MISSING
    assert not CreditNote.objects.exists()


def test_it_takes_money_paid_beyond_what_is_left_back_into_credit(billing, massage_with_gel):
    payment = paid(massage_with_gel, "107.34")

    credit_note_issue(
        invoice=massage_with_gel,
        reason="Gel returned",
        by=billing.desk,
        now=later(5),
        amounts={massage_with_gel.lines.get(position=2).pk: D("11.29")},
    )

    assert allocated(payment) == D("96.05")
    released = PaymentAllocation.objects.get(amount__lt=0)
    assert released.amount == D("-11.29")
    assert owing_by_invoice([massage_with_gel.pk]) == {massage_with_gel.pk: D("0.00")}


def test_it_releases_nothing_while_the_invoice_still_owes_more_than_was_paid(
    billing, massage_with_gel
):
    payment = paid(massage_with_gel, "50.00")

    credit_note_issue(
        invoice=massage_with_gel,
        reason="Gel returned",
        by=billing.desk,
        now=later(5),
        amounts={massage_with_gel.lines.get(position=2).pk: D("11.29")},
    )

    assert allocated(payment) == D("50.00")
    assert owing_by_invoice([massage_with_gel.pk]) == {massage_with_gel.pk: D("46.05")}


def test_it_credits_a_payers_share_in_proportion_and_releases_each_partys_money(billing):
    payer = billing.payer()
    invoice = invoice_for_visit(
        appointment=billing.visit(9),
        by=billing.desk,
        now=CHECK_OUT,
        third_party=ThirdParty(payer=payer, payer_share=D("68.00")),
    )
    patients = paid(invoice, "17.00")
    payers = paid(invoice, "68.00", payer=payer)

    note = credit_note_issue(invoice=invoice, reason="Not covered", by=billing.desk, now=later(5))

    assert (note.total, note.payer_share) == (D("85.00"), D("68.00"))
    assert (allocated(patients), allocated(payers)) == (D("0.00"), D("0.00"))


def test_it_puts_the_credit_note_on_the_patients_audit_trail(billing, massage_with_gel):
    note = credit_note_issue(invoice=massage_with_gel, reason="Void", by=billing.desk, now=later(5))

    event = AuditEvent.objects.get(object_type="billing.creditnote", object_id=str(note.pk))
    assert event.actor == billing.desk
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [billing.patient.pk]
