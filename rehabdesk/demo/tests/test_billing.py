"""The demo's books, as the clinic's bookkeeper would check them: every visit done
before today invoiced once, numbered without gaps in the order issued, each line taxed
as clinic.tax says on its day, totals adding up; money allocated never more than an
invoice's total; some owing, some billed to insurers, fees charged and waived, packages
drawn, every past day closed with its counts matching its payments.

One demo, loaded two weeks either side of NOW, is shared by the module; these tests
only read it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import (
    COUNTED_METHODS,
    InvoicePurpose,
    LineKind,
    PayerKind,
    PaymentMethod,
    SequenceKind,
)
from rehabdesk.billing.models import (
    CreditNote,
    DayClose,
    DayCount,
    DocumentSequence,
    FeeWaiver,
    Invoice,
    InvoiceLine,
    Package,
    PackageUse,
    Payer,
    Payment,
    PaymentAllocation,
)
from rehabdesk.billing.selectors import balance_of
from rehabdesk.billing.selectors.owing import with_owing
from rehabdesk.billing.services.invoices import line_tax_check
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Clinic, Service
from rehabdesk.clinic.tax import RatePeriod, tax_for
from rehabdesk.demo.billing import HST_NUMBER
from rehabdesk.demo.tests.shared import NOW, TORONTO
from rehabdesk.patients.models import Coverage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def _local_day(moment: datetime) -> date:
    return moment.astimezone(TORONTO).date()


def test_the_clinic_prints_its_hst_number_and_has_payers_products_and_packages(shared_demo):
    assert Clinic.objects.get().hst_number == HST_NUMBER
    kinds = set(Payer.objects.values_list("kind", flat=True))
    assert kinds == {PayerKind.EXTENDED_HEALTH, PayerKind.WSIB, PayerKind.AUTO}
    assert {"Sun Life", "Canada Life", "Manulife", "WSIB"} <= set(
        Payer.objects.values_list("name", flat=True)
    )
    offer = Clinic.objects.get().package_offers.get(service__slug="massage-therapy-60-minutes")
    assert (offer.visits, offer.price) == (5, Decimal("500.00"))
    assert Clinic.objects.get().products.count() >= 3


def test_every_visit_done_before_today_is_invoiced_once_and_todays_wait_for_check_out(
    shared_demo,
):
    done = Appointment.objects.filter(
        status=AppointmentStatus.FULFILLED, start__lt=NOW, patient__isnull=False
    )
    invoiced = Counter(
        Invoice.objects.filter(purpose=InvoicePurpose.VISIT).values_list(
            "appointment_id", flat=True
        )
    )
    before_today = {a.pk for a in done if _local_day(a.start) < TODAY}
    today = {a.pk for a in done if _local_day(a.start) == TODAY}

    assert before_today
    assert set(invoiced) == before_today
    assert set(invoiced.values()) == {1}
    assert not today & set(invoiced)


def test_numbers_have_no_gaps_follow_the_order_issued_and_the_sequences_stand_at_the_last(
    shared_demo,
):
    invoices = list(Invoice.objects.order_by("number").values_list("number", "issued_at"))
    notes = list(CreditNote.objects.order_by("number").values_list("number", "issued_at"))

    assert [n for n, _ in invoices] == list(range(1, len(invoices) + 1))
    assert [n for n, _ in notes] == list(range(1, len(notes) + 1))
    assert [at for _, at in invoices] == sorted(at for _, at in invoices)
    sequences = dict(DocumentSequence.objects.values_list("kind", "last_number"))
    assert sequences == {SequenceKind.INVOICE: len(invoices), SequenceKind.CREDIT_NOTE: len(notes)}


def test_every_line_is_taxed_as_the_clinic_says_on_its_day_and_totals_add_up(shared_demo):
    categories = {}
    for service in Service.objects.select_related("tax_category").prefetch_related(
        "tax_category__rates"
    ):
        category = service.tax_category
        rates = [
            RatePeriod(r.name, r.percent, r.valid_from, r.valid_until) for r in category.rates.all()
        ]
        categories[service.pk] = (TaxTreatment(category.treatment), rates)
    taxed = 0
    for line in InvoiceLine.objects.select_related("invoice"):
        assert line.amount == line.quantity * line.unit_price - line.discount
        assert line.total == line.amount + line.tax
        if line.kind == LineKind.SERVICE and line.package_offer_id is not None:
            # Drawn from a package: the tax was charged on the package's invoice.
            assert (line.tax, line.tax_name) == (0, "")
        elif line.service_id is not None:
            treatment, rates = categories[line.service_id]
            quote = tax_for(
                price=line.amount, treatment=treatment, rates=rates, on=line.service_date
            )
            assert (line.tax, line.tax_treatment) == (quote.tax, treatment)
            assert line.service_date == _local_day(line.invoice.issued_at)
            taxed += line.tax > 0
    assert taxed
    sums = InvoiceLine.objects.values("invoice").annotate(
        subtotal=Sum("unit_price"), discount=Sum("discount"), tax=Sum("tax"), total=Sum("total")
    )
    by_invoice = {row["invoice"]: row for row in sums}
    for invoice in Invoice.objects.all():
        row = by_invoice[invoice.pk]
        assert (invoice.discount, invoice.tax, invoice.total) == (
            row["discount"],
            row["tax"],
            row["total"],
        )
        assert invoice.total == invoice.subtotal - invoice.discount + invoice.tax
        assert 0 <= invoice.payer_share <= invoice.total


def test_nothing_is_overpaid_and_some_invoices_are_still_owing(shared_demo):
    owing = [invoice.owing for invoice in with_owing(Invoice.objects.all())]

    assert min(owing) >= 0
    assert sum(1 for amount in owing if amount > 0) >= 3
    assert sum(1 for amount in owing if amount == 0) > len(owing) / 2
    for allocation in PaymentAllocation.objects.select_related("payment"):
        assert 0 < allocation.amount == allocation.payment.amount


def test_a_share_of_visits_is_billed_to_insurers_who_pay_by_eft_never_for_fees(shared_demo):
    visits = Invoice.objects.filter(purpose=InvoicePurpose.VISIT)
    billed = visits.filter(payer__isnull=False)

    assert 0.05 <= billed.count() / visits.count() <= 0.3
    assert not Invoice.objects.exclude(purpose=InvoicePurpose.VISIT).filter(payer__isnull=False)
    for invoice in billed.select_related("payer", "coverage"):
        if invoice.payer.kind in (PayerKind.WSIB, PayerKind.AUTO):
            assert invoice.claim_number
        else:
            assert invoice.coverage.patient_id == invoice.patient_id
            assert invoice.coverage.insurer == invoice.payer.name
    # The plans the books added are exactly those the invoices name.
    added = Coverage.objects.exclude(policy_number__startswith="DEMO-")
    assert set(added.values_list("pk", flat=True)) == set(
        billed.filter(coverage__isnull=False).values_list("coverage_id", flat=True)
    )
    payer_payments = Payment.objects.filter(payer__isnull=False)
    assert set(payer_payments.values_list("method", flat=True)) <= {PaymentMethod.EFT}


def test_patients_pay_by_a_realistic_mix_of_methods(shared_demo):
    methods = Counter(
        Payment.objects.filter(payer__isnull=True)
        .exclude(method=PaymentMethod.PACKAGE_CREDIT)
        .values_list("method", flat=True)
    )

    assert len(methods) >= 4
    assert methods.most_common(1)[0][0] in (PaymentMethod.DEBIT, PaymentMethod.CREDIT_CARD)


def test_missed_visits_carry_the_fee_some_charged_some_waived_todays_still_to_decide(
    shared_demo,
):
    missed = Appointment.objects.filter(status=AppointmentStatus.NOSHOW, start__lt=NOW)
    charged = set(
        Invoice.objects.filter(purpose=InvoicePurpose.NO_SHOW).values_list(
            "appointment_id", flat=True
        )
    )
    waived = set(FeeWaiver.objects.values_list("appointment_id", flat=True))

    assert missed
    for visit in missed.select_related("service"):
        assert visit.fee_due == visit.service.price
        decided = visit.pk in charged or visit.pk in waived
        assert decided == (_local_day(visit.start) < TODAY)
    assert not charged & waived
    assert charged
    assert waived
    assert all(
        line.kind == LineKind.FEE and line.total >= line.amount
        for line in InvoiceLine.objects.filter(invoice__purpose=InvoicePurpose.NO_SHOW)
    )


def test_packages_are_sold_on_an_invoice_and_drawn_visit_by_visit_with_package_credit(
    shared_demo,
):
    packages = list(Package.objects.select_related("invoice", "offer"))

    assert packages
    for package in packages:
        assert package.invoice.purpose == InvoicePurpose.PACKAGE
        assert package.invoice.lines.get().kind == LineKind.PACKAGE
        uses = list(PackageUse.objects.filter(package=package))
        assert 1 <= len(uses) <= package.visits
        for use in uses:
            line = InvoiceLine.objects.get(
                invoice__appointment_id=use.appointment_id, kind=LineKind.SERVICE
            )
            credit = Payment.objects.get(
                package=package,
                allocations__invoice=line.invoice,
                method=PaymentMethod.PACKAGE_CREDIT,
            )
            assert credit.amount == line.total
            assert line.service_id == package.offer.service_id


def test_every_past_day_with_payments_is_closed_and_counted_per_method(shared_demo):
    expected = defaultdict(Decimal)
    days = set()
    for payment in Payment.objects.all():
        days.add((payment.location_id, payment.business_date))
        if payment.method in COUNTED_METHODS:
            expected[(payment.location_id, payment.business_date, payment.method)] += payment.amount
    closes = {(c.location_id, c.business_date): c for c in DayClose.objects.all()}

    assert set(closes) == days
    assert all(day < TODAY for _, day in closes)
    for count in DayCount.objects.select_related("day_close"):
        key = (count.day_close.location_id, count.day_close.business_date, count.method)
        assert count.expected == expected[key]
        assert count.difference == count.counted - count.expected
        assert bool(count.difference) == bool(count.note)
    assert set(
        DayCount.objects.values("day_close").annotate(n=Count("pk")).values_list("n", flat=True)
    ) == {len(COUNTED_METHODS)}
    for payment in Payment.objects.all():
        assert payment.received_at <= closes[(payment.location_id, payment.business_date)].closed_at


def test_the_books_are_on_the_audit_trail_for_the_patients_they_name(shared_demo):
    event = AuditEvent.objects.get(object_type="billing.invoice")
    patients = set(event.patient_links.values_list("patient_id", flat=True))

    assert patients == set(Invoice.objects.values_list("patient_id", flat=True))


def test_the_services_own_checks_agree_with_the_books(shared_demo):
    """The tax rule check every invoice service runs, and the patient's account as the
    desk reads it: no credit left over, owing the sum of what their invoices owe."""
    for line in InvoiceLine.objects.select_related(
        "invoice__location", "product__tax_category", "package_offer__service__tax_category"
    ).select_related("service__tax_category"):
        line_tax_check(line, _local_day(line.invoice.issued_at))
    owing = defaultdict(Decimal)
    for invoice in with_owing(Invoice.objects.filter(payer__isnull=True)):
        owing[invoice.patient_id] += invoice.owing
    for patient_id in sorted(owing)[:40]:
        balance = balance_of(patient_id)
        assert balance.credit == 0
        assert balance.owing == owing[patient_id]
