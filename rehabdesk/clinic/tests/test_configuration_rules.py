"""Invalid configuration is refused with a clear message, and nothing is half-saved."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.clinic import services
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    Location,
    Qualification,
    Registration,
    RegistrationClass,
    Service,
    TaxCategory,
    TaxRate,
)
from rehabdesk.clinic.selectors import service_price_on
from rehabdesk.clinic.testing import (
    TODAY,
    make_clinic,
    make_location,
    make_practitioner,
    make_registration,
    make_service,
    qualification,
    rosters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def physio():
    practitioner = make_practitioner("Priya Raman")
    make_registration(practitioner, "cpo", roster_codes=["acupuncture"])
    return practitioner


def code_of(call, *args, **kwargs) -> tuple[StrEnum, str, str | None]:
    with pytest.raises(ClinicError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.message, caught.value.field


def test_it_refuses_a_negative_price(physio):
    assert code_of(make_service, "Follow-up", price="-1.00") == (
        ClinicErrorCode.INVALID,
        "A price cannot be negative.",
        "price",
    )
    assert not Service.objects.exists()


def test_the_database_refuses_a_negative_price(physio):
    service = make_service("Follow-up")
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(price=Decimal("-5"))


def test_it_refuses_an_unknown_time_zone():
    clinic = make_clinic()
    code, message, field = code_of(make_location, clinic, "Oshawa", time_zone="America/Torontoo")
    assert (code, field) == (ClinicErrorCode.INVALID, "time_zone")
    assert "“America/Torontoo” is not a known time zone" in message
    assert not Location.objects.exists()


def test_it_refuses_a_service_nobody_is_qualified_for(physio):
    code, message, _ = code_of(
        make_service,
        "Pelvic floor assessment",
        qualifications=[qualification("cpo", "internal-pelvic")],
    )
    assert code == ClinicErrorCode.NOBODY_QUALIFIED
    assert (
        "Nobody on the team is qualified to deliver Pelvic floor assessment on 2027-03-10: "
        "it needs a CPO registration rostered for Internal pelvic examination." in message
    )
    assert not Service.objects.exists()
    assert not Qualification.objects.exists()


def test_it_lets_a_manager_prepare_an_inactive_service_before_hiring(physio):
    service = make_service(
        "Pelvic floor assessment",
        qualifications=[qualification("cpo", "internal-pelvic")],
        active=False,
    )
    service.active = True
    code, _, _ = code_of(services.service_save, service=service, on=TODAY)
    assert code == ClinicErrorCode.NOBODY_QUALIFIED
    assert Service.objects.get().active is False


def test_it_refuses_a_service_that_names_no_qualification(physio):
    code, message, _ = code_of(make_service, "Follow-up", qualifications=[])
    assert code == ClinicErrorCode.NO_QUALIFICATIONS


def test_it_refuses_a_roster_of_another_college_in_a_qualification(physio):
    wrong = services.QualificationSpec(
        qualification("cmto").regulator, frozenset(rosters("cpo", "acupuncture"))
    )
    code, message, _ = code_of(make_service, "Massage", qualifications=[wrong])
    assert code == ClinicErrorCode.WRONG_REGULATOR
    assert "belongs to CPO, not CMTO" in message


def test_it_refuses_a_registration_that_ends_before_it_starts(physio):
    code, message, _ = code_of(
        make_registration,
        make_practitioner("Olivia Bennett"),
        "cmto",
        valid_from=date(2027, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    assert (code, message) == (
        ClinicErrorCode.INVALID,
        "A registration cannot end before it starts.",
    )


def test_it_refuses_overlapping_registrations_with_one_college(physio):
    code, message, field = code_of(make_registration, physio, "cpo", valid_from=date(2027, 1, 1))
    assert code == ClinicErrorCode.REGISTRATION_OVERLAP
    assert field == "valid_from"
    assert Registration.objects.filter(practitioner=physio).count() == 1


def test_it_accepts_a_renewal_that_starts_after_the_old_registration_ends():
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto", valid_from=date(2026, 1, 1), valid_until=date(2027, 3, 31))
    make_registration(olivia, "cmto", valid_from=date(2027, 4, 1), valid_until=date(2028, 3, 31))


def test_it_refuses_a_class_or_roster_of_another_college(physio):
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    registration = Registration(
        practitioner=olivia,
        regulator=qualification("cmto").regulator,
        registration_number="RMT-1",
        registration_class=RegistrationClass.objects.get(regulator__slug="cpo", name="Courtesy"),
        valid_from=date(2027, 1, 1),
    )
    code, _, field = code_of(services.registration_save, registration=registration)
    assert (code, field) == (ClinicErrorCode.WRONG_REGULATOR, "registration_class")
    registration.registration_class = RegistrationClass.objects.get(
        regulator__slug="cmto", name="General"
    )
    code, _, field = code_of(
        services.registration_save,
        registration=registration,
        authorizations=rosters("cpo", "acupuncture"),
    )
    assert (code, field) == (ClinicErrorCode.WRONG_REGULATOR, "authorizations")
    assert not Registration.objects.filter(practitioner=olivia).exists()


def test_it_prices_massage_with_hst_and_physiotherapy_without():
    rmt = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(rmt, "cmto")
    massage = make_service(
        "Massage therapy, 60 minutes",
        discipline="massage-therapy",
        tax="massage-therapy",
        price="110.00",
        qualifications=[qualification("cmto")],
    )
    quote = service_price_on(service=massage, on=TODAY)
    assert (quote.tax, quote.total) == (Decimal("14.30"), Decimal("124.30"))


def test_it_keeps_tax_categories_consistent_with_their_rates():
    exempt = TaxCategory.objects.get(code="physiotherapy")
    hst = services.RateSpec("HST", Decimal(13), date(2010, 7, 1))
    code, message, _ = code_of(services.tax_category_save, category=exempt, rates=[hst])
    assert code == ClinicErrorCode.TAX_RATES_INCONSISTENT
    taxable = TaxCategory.objects.get(code="massage-therapy")
    code, message, _ = code_of(services.tax_category_save, category=taxable, rates=[])
    assert message == "A taxable category needs at least one rate."
    overlapping = [hst, services.RateSpec("HST", Decimal(15), date(2027, 1, 1))]
    code, message, _ = code_of(services.tax_category_save, category=taxable, rates=overlapping)
    assert message == "Two HST rates are in force on 2027-01-01."
    assert list(TaxRate.objects.filter(category=taxable).values_list("percent", flat=True)) == [
        Decimal("13.000")
    ]


def test_it_changes_a_rate_from_a_date():
    taxable = TaxCategory.objects.get(code="massage-therapy")
    services.tax_category_save(
        category=taxable,
        rates=[
            services.RateSpec("HST", Decimal(13), date(2010, 7, 1), date(2027, 12, 31)),
            services.RateSpec("HST", Decimal(14), date(2028, 1, 1)),
        ],
    )
    assert taxable.rates.count() == 2
