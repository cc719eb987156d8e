"""Tax categories and their rates: the treatment decides which rates a category may
carry, one tax is never in force twice on a day, a refused change keeps the rates on
file, and a service's price on a day comes from the rates in force that day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import TaxCategory, TaxRate
from rehabdesk.clinic.selectors import service_price_on, services_for_display
from rehabdesk.clinic.tax import TaxConfigurationError
from rehabdesk.clinic.testing import (
    make_practitioner,
    make_registration,
    make_service,
    qualification,
)

pytestmark = pytest.mark.django_db

HST = services.RateSpec("HST", Decimal(13), date(2010, 7, 1))


def rate(name: str, percent: str, first: date, last: date | None = None) -> services.RateSpec:
    return services.RateSpec(name, Decimal(percent), first, last)


def rates_of(category: TaxCategory) -> list[tuple[str, Decimal, date, date | None]]:
    return list(
        TaxRate.objects.filter(category=category)
        .order_by("name", "valid_from")
        .values_list("name", "percent", "valid_from", "valid_until")
    )


def refused(code: ClinicErrorCode, category: TaxCategory, rates) -> ClinicError:
    before = rates_of(category) if category.pk else []
    with pytest.raises(ClinicError) as caught:
        services.tax_category_save(category=category, rates=rates)
    assert caught.value.code == code, caught.value.message
    if category.pk:
        assert rates_of(category) == before
    return caught.value


@pytest.fixture
def massage_tax() -> TaxCategory:
    return TaxCategory.objects.get(code="massage-therapy")


@pytest.fixture
def brace_tax() -> TaxCategory:
    return TaxCategory.objects.get(code="made-to-order-device")


# --- What each treatment may carry -------------------------------------------------------


def test_a_zero_rated_category_carries_only_rates_of_nought(brace_tax):
    error = refused(
        ClinicErrorCode.TAX_RATES_INCONSISTENT, brace_tax, [rate("HST", "13", date(2010, 7, 1))]
    )
    assert error.message == "Zero-rated supplies are taxed at 0 %."


def test_a_zero_rated_category_may_carry_no_rate_and_still_shows_a_nought_line(brace_tax):
    services.tax_category_save(category=brace_tax, rates=[])
    assert rates_of(brace_tax) == []
    make_registration(make_practitioner("Kim Fitter"), "cpo")
    brace = make_service("Custom knee brace", price="650.00", tax="made-to-order-device")
    quote = service_price_on(service=brace, on=date(2027, 3, 10))
    assert [(line.name, line.amount) for line in quote.lines] == [("GST/HST", Decimal("0.00"))]
    assert quote.total == Decimal("650.00")


def test_an_exempt_category_carries_no_rate():
    physiotherapy = TaxCategory.objects.get(code="physiotherapy")
    services.tax_category_save(category=physiotherapy, rates=[])
    assert rates_of(physiotherapy) == []


def test_a_category_with_rates_cannot_become_exempt_while_it_keeps_them(massage_tax):
    massage_tax.treatment = TaxTreatment.EXEMPT
    with pytest.raises(ClinicError) as caught:
        services.tax_category_save(category=massage_tax)
    assert caught.value.code == ClinicErrorCode.TAX_RATES_INCONSISTENT
    assert TaxCategory.objects.get(pk=massage_tax.pk).treatment == TaxTreatment.TAXABLE
    assert len(rates_of(massage_tax)) == 1


def test_saving_a_category_without_rates_keeps_the_rates_on_file(massage_tax):
    massage_tax.name = "Massage therapy (RMT)"
    services.tax_category_save(category=massage_tax)
    assert TaxCategory.objects.get(pk=massage_tax.pk).name == "Massage therapy (RMT)"
    assert rates_of(massage_tax) == [("HST", Decimal("13.000"), date(2010, 7, 1), None)]


def test_a_new_category_is_saved_with_its_rates():
    category = services.tax_category_save(
        category=TaxCategory(code="gym-passes", name="Gym passes", treatment=TaxTreatment.TAXABLE),
        rates=[rate("GST", "5", date(2008, 1, 1)), rate("PST", "8", date(2008, 1, 1))],
    )
    assert [name for name, *_ in rates_of(category)] == ["GST", "PST"]


def test_a_category_code_is_used_once():
    with pytest.raises(ClinicError) as caught:
        services.tax_category_save(
            category=TaxCategory(code="physiotherapy", name="Again", treatment=TaxTreatment.EXEMPT),
            rates=[],
        )
    assert (caught.value.code, caught.value.field) == (ClinicErrorCode.INVALID, "code")
    assert TaxCategory.objects.filter(code="physiotherapy").count() == 1


# --- Each rate ---------------------------------------------------------------------------


@pytest.mark.parametrize("percent", ["100.001", "-1"])
def test_a_rate_outside_nought_to_a_hundred_percent_is_refused(massage_tax, percent):
    error = refused(ClinicErrorCode.INVALID, massage_tax, [rate("HST", percent, date(2010, 7, 1))])
    assert error.field == "percent"


def test_a_rate_that_ends_before_it_starts_is_refused(massage_tax):
    error = refused(
        ClinicErrorCode.INVALID,
        massage_tax,
        [rate("HST", "13", date(2027, 1, 1), date(2026, 1, 1))],
    )
    assert error.message == "A rate cannot end before it starts."


def test_the_database_refuses_a_rate_over_a_hundred_percent(massage_tax):
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRate.objects.filter(category=massage_tax).update(percent=Decimal("101"))


# --- One tax in force once a day ---------------------------------------------------------


def test_a_new_rate_starting_on_the_old_one_s_last_day_is_refused(massage_tax):
    error = refused(
        ClinicErrorCode.TAX_RATES_INCONSISTENT,
        massage_tax,
        [
            rate("HST", "13", date(2010, 7, 1), date(2027, 6, 30)),
            rate("HST", "15", date(2027, 6, 30)),
        ],
    )
    assert error.message == "Two HST rates are in force on 2027-06-30."


def test_a_rate_without_an_end_leaves_no_room_for_a_later_one(massage_tax):
    error = refused(
        ClinicErrorCode.TAX_RATES_INCONSISTENT,
        massage_tax,
        [rate("HST", "15", date(2030, 1, 1)), rate("HST", "13", date(2010, 7, 1))],
    )
    assert error.message == "Two HST rates are in force on 2030-01-01."


def test_two_different_taxes_may_be_in_force_at_once(massage_tax):
    services.tax_category_save(
        category=massage_tax,
        rates=[rate("GST", "5", date(2008, 1, 1)), rate("PST", "8", date(2013, 4, 1))],
    )
    assert [name for name, *_ in rates_of(massage_tax)] == ["GST", "PST"]


# --- A service's price on a day ----------------------------------------------------------


@pytest.fixture
def massage():
    make_registration(make_practitioner("Olivia Bennett", disciplines=["massage-therapy"]), "cmto")
    return make_service(
        "Massage, 60 minutes",
        discipline="massage-therapy",
        tax="massage-therapy",
        price="100.00",
        qualifications=[qualification("cmto")],
    )


def test_a_price_is_taxed_at_the_rate_in_force_on_the_day_of_the_visit(massage, massage_tax):
    services.tax_category_save(
        category=massage_tax,
        rates=[
            rate("HST", "13", date(2010, 7, 1), date(2027, 6, 30)),
            rate("HST", "15", date(2027, 7, 1)),
        ],
    )
    before = service_price_on(service=massage, on=date(2027, 6, 30))
    after = service_price_on(service=massage, on=date(2027, 7, 1))
    assert (before.tax, before.total) == (Decimal("13.00"), Decimal("113.00"))
    assert (after.tax, after.total) == (Decimal("15.00"), Decimal("115.00"))


def test_a_taxable_service_with_no_rate_in_force_is_an_error_not_a_free_ride(massage, massage_tax):
    services.tax_category_save(
        category=massage_tax, rates=[rate("HST", "13", date(2010, 7, 1), date(2020, 12, 31))]
    )
    with pytest.raises(TaxConfigurationError, match="2027-03-10"):
        service_price_on(service=massage, on=date(2027, 3, 10))


def test_prices_of_listed_services_need_no_further_query(massage, django_assert_num_queries):
    listed = list(services_for_display())
    with django_assert_num_queries(0):
        quotes = [service_price_on(service=service, on=date(2027, 3, 10)) for service in listed]
    assert [quote.total for quote in quotes] == [Decimal("113.00")]
