"""Invoicing a visit at check-out: the service at its price with its tax on the visit's
day, products with it, a discount with its reason; only visits the patient came to,
once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import InvoicePurpose, LineKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import DocumentSequence, Invoice, InvoiceLine
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.services import (
    ProductLine,
    credit_note_issue,
    invoice_for_visit,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


D = Decimal


def refusal(call) -> BillingError:
    with pytest.raises(BillingError) as caught:
        call()
    return caught.value


def test_it_invoices_a_physiotherapy_visit_at_its_price_without_tax(billing):
    visit = billing.visit(9)

    invoice = invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT)

    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (
        D("85.00"),
        D("0.00"),
        D("0.00"),
        D("85.00"),
    )
    assert invoice.purpose == InvoicePurpose.VISIT
    assert invoice.appointment == visit
    assert invoice.patient == billing.patient
    assert invoice.number == 1
    assert display_number(invoice.number) == "000001"
    [line] = InvoiceLine.objects.filter(invoice=invoice)
    assert line.kind == LineKind.SERVICE
    assert line.practitioner == billing.booking.physio
    assert line.service_date == date(2027, 3, 8)
    assert line.duration_minutes == 30
    assert (line.tax_treatment, line.tax_name, line.tax) == ("exempt", "", D("0.00"))


def test_it_charges_massage_thirteen_percent_hst_rounded_to_the_cent(billing):
    invoice = invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage), by=billing.desk, now=CHECK_OUT
    )

    [line] = invoice.lines.all()
    assert (line.amount, line.tax_name, line.tax_percent, line.tax, line.total) == (
        D("85.00"),
        "HST",
        D("13.00"),
        D("11.05"),
        D("96.05"),
    )
    assert invoice.total == D("96.05")


def test_it_taxes_the_price_after_the_discount_and_keeps_the_reason(billing):
    invoice = invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        discount=D("10.50"),
        discount_reason="Staff family",
    )

    [line] = invoice.lines.all()
    # 74.50 × 13 % = 9.685, rounded half up.
    assert (line.amount, line.tax, line.total) == (D("74.50"), D("9.69"), D("84.19"))
    assert line.discount_reason == "Staff family"
    assert (invoice.subtotal, invoice.discount, invoice.total) == (
        D("85.00"),
        D("10.50"),
        D("84.19"),
    )


def test_it_rounds_tax_per_line_not_per_unit(billing):
    tape = billing.product("Kinesiology tape", "12.35")
    brace = billing.product("Knee brace, made to order", "450.00", tax="made-to-order-device")
    gel = billing.product("Cold gel", "9.99")

    invoice = invoice_for_visit(
        appointment=billing.visit(9),
        by=billing.desk,
        now=CHECK_OUT,
        products=[ProductLine(tape, quantity=3), ProductLine(brace), ProductLine(gel)],
    )

    lines = {line.description: line for line in invoice.lines.all()}
    # 3 × 12.35 = 37.05; 13 % = 4.8165 → 4.82 (three units taxed apart would be 4.83).
    assert (lines["Kinesiology tape"].amount, lines["Kinesiology tape"].tax) == (
        D("37.05"),
        D("4.82"),
    )
    # Zero-rated: a tax line at 0 % so the receipt can say so.
    made_to_order = lines["Knee brace, made to order"]
    assert (made_to_order.tax_treatment, made_to_order.tax_name, made_to_order.tax) == (
        "zero_rated",
        "HST",
        D("0.00"),
    )
    assert lines["Cold gel"].tax == D("1.30")  # 1.2987
    assert invoice.tax == D("6.12")
    assert invoice.total == D("85.00") + D("37.05") + D("450.00") + D("9.99") + D("6.12")
    assert [line.position for line in invoice.lines.order_by("position")] == [1, 2, 3, 4]


def test_it_refuses_a_discount_that_is_negative_too_large_or_unexplained(billing):
    visit = billing.visit(9)

    def with_discount(amount: str, reason: str = "Goodwill"):
        return lambda: invoice_for_visit(
            appointment=visit,
            by=billing.desk,
            now=CHECK_OUT,
            discount=D(amount),
            discount_reason=reason,
        )

    assert refusal(with_discount("-5.00")).code == BillingErrorCode.NEGATIVE_AMOUNT
    assert refusal(with_discount("85.01")).code == BillingErrorCode.DISCOUNT_TOO_LARGE
    assert refusal(with_discount("5.00", " ")).code == BillingErrorCode.DISCOUNT_REASON_MISSING
    assert not Invoice.objects.exists()
    assert not DocumentSequence.objects.filter(last_number__gt=0).exists()


def test_it_refuses_a_product_quantity_below_one(billing):
    tape = billing.product("Kinesiology tape", "12.35")

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=billing.visit(9),
            by=billing.desk,
            now=CHECK_OUT,
            products=[ProductLine(tape, quantity=0)],
        )
    )

    assert caught.code == BillingErrorCode.INVALID
    assert not Invoice.objects.exists()


def test_it_refuses_a_product_no_longer_sold(billing):
    tape = billing.product("Kinesiology tape", "12.35")
    tape.active = False
    tape.save()

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=billing.visit(9),
            by=billing.desk,
            now=CHECK_OUT,
            products=[ProductLine(tape)],
        )
    )
    assert caught.code == BillingErrorCode.PRODUCT_INACTIVE


def test_it_refuses_a_visit_not_checked_in_missed_cancelled_or_to_come(billing):
    booked = billing.booked(9)
    missed = billing.no_show(11)
    to_come = billing.visit(9, day=9)

    for visit, now in ((booked, CHECK_OUT), (missed, CHECK_OUT), (to_come, CHECK_OUT)):
        caught = refusal(
            lambda visit=visit, now=now: invoice_for_visit(
                appointment=visit, by=billing.desk, now=now
            )
        )
        assert caught.code == BillingErrorCode.VISIT_NOT_BILLABLE
    assert not Invoice.objects.exists()


def test_it_refuses_invoicing_a_visit_twice(billing):
    visit = billing.visit(9)
    first = invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT)

    caught = refusal(lambda: invoice_for_visit(appointment=visit, by=billing.desk, now=later(1)))

    assert caught.code == BillingErrorCode.ALREADY_INVOICED
    assert display_number(first.number) in caught.message
    assert Invoice.objects.count() == 1
    assert DocumentSequence.objects.get().last_number == 1


def test_it_invoices_a_visit_again_once_its_invoice_is_credited_in_full(billing):
    visit = billing.visit(9)
    first = invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT)
    credit_note_issue(invoice=first, reason="Wrong service", by=billing.desk, now=later(1))

    second = invoice_for_visit(
        appointment=visit,
        by=billing.desk,
        now=later(2),
        discount=D("20.00"),
        discount_reason="Senior",
    )

    assert second.replaces == first
    assert second.number == 2
    assert second.total == D("65.00")
    # Partly credited is not enough: the second invoice stands.
    credit_note_issue(
        invoice=second,
        reason="Goodwill",
        by=billing.desk,
        now=later(3),
        amounts={second.lines.get().pk: D("5.00")},
    )
    caught = refusal(lambda: invoice_for_visit(appointment=visit, by=billing.desk, now=later(4)))
    assert caught.code == BillingErrorCode.ALREADY_INVOICED


def test_it_invoices_a_visit_seen_days_ago_on_its_own_day_and_tax(billing):
    visit = billing.visit(9, service=billing.massage)

    invoice = invoice_for_visit(appointment=visit, by=billing.desk, now=at(12, 9))

    line = invoice.lines.get()
    assert line.service_date == date(2027, 3, 8)
    assert invoice.issued_at == at(12, 9)


def test_it_puts_the_invoice_on_the_patients_audit_trail(billing):
    visit = billing.visit(9)

    invoice = invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT)

    event = AuditEvent.objects.get(object_type="billing.invoice", object_id=str(invoice.pk))
    assert event.actor == billing.desk
    assert event.action == "create"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [billing.patient.pk]
    assert event.location_id == billing.booking.pickering.pk


def test_it_checks_out_a_visit_in_a_fixed_number_of_queries(billing, django_assert_num_queries):
    tape = billing.product("Kinesiology tape", "12.35")
    gel = billing.product("Cold gel", "9.99", tax="massage-therapy")
    invoice_for_visit(appointment=billing.visit(9), by=billing.desk, now=CHECK_OUT)
    visit = billing.visit(10)

    # The visit locked and read (2), its standing invoice (1), each tax category's
    # rates (3: the service's, the tape's, the gel's), the number (2), the invoice and
    # its lines (2), the audit record (2), the savepoint (2). No webhook endpoint is
    # asked after: the first check-out just found none, and the process remembers it
    # for a few seconds (docs/webhooks.md).
    with django_assert_num_queries(14):
        invoice_for_visit(
            appointment=visit,
            by=billing.desk,
            now=CHECK_OUT,
            products=[ProductLine(tape, quantity=2), ProductLine(gel)],
        )


def test_it_turns_the_databases_refusal_of_a_second_invoice_into_already_invoiced(
    billing, monkeypatch
):
    """A desk that got past the check some other way is stopped by the unique key
    `invoice_once_per_visit`, as a refusal, with nothing written and no number spent."""
    from rehabdesk.billing.services import invoices

    visit = billing.visit(9)
    invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT)
    monkeypatch.setattr(invoices, "replaceable", lambda appointment, purpose: None)

    caught = refusal(lambda: invoice_for_visit(appointment=visit, by=billing.desk, now=later(1)))

    assert caught.code == BillingErrorCode.ALREADY_INVOICED
    assert Invoice.objects.count() == 1
    assert DocumentSequence.objects.get().last_number == 1
