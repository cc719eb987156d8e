"""Late-cancellation and no-show fees: charged as an invoice at the fee the lifecycle
recorded, taxed like the visit's service, or waived with a reason — never both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import FeeKind, InvoicePurpose, LineKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import FeeWaiver, Invoice
from rehabdesk.billing.services import credit_note_issue, fee_waive, invoice_for_fee
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import appointment_cancel

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def refusal(call) -> BillingError:
    with pytest.raises(BillingError) as caught:
        call()
    return caught.value


def test_it_charges_a_no_show_fee_as_an_invoice_of_its_own(billing):
    missed = billing.no_show(9)

    invoice = invoice_for_fee(appointment=missed, by=billing.desk, now=CHECK_OUT)

    assert invoice.purpose == InvoicePurpose.NO_SHOW
    assert invoice.appointment == missed
    line = invoice.lines.get()
    assert line.kind == LineKind.FEE
    assert (line.amount, line.tax, invoice.total) == (D("85.00"), D("0.00"), D("85.00"))
    assert line.description == "Missed appointment fee: Follow-up"
    assert invoice.payer is None


def test_it_charges_a_late_cancellation_fee_taxed_like_the_massage_it_replaced(billing):
    cancelled = appointment_cancel(
        appointment=billing.booked(10, day=9, service=billing.massage),
        actor=billing.desk,
        now=CHECK_OUT,  # Monday 16:30 for Tuesday 10:00: under 24 hours
        by=CancelledBy.PATIENT,
    )
    assert cancelled.fee_due == D("42.50")

    invoice = invoice_for_fee(appointment=cancelled, by=billing.desk, now=later(1))

    assert invoice.purpose == InvoicePurpose.LATE_CANCELLATION
    line = invoice.lines.get()
    # 42.50 × 13 % = 5.525 → 5.53, on the day the visit was to be.
    assert (line.amount, line.tax, line.total) == (D("42.50"), D("5.53"), D("48.03"))
    assert str(line.service_date) == "2027-03-09"


def test_it_refuses_a_fee_for_a_visit_that_carries_none(billing):
    seen = billing.visit(9)
    cancelled_in_time = appointment_cancel(
        appointment=billing.booked(10, day=12),
        actor=billing.desk,
        now=CHECK_OUT,
        by=CancelledBy.PATIENT,
    )

    for visit in (seen, cancelled_in_time):
        caught = refusal(
            lambda visit=visit: invoice_for_fee(appointment=visit, by=billing.desk, now=CHECK_OUT)
        )
        assert caught.code == BillingErrorCode.NO_FEE_DUE
    assert not Invoice.objects.exists()


def test_it_charges_a_fee_once(billing):
    missed = billing.no_show(9)
    invoice_for_fee(appointment=missed, by=billing.desk, now=CHECK_OUT)

    caught = refusal(lambda: invoice_for_fee(appointment=missed, by=billing.desk, now=later(1)))

    assert caught.code == BillingErrorCode.ALREADY_INVOICED


def test_it_waives_a_fee_with_its_reason_on_the_audit_trail(billing):
    missed = billing.no_show(9)

    waiver = fee_waive(
        appointment=missed, reason="Snowstorm, roads closed", by=billing.desk, now=CHECK_OUT
    )

    assert (waiver.kind, waiver.reason, waiver.waived_by) == (
        FeeKind.NO_SHOW,
        "Snowstorm, roads closed",
        billing.desk,
    )
    event = AuditEvent.objects.get(object_type="billing.feewaiver")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [billing.patient.pk]


def test_it_refuses_charging_a_waived_fee_and_waiving_a_charged_one(billing):
    waived = billing.no_show(9)
    fee_waive(appointment=waived, reason="First time", by=billing.desk, now=CHECK_OUT)
    charged = billing.no_show(11)
    invoice = invoice_for_fee(appointment=charged, by=billing.desk, now=CHECK_OUT)

    assert (
        refusal(lambda: invoice_for_fee(appointment=waived, by=billing.desk, now=later(1))).code
        == BillingErrorCode.FEE_WAIVED
    )
    assert (
        refusal(
            lambda: fee_waive(appointment=waived, reason="Again", by=billing.desk, now=later(1))
        ).code
        == BillingErrorCode.FEE_WAIVED
    )
    assert (
        refusal(
            lambda: fee_waive(appointment=charged, reason="Oops", by=billing.desk, now=later(1))
        ).code
        == BillingErrorCode.FEE_INVOICED
    )
    # Once the charge is credited in full, the desk may waive it instead.
    credit_note_issue(invoice=invoice, reason="Charged in error", by=billing.desk, now=later(2))
    fee_waive(appointment=charged, reason="Goodwill", by=billing.desk, now=later(3))
    assert FeeWaiver.objects.count() == 2


def test_it_refuses_a_waiver_without_a_reason(billing):
    missed = billing.no_show(9)

    caught = refusal(
        lambda: fee_waive(appointment=missed, reason="   ", by=billing.desk, now=CHECK_OUT)
    )

    assert caught.code == BillingErrorCode.REASON_MISSING
    assert not FeeWaiver.objects.exists()
