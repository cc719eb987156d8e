"""Products sold over the counter, with no visit: taxed on the day of the sale at the
location, on the patient's audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import InvoicePurpose, LineKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice, Product
from rehabdesk.billing.services import ProductLine, invoice_for_sale
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world
from rehabdesk.clinic.models import TaxCategory
from rehabdesk.clinic.testing import make_clinic
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def sell(billing, products, now=CHECK_OUT) -> Invoice:
    return invoice_for_sale(
        patient=billing.patient,
        location=billing.booking.pickering,
        products=products,
        by=billing.desk,
        now=now,
    )


def test_it_sells_products_with_their_discount_and_tax(billing):
    brace = billing.product("Wrist brace", "39.95")
    tape = billing.product("Kinesiology tape", "12.35")

    invoice = sell(
        billing,
        [
            ProductLine(brace, discount=D("5.00"), discount_reason="Display model"),
            ProductLine(tape, 2),
        ],
    )

    assert (invoice.purpose, invoice.appointment) == (InvoicePurpose.SALE, None)
    brace_line, tape_line = invoice.lines.order_by("position")
    assert (brace_line.kind, brace_line.amount, brace_line.tax) == (
        LineKind.PRODUCT,
        D("34.95"),
        D("4.54"),  # 4.5435
    )
    assert (tape_line.quantity, tape_line.amount, tape_line.tax) == (2, D("24.70"), D("3.21"))
    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (
        D("64.65"),
        D("5.00"),
        D("7.75"),
        D("67.40"),
    )
    event = AuditEvent.objects.get(object_type="billing.invoice")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [billing.patient.pk]


def test_it_taxes_a_sale_on_the_locations_day_not_utcs(billing):
    gel = billing.product("Cold gel", "9.99")
    late_evening = at(8, 23, 30)  # already Tuesday in UTC

    invoice = sell(billing, [ProductLine(gel)], now=late_evening)

    assert invoice.issued_at == late_evening
    assert invoice.tax == D("1.30")


def test_it_refuses_an_empty_sale(billing):
    with pytest.raises(BillingError) as caught:
        sell(billing, [])

    assert caught.value.code == BillingErrorCode.EMPTY_INVOICE
    assert not Invoice.objects.exists()


def test_it_refuses_another_clinics_product(billing):
    theirs = Product.objects.create(
        clinic=make_clinic("Other Clinic"),
        name="Their gel",
        price=D("5.00"),
        tax_category=TaxCategory.objects.get(code="general-taxable"),
    )

    with pytest.raises(BillingError) as caught:
        sell(billing, [ProductLine(theirs)])

    assert caught.value.code == BillingErrorCode.PRODUCT_INACTIVE
