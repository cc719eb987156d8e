"""What the desk's day, the invoice page and the portal read of invoices: each visit's
billing state, one invoice whole, a patient's invoices — in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.billing.choices import PaymentKind, PaymentMethod
from rehabdesk.billing.models import Payment, PaymentAllocation
from rehabdesk.billing.selectors import invoice_detail, invoices_of, visit_billing
from rehabdesk.billing.services import (
    ProductLine,
    ThirdParty,
    credit_note_issue,
    fee_waive,
    invoice_for_fee,
    invoice_for_visit,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.services import appointment_cancel
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def pay(invoice, amount: str) -> None:
    payment = Payment.objects.create(
        clinic_id=invoice.clinic_id,
        location=invoice.location,
        patient=invoice.patient,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.CASH,
        amount=D(amount),
        received_at=CHECK_OUT,
        business_date=CHECK_OUT.date(),
        recorded_by=invoice.issued_by,
    )
    PaymentAllocation.objects.create(
        payment=payment, invoice=invoice, amount=D(amount), created_at=CHECK_OUT
    )


def test_it_tells_each_visits_billing_state_in_three_queries(billing, django_assert_num_queries):
    seen = billing.visit(9)
    owing = billing.visit(10)
    invoice_for_visit(appointment=owing, by=billing.desk, now=CHECK_OUT)
    paid = billing.visit(11)
    pay(invoice_for_visit(appointment=paid, by=billing.desk, now=CHECK_OUT), "85.00")
    credited = billing.visit(13)
    credit_note_issue(
        invoice=invoice_for_visit(appointment=credited, by=billing.desk, now=CHECK_OUT),
        reason="Void",
        by=billing.desk,
        now=later(1),
    )
    fee_due = billing.no_show(14)
    fee_invoiced = billing.no_show(15)
    invoice_for_fee(appointment=fee_invoiced, by=billing.desk, now=CHECK_OUT)
    fee_waived = billing.no_show(16)
    fee_waive(appointment=fee_waived, reason="First time", by=billing.desk, now=CHECK_OUT)
    booked = billing.booked(10, day=12)
    in_time = appointment_cancel(
        appointment=billing.booked(11, day=12),
        actor=billing.desk,
        now=CHECK_OUT,
        by=CancelledBy.PATIENT,
    )
    ids = [seen, owing, paid, credited, fee_due, fee_invoiced, fee_waived, booked, in_time]

    with django_assert_num_queries(3):
        states = visit_billing([visit.pk for visit in ids])

    assert [states[visit.pk].state for visit in ids] == [
        "not_invoiced",
        "owing",
        "paid",
        "not_invoiced",
        "fee_due",
        "fee_invoiced",
        "fee_waived",
        "no_charge",
        "no_charge",
    ]
    assert states[owing.pk].owing == D("85.00")
    assert states[owing.pk].invoice_id is not None
    assert states[paid.pk].owing == D("0.00")
    assert (states[fee_due.pk].fee, states[fee_invoiced.pk].owing) == (D("85.00"), D("85.00"))


def test_it_reads_an_invoice_whole_in_seven_queries(billing, django_assert_num_queries):
    gel = billing.product("Cold gel", "9.99")
    invoice = invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        products=[ProductLine(gel, quantity=2)],
        third_party=ThirdParty(payer=billing.payer(), payer_share=D("50.00")),
    )
    pay(invoice, "30.00")
    credit_note_issue(
        invoice=invoice,
        reason="One gel returned",
        by=billing.desk,
        now=later(1),
        amounts={invoice.lines.get(position=2).pk: D("11.29")},
    )

    with django_assert_num_queries(7):
        detail = invoice_detail(invoice.pk)
        assert detail is not None
        lines = list(detail.lines.all())
        registrations = [
            r.registration_number
            for line in lines
            if line.practitioner
            for r in line.practitioner.registrations.all()
        ]
        notes = [
            (note.number, [cl.total for cl in note.lines.all()])
            for note in detail.credit_notes.all()
        ]
        paid = [(a.amount, a.payment.method) for a in detail.allocations.all()]
        read = (
            detail.patient.last_name,
            detail.location.name,
            detail.clinic.name,
            detail.payer.name,
        )

    assert [line.description for line in lines] == ["Massage, 60 minutes", "Cold gel"]
    assert registrations == ["PERSONA-RMT-1"]
    assert notes == [(1, [D("11.29")])]
    assert paid == [(D("30.00"), "cash")]
    assert read[3] == "Sun Life"
    # 96.05 + 2 × 9.99 + 2.60 HST = 118.63; less 11.29 credited and 30.00 paid.
    assert (detail.total, detail.owing) == (D("118.63"), D("77.34"))
    assert invoice_detail(invoice.pk + 1000) is None


def test_it_lists_a_patients_invoices_in_a_period_oldest_first(billing):
    first = invoice_for_visit(appointment=billing.visit(9), by=billing.desk, now=at(8, 12))
    second = invoice_for_visit(appointment=billing.visit(11), by=billing.desk, now=at(9, 12))
    invoice_for_visit(
        appointment=billing.visit(13, patient=billing.other_patient), by=billing.desk, now=at(9, 13)
    )

    everything = invoices_of([billing.patient.pk])
    tuesday = invoices_of([billing.patient.pk], start=at(9, 0), end=at(10, 0))

    assert [invoice.pk for invoice in everything] == [first.pk, second.pk]
    assert [invoice.pk for invoice in tuesday] == [second.pk]
    assert everything[0].owing == D("85.00")
