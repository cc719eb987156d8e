"""Desks racing on real connections: invoice numbers stay consecutive and unique, a
visit is invoiced once, a line is never credited twice over — and a refused race
leaves no half-written invoice and no gap behind.

Each desk is a thread with its own database connection (SQLite tests use a file, so
the connections are really apart; there writers take turns, BEGIN IMMEDIATE).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import partial

import pytest
from django.db import connections

from rehabdesk.billing.choices import SequenceKind
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    DocumentSequence,
    Invoice,
    InvoiceLine,
    PackageUse,
    PaymentAllocation,
)
from rehabdesk.billing.selectors import owing_by_invoice
from rehabdesk.billing.services import (
    ProductLine,
    credit_note_issue,
    invoice_for_sale,
    invoice_for_visit,
    package_sell,
    payment_record,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def race(calls: int, work: Callable[[int], str]) -> Counter[str]:
    """`calls` desks, a thread and a connection each, all released at once."""
    start = threading.Event()

    def desk(index: int) -> str:
        start.wait()
        try:
            return work(index)
        except BillingError as refusal:
            return str(refusal.code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=calls) as pool:
        futures = [pool.submit(partial(desk, i)) for i in range(calls)]
        start.set()
        return Counter(future.result() for future in futures)


def test_it_gives_twenty_desks_selling_at_once_twenty_consecutive_numbers(billing):
    gel = billing.product("Cold gel", "9.99")

    def sell(index: int) -> str:
        invoice_for_sale(
            patient=billing.patient,
            location=billing.booking.pickering,
            products=[ProductLine(gel)],
            by=billing.desk,
            now=later(index),
        )
        return "issued"

    outcomes = race(20, sell)

    assert outcomes == Counter(issued=20)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    assert InvoiceLine.objects.count() == 20
    sequence = DocumentSequence.objects.get(clinic=billing.clinic, kind=SequenceKind.INVOICE)
    assert sequence.last_number == 20


def test_it_invoices_a_visit_once_when_six_desks_check_it_out_at_once(billing):
    visit = billing.visit(9)

    def check_out(index: int) -> str:
        invoice_for_visit(appointment=visit, by=billing.desk, now=later(index))
        return "issued"

    outcomes = race(6, check_out)

    assert outcomes == Counter(issued=1, already_invoiced=5)
    assert Invoice.objects.count() == 1
    assert InvoiceLine.objects.count() == 1
    # The refused desks gave their numbers back: the next invoice is 2.
    assert DocumentSequence.objects.get().last_number == 1


def test_it_refuses_the_desk_that_waited_behind_another_checking_out_the_visit(billing):
    visit = billing.visit(9)

    second = first_then_second(
        lambda: invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT),
        lambda: invoice_for_visit(appointment=visit, by=billing.desk, now=later(1)),
    )

    assert isinstance(second, BillingError)
    assert second.code == "already_invoiced"
    assert Invoice.objects.get().number == 1


def test_it_credits_a_line_once_when_two_desks_credit_all_of_it_at_once(billing):
    invoice = invoice_for_visit(appointment=billing.visit(9), by=billing.desk, now=CHECK_OUT)

    second = first_then_second(
        lambda: credit_note_issue(invoice=invoice, reason="Void", by=billing.desk, now=later(1)),
        lambda: credit_note_issue(invoice=invoice, reason="Void", by=billing.desk, now=later(2)),
    )

    assert isinstance(second, BillingError)
    assert second.code == "credit_too_large"
    assert CreditNote.objects.get().total == Decimal("85.00")
    assert CreditNoteLine.objects.count() == 1


def test_it_draws_a_packages_last_visit_once_when_two_visits_check_out_at_once(billing):
    package = package_sell(
        patient=billing.patient,
        offer=billing.offer(visits=1, price="90.00"),
        location=billing.booking.pickering,
        by=billing.desk,
        now=CHECK_OUT,
    )
    visits = [billing.visit(hour, service=billing.massage) for hour in (9, 11)]

    def check_out(index: int) -> str:
        invoice_for_visit(
            appointment=visits[index], by=billing.desk, now=later(index), package=package
        )
        return "issued"

    outcomes = race(2, check_out)

    assert outcomes == Counter(issued=1, package_used_up=1)
    assert PackageUse.objects.count() == 1
    # The package's invoice is 1, the visit's 2: the refused one gave its number back.
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


def test_it_takes_back_money_paid_while_the_credit_note_waited_for_the_account(billing):
    """A payment on the invoice is being recorded when the desk credits the invoice in
    full: the credit note waits for the patient's account, then sees the payment and
    takes all of it back into the patient's credit — never leaving the invoice owing
    less than nothing."""
    invoice = invoice_for_visit(appointment=billing.visit(9), by=billing.desk, now=CHECK_OUT)

    note = first_then_second(
        lambda: payment_record(
            patient=billing.patient,
            location=billing.booking.pickering,
            amount=Decimal("85.00"),
            method="debit",
            by=billing.desk,
            now=later(1),
            invoices=[invoice],
        ),
        lambda: credit_note_issue(invoice=invoice, reason="Void", by=billing.desk, now=later(2)),
    )

    assert isinstance(note, CreditNote)
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: Decimal("0.00")}
    allocations = PaymentAllocation.objects.filter(invoice=invoice)
    assert sorted(a.amount for a in allocations) == [Decimal("-85.00"), Decimal("85.00")]
