"""Pre-paid packages: sold as an invoice taxed like their service, drawn down a visit at
a time (each visit's invoice paid by package credit), the last visit taking the
rounding's remainder cent, expiry and the last visit honoured, a credited visit given
back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice, PackageUse, Payment
from rehabdesk.billing.selectors import owing_by_invoice, package_balances, visit_billing
from rehabdesk.billing.services import (
    ThirdParty,
    credit_note_issue,
    invoice_for_visit,
    package_sell,
)
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def refusal(call) -> BillingError:
    with pytest.raises(BillingError) as caught:
        call()
    return caught.value


def sell(billing, **offer):
    return package_sell(
        patient=billing.patient,
        offer=billing.offer(**offer),
        location=billing.booking.pickering,
        by=billing.desk,
        now=at(8, 8, 30),
    )


def test_it_sells_a_package_as_an_invoice_taxed_like_its_service(billing):
    package = sell(billing)

    invoice = package.invoice
    assert invoice.purpose == InvoicePurpose.PACKAGE
    line = invoice.lines.get()
    assert line.kind == LineKind.PACKAGE
    assert line.package_offer == package.offer
    assert (line.amount, line.tax, line.total) == (D("400.00"), D("52.00"), D("452.00"))
    assert package.visits == 5
    assert package.expires_on == date(2028, 3, 7)  # 365 days from 2027-03-08


def test_it_pays_a_visit_from_the_package_with_package_credit(billing):
    package = sell(billing)
    visit = billing.visit(9, service=billing.massage)

    invoice = invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT, package=package)

    line = invoice.lines.get()
    assert (line.amount, line.tax, line.total) == (D("80.00"), D("0.00"), D("80.00"))
    assert line.package_offer == package.offer
    payment = Payment.objects.get(method=PaymentMethod.PACKAGE_CREDIT)
    assert (payment.package, payment.amount, payment.patient) == (
        package,
        D("80.00"),
        billing.patient,
    )
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: D("0.00")}
    assert visit_billing([visit.pk])[visit.pk].state == "paid"
    [balance] = package_balances([billing.patient.pk], on=date(2027, 3, 8))
    assert (balance.used, balance.remaining, balance.usable) == (1, 4, True)


def test_it_gives_the_last_visit_the_cent_rounding_left(billing):
    package = sell(billing, visits=3, price="100.00")

    prices = [
        invoice_for_visit(
            appointment=billing.visit(hour, service=billing.massage),
            by=billing.desk,
            now=later(hour),
            package=package,
        ).total
        for hour in (9, 11, 13)
    ]

    assert prices == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(prices) == D("100.00")


def test_it_keeps_the_visits_drawn_adding_up_to_the_price_when_one_is_given_back(billing):
    package = sell(billing, visits=3, price="100.00")
    visits = [billing.visit(hour, service=billing.massage) for hour in (9, 11, 13)]

    def draw(visit, minute):
        return invoice_for_visit(
            appointment=visit, by=billing.desk, now=later(minute), package=package
        )

    first, second = draw(visits[0], 1), draw(visits[1], 2)
    credit_note_issue(invoice=second, reason="Wrong visit", by=billing.desk, now=later(3))
    third, again = draw(visits[2], 4), draw(visits[1], 5)

    assert [first.total, second.total, third.total, again.total] == [
        D("33.33"),
        D("33.33"),
        D("33.33"),
        D("33.34"),
    ]
    assert first.total + third.total + again.total == D("100.00")


def test_it_refuses_a_package_used_up(billing):
    package = sell(billing, visits=1, price="90.00")
    invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        package=package,
    )
    second = billing.visit(11, service=billing.massage)

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=second, by=billing.desk, now=later(1), package=package
        )
    )

    assert caught.code == BillingErrorCode.PACKAGE_USED_UP
    assert Invoice.objects.filter(appointment=second).count() == 0
    assert PackageUse.objects.count() == 1


def test_it_refuses_a_package_expired_on_the_business_date(billing):
    package = sell(billing, valid_days=1)  # valid to Tuesday 2027-03-09 inclusive
    visit = billing.visit(9, service=billing.massage)

    assert invoice_for_visit(
        appointment=billing.visit(11, service=billing.massage),
        by=billing.desk,
        now=at(9, 23, 59),
        package=package,
    )
    caught = refusal(
        lambda: invoice_for_visit(
            appointment=visit, by=billing.desk, now=at(10, 0, 1), package=package
        )
    )
    assert caught.code == BillingErrorCode.PACKAGE_EXPIRED


def test_it_refuses_a_package_for_another_service_or_patient(billing):
    package = sell(billing)
    physio = billing.visit(9)
    someone_else = billing.visit(11, service=billing.massage, patient=billing.other_patient)

    assert (
        refusal(
            lambda: invoice_for_visit(
                appointment=physio, by=billing.desk, now=CHECK_OUT, package=package
            )
        ).code
        == BillingErrorCode.PACKAGE_NOT_FOR_SERVICE
    )
    assert (
        refusal(
            lambda: invoice_for_visit(
                appointment=someone_else, by=billing.desk, now=CHECK_OUT, package=package
            )
        ).code
        == BillingErrorCode.PACKAGE_NOT_PATIENTS
    )


def test_it_refuses_a_package_visit_with_a_discount_or_a_payer(billing):
    package = sell(billing)
    visit = billing.visit(9, service=billing.massage)

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=visit,
            by=billing.desk,
            now=CHECK_OUT,
            package=package,
            third_party=ThirdParty(payer=billing.payer(), payer_share=D("10.00")),
        )
    )

    assert caught.code == BillingErrorCode.INVALID
    assert PackageUse.objects.count() == 0


def test_it_gives_a_credited_visit_back_to_the_package(billing):
    package = sell(billing)
    visit = billing.visit(9, service=billing.massage)
    invoice = invoice_for_visit(appointment=visit, by=billing.desk, now=CHECK_OUT, package=package)

    credit_note_issue(invoice=invoice, reason="Wrong patient", by=billing.desk, now=later(1))

    assert list(PackageUse.objects.order_by("pk").values_list("visits", flat=True)) == [1, -1]
    refund = Payment.objects.get(kind=PaymentKind.REFUND)
    assert (refund.method, refund.amount, refund.package) == (
        PaymentMethod.PACKAGE_CREDIT,
        D("80.00"),
        package,
    )
    # The package credit never turns into the patient's money: paid less refunded is 0.
    package_money = Payment.objects.filter(method=PaymentMethod.PACKAGE_CREDIT)
    paid = package_money.filter(kind=PaymentKind.PAYMENT).aggregate(s=Sum("amount"))["s"]
    refunded = package_money.filter(kind=PaymentKind.REFUND).aggregate(s=Sum("amount"))["s"]
    assert paid - refunded == D("0.00")
    assert owing_by_invoice([invoice.pk]) == {invoice.pk: D("0.00")}
    [balance] = package_balances([billing.patient.pk], on=date(2027, 3, 8))
    assert balance.remaining == 5
    # The visit can be drawn again (a new invoice replacing the credited one).
    again = invoice_for_visit(appointment=visit, by=billing.desk, now=later(2), package=package)
    assert again.replaces == invoice


def test_it_refuses_crediting_part_of_a_visit_drawn_from_a_package(billing):
    package = sell(billing)
    invoice = invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        package=package,
    )

    caught = refusal(
        lambda: credit_note_issue(
            invoice=invoice,
            reason="Short",
            by=billing.desk,
            now=later(1),
            amounts={invoice.lines.get().pk: D("10.00")},
        )
    )
    assert caught.code == BillingErrorCode.INVALID


def test_it_draws_nothing_more_from_a_package_whose_sale_was_credited(billing):
    package = sell(billing)
    credit_note_issue(invoice=package.invoice, reason="Changed mind", by=billing.desk, now=later(1))

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=billing.visit(9, service=billing.massage),
            by=billing.desk,
            now=later(2),
            package=package,
        )
    )

    assert caught.code == BillingErrorCode.PACKAGE_USED_UP
    [balance] = package_balances([billing.patient.pk], on=date(2027, 3, 8))
    assert (balance.cancelled, balance.remaining, balance.usable) == (True, 0, False)


def test_it_lists_each_patients_packages_soonest_to_expire_first(billing):
    later_one = sell(billing)
    sooner = sell(billing, visits=3, price="240.00", valid_days=30)

    balances = package_balances([billing.patient.pk, billing.other_patient.pk], on=date(2027, 5, 1))

    assert [b.package_id for b in balances] == [sooner.pk, later_one.pk]
    assert [(b.expired, b.usable) for b in balances] == [(True, False), (False, True)]


def test_it_puts_each_package_change_on_the_patients_audit_trail(billing):
    package = sell(billing)
    invoice = invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        package=package,
    )
    credit_note_issue(invoice=invoice, reason="Wrong patient", by=billing.desk, now=later(1))

    events = AuditEvent.objects.filter(object_type="billing.package", object_id=str(package.pk))
    assert list(events.order_by("pk").values_list("action", "summary")) == [
        ("create", "package sold on invoice 000001"),
        ("change", "visit drawn on invoice 000002"),
        ("change", "visit given back (invoice 000002)"),
    ]
    assert {event.actor for event in events} == {billing.desk}
    assert set(events.values_list("patient_links__patient_id", flat=True)) == {billing.patient.pk}
