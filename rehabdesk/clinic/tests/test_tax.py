from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.tax import RatePeriod, TaxConfigurationError, tax_for

HST = RatePeriod("HST", Decimal(13), date(2010, 7, 1))
DAY = date(2027, 3, 10)


def test_it_charges_no_tax_on_physiotherapy():
    quote = tax_for(price=Decimal("85.00"), treatment=TaxTreatment.EXEMPT, rates=[HST], on=DAY)
    assert quote.lines == ()
    assert quote.total == Decimal("85.00")


def test_it_charges_hst_on_massage_therapy():
    quote = tax_for(price=Decimal("110.00"), treatment=TaxTreatment.TAXABLE, rates=[HST], on=DAY)
    assert [(line.name, line.amount) for line in quote.lines] == [("HST", Decimal("14.30"))]
    assert quote.total == Decimal("124.30")


def test_it_zero_rates_a_made_to_order_brace_with_a_visible_line():
    zero = RatePeriod("HST", Decimal(0), date(2010, 7, 1))
    quote = tax_for(
        price=Decimal("650.00"), treatment=TaxTreatment.ZERO_RATED, rates=[zero], on=DAY
    )
    assert [(line.name, line.percent, line.amount) for line in quote.lines] == [
        ("HST", Decimal(0), Decimal("0.00"))
    ]
    assert quote.total == Decimal("650.00")


def test_it_rounds_half_a_cent_up():
    quote = tax_for(price=Decimal("0.50"), treatment=TaxTreatment.TAXABLE, rates=[HST], on=DAY)
    assert quote.tax == Decimal("0.07")  # 0.065 -> 0.07


def test_it_uses_the_rate_in_force_on_the_day():
    old = RatePeriod("HST", Decimal(13), date(2010, 7, 1), valid_until=date(2027, 3, 31))
    new = RatePeriod("HST", Decimal(15), date(2027, 4, 1))
    price = Decimal("100.00")
    on_last_day = tax_for(
        price=price, treatment=TaxTreatment.TAXABLE, rates=[old, new], on=date(2027, 3, 31)
    )
    on_first_day = tax_for(
        price=price, treatment=TaxTreatment.TAXABLE, rates=[old, new], on=date(2027, 4, 1)
    )
    assert (on_last_day.tax, on_first_day.tax) == (Decimal("13.00"), Decimal("15.00"))


def test_it_charges_two_taxes_as_two_lines():
    gst = RatePeriod("GST", Decimal(5), date(2008, 1, 1))
    pst = RatePeriod("PST", Decimal(7), date(2013, 4, 1))
    quote = tax_for(
        price=Decimal("90.00"), treatment=TaxTreatment.TAXABLE, rates=[pst, gst], on=DAY
    )
    assert [(line.name, line.amount) for line in quote.lines] == [
        ("GST", Decimal("4.50")),
        ("PST", Decimal("6.30")),
    ]
    assert quote.total == Decimal("100.80")


def test_it_refuses_a_taxable_supply_with_no_rate_in_force():
    expired = RatePeriod("HST", Decimal(13), date(2010, 7, 1), valid_until=date(2020, 1, 1))
    with pytest.raises(TaxConfigurationError, match="2027-03-10"):
        tax_for(price=Decimal(10), treatment=TaxTreatment.TAXABLE, rates=[expired], on=DAY)


prices = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
percents = st.decimals(min_value=0, max_value=30, places=3, allow_nan=False)


@given(prices, percents)
def test_it_adds_each_line_rounded_to_the_cent(price, percent):
    rate = RatePeriod("T", percent, date(2000, 1, 1))
    quote = tax_for(price=price, treatment=TaxTreatment.TAXABLE, rates=[rate], on=DAY)
    (line,) = quote.lines
    assert line.amount == line.amount.quantize(Decimal("0.01"))
    assert abs(line.amount - price * percent / 100) <= Decimal("0.005")
    assert quote.total == price + line.amount
