"""The database refuses rewriting the books, whatever asks — the ORM, a QuerySet, raw
SQL — on SQLite and PostgreSQL alike: an issued invoice and its lines, a credit note
and its lines, package credit put on an invoice, a package and its use, a waived fee."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.billing import guards
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    FeeWaiver,
    Invoice,
    InvoiceLine,
    Package,
    PackageUse,
    PaymentAllocation,
)
from rehabdesk.billing.services import (
    credit_note_issue,
    fee_waive,
    invoice_for_visit,
    package_sell,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.core import database

pytestmark = pytest.mark.django_db
MESSAGE = "an issued invoice, a payment and a closed day never change"


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return MESSAGE in str(error)
    return False


def sql(statement: str, *params: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


@pytest.fixture
def invoice(billing):
    return invoice_for_visit(appointment=billing.visit(9), by=billing.desk, now=CHECK_OUT)


def test_the_guards_are_in_place_after_the_migrations(db):
    assert database.missing_guards(guards.GUARDS) == []


def test_an_issued_invoice_is_refused_a_save_through_the_orm(invoice):
    def rewrite() -> None:
        row = Invoice.objects.get(pk=invoice.pk)
        row.total = Decimal("1.00")
        row.save(update_fields=["total"])

    assert refused(rewrite)
    assert Invoice.objects.get(pk=invoice.pk).total == Decimal("85.00")


def test_an_issued_invoice_is_refused_an_update_even_of_its_note(invoice):
    assert refused(lambda: Invoice.objects.filter(pk=invoice.pk).update(note="x"))


def test_an_issued_invoice_and_its_lines_are_refused_raw_sql_updates_and_deletes(invoice):
    line = invoice.lines.get()
    assert refused(lambda: sql("UPDATE billing_invoice SET total = 0 WHERE id = %s", invoice.pk))
    assert refused(lambda: sql("DELETE FROM billing_invoice WHERE id = %s", invoice.pk))
    assert refused(lambda: sql("UPDATE billing_invoiceline SET tax = 0 WHERE id = %s", line.pk))
    assert refused(lambda: sql("DELETE FROM billing_invoiceline WHERE id = %s", line.pk))
    assert refused(lambda: InvoiceLine.objects.filter(pk=line.pk).delete())
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    assert InvoiceLine.objects.get(pk=line.pk).total == Decimal("85.00")


def test_a_credit_note_and_its_lines_are_refused_changes(billing, invoice):
    note = credit_note_issue(invoice=invoice, reason="Void", by=billing.desk, now=later(1))
    line = CreditNoteLine.objects.get(credit_note=note)

    assert refused(lambda: CreditNote.objects.filter(pk=note.pk).update(reason="Other"))
    assert refused(lambda: sql("DELETE FROM billing_creditnote WHERE id = %s", note.pk))
    assert refused(
        lambda: sql("UPDATE billing_creditnoteline SET total = 1 WHERE id = %s", line.pk)
    )
    assert refused(lambda: CreditNoteLine.objects.filter(pk=line.pk).delete())
    assert CreditNote.objects.get(pk=note.pk).reason == "Void"


def test_a_package_its_use_and_a_waived_fee_are_refused_changes(billing):
    package = package_sell(
        patient=billing.patient,
        offer=billing.offer(),
        location=billing.booking.pickering,
        by=billing.desk,
        now=CHECK_OUT,
    )
    invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        package=package,
    )
    waiver = fee_waive(
        appointment=billing.no_show(11), reason="First time", by=billing.desk, now=CHECK_OUT
    )

    assert refused(lambda: Package.objects.filter(pk=package.pk).update(visits=50))
    assert refused(lambda: PackageUse.objects.filter(package=package).delete())
    assert refused(lambda: PaymentAllocation.objects.filter(payment__package=package).delete())
    assert refused(lambda: sql("UPDATE billing_feewaiver SET reason = '' WHERE id = %s", waiver.pk))
    assert refused(lambda: FeeWaiver.objects.filter(pk=waiver.pk).delete())
    assert Package.objects.get(pk=package.pk).visits == 5
