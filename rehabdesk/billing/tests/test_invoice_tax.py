"""Tax on invoice lines, on the domain reference's cases (§3.4): physiotherapy and
acupuncture exempt, massage therapy taxable at 13 % HST, a made-to-order brace
zero-rated, an off-the-shelf one taxable; rounded half up per line, on the day of the
supply; and never more (or less) tax than the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rehabdesk.billing.choices import InvoicePurpose, LineKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import DocumentSequence, Invoice
from rehabdesk.billing.services.invoices import Draft, invoice_write, line_priced
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world
from rehabdesk.clinic.models import TaxCategory, TaxRate

pytestmark = pytest.mark.django_db
D = Decimal
MONDAY = date(2027, 3, 8)


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def priced(code: str, price: str, *, on: date = MONDAY, quantity: int = 1, discount: str = "0"):
    return line_priced(
        kind=LineKind.PRODUCT,
        description=code,
        unit_price=D(price),
        tax_category=TaxCategory.objects.get(code=code),
        on=on,
        quantity=quantity,
        discount=D(discount),
        discount_reason="Reason" if D(discount) else "",
    )


@pytest.mark.parametrize(
    ("code", "price", "treatment", "tax_name", "tax"),
    [
        ("physiotherapy", "95.00", "exempt", "", "0.00"),
        ("acupuncture", "80.00", "exempt", "", "0.00"),
        ("massage-therapy", "95.00", "taxable", "HST", "12.35"),
        ("made-to-order-device", "450.00", "zero_rated", "HST", "0.00"),
        ("general-taxable", "59.99", "taxable", "HST", "7.80"),  # 7.7987
    ],
)
def test_it_taxes_each_supply_as_the_domain_reference_says(code, price, treatment, tax_name, tax):
    line = priced(code, price)

    assert (line.tax_treatment, line.tax_name, line.tax) == (treatment, tax_name, D(tax))
    assert line.total == line.amount + line.tax


@pytest.mark.parametrize(
    ("price", "tax"),
    [
        ("0.05", "0.01"),  # 0.0065 → 0.01: halves and more go up
        ("0.03", "0.00"),  # 0.0039 → 0.00
        ("38.50", "5.01"),  # 5.005 → 5.01, half away from zero
        ("61.50", "8.00"),  # 7.995 → 8.00
        ("0.00", "0.00"),
    ],
)
def test_it_rounds_tax_to_the_cent_halves_up(price, tax):
    assert priced("massage-therapy", price).tax == D(tax)


def test_it_taxes_the_line_not_each_unit_and_after_its_discount():
    assert priced("general-taxable", "0.35", quantity=3).tax == D("0.14")  # 1.05 × 13 % = 0.1365
    assert priced("general-taxable", "100.00", discount="33.33").tax == D("8.67")  # 66.67


def test_it_takes_the_rate_in_force_on_the_day_of_the_supply():
    category = TaxCategory.objects.get(code="massage-therapy")
    TaxRate.objects.filter(category=category).update(valid_until=date(2027, 3, 31))
    TaxRate.objects.create(
        category=category, name="HST", percent=D("15"), valid_from=date(2027, 4, 1)
    )

    assert priced("massage-therapy", "100.00", on=date(2027, 3, 31)).tax == D("13.00")
    assert priced("massage-therapy", "100.00", on=date(2027, 4, 1)).tax == D("15.00")


def test_it_refuses_a_taxable_supply_on_a_day_with_no_rate():
    category = TaxCategory.objects.get(code="massage-therapy")
    TaxRate.objects.filter(category=category).update(valid_from=date(2030, 1, 1))

    with pytest.raises(BillingError) as caught:
        priced("massage-therapy", "100.00")
    assert caught.value.code == BillingErrorCode.INVALID


def test_it_refuses_a_line_with_more_tax_than_the_rule_and_writes_nothing(billing):
    line = priced("massage-therapy", "85.00")
    line.product = billing.product("Massage oil", "85.00", tax="massage-therapy")
    line.tax += D("0.01")
    line.total += D("0.01")

    with pytest.raises(BillingError) as caught:
        invoice_write(
            Draft(
                location=billing.booking.pickering,
                patient=billing.patient,
                purpose=InvoicePurpose.SALE,
                on=MONDAY,
                lines=[line],
            ),
            by=billing.desk,
            now=CHECK_OUT,
        )

    assert caught.value.code == BillingErrorCode.TAX_MISMATCH
    assert "11.05" in caught.value.message
    assert not Invoice.objects.exists()
    assert not DocumentSequence.objects.exists()


def test_it_refuses_a_line_whose_total_is_not_its_amount_and_tax(billing):
    line = priced("physiotherapy", "85.00")
    line.product = billing.product("Assessment kit", "85.00", tax="physiotherapy")
    line.total = D("90.00")

    with pytest.raises(BillingError) as caught:
        invoice_write(
            Draft(
                location=billing.booking.pickering,
                patient=billing.patient,
                purpose=InvoicePurpose.SALE,
                on=MONDAY,
                lines=[line],
            ),
            by=billing.desk,
            now=CHECK_OUT,
        )
    assert caught.value.code == BillingErrorCode.TAX_MISMATCH
