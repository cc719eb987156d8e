"""Billing a third party: an insurer, the WSIB or an auto insurer takes a share of the
visit's invoice (the patient's coverage on file, the claim number), the patient the
rest."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.billing.choices import PayerKind
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import Invoice, Payer
from rehabdesk.billing.services import ThirdParty, invoice_for_visit
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world
from rehabdesk.clinic.testing import make_clinic
from rehabdesk.patients.models import Coverage

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def refusal(call) -> BillingError:
    with pytest.raises(BillingError) as caught:
        call()
    return caught.value


def coverage_of(patient) -> Coverage:
    return Coverage.objects.create(patient=patient, insurer="Sun Life", member_id="SL-1")


def test_it_bills_the_payers_share_and_leaves_the_patient_the_rest(billing):
    payer = billing.payer()
    coverage = coverage_of(billing.patient)

    invoice = invoice_for_visit(
        appointment=billing.visit(9, service=billing.massage),
        by=billing.desk,
        now=CHECK_OUT,
        third_party=ThirdParty(
            payer=payer, payer_share=D("76.84"), claim_number=" C-99 ", coverage=coverage
        ),
    )

    assert (invoice.payer, invoice.coverage, invoice.claim_number) == (payer, coverage, "C-99")
    assert (invoice.total, invoice.payer_share, invoice.patient_share) == (
        D("96.05"),
        D("76.84"),
        D("19.21"),
    )


def test_it_bills_all_of_a_wsib_visit_to_the_board_with_the_claim_number(billing):
    wsib = billing.payer("WSIB", PayerKind.WSIB)

    invoice = invoice_for_visit(
        appointment=billing.visit(9),
        by=billing.desk,
        now=CHECK_OUT,
        third_party=ThirdParty(payer=wsib, payer_share=D("85.00"), claim_number="30012345"),
    )

    assert invoice.patient_share == D("0.00")


@pytest.mark.parametrize("kind", [PayerKind.WSIB, PayerKind.AUTO])
def test_it_refuses_a_wsib_or_auto_invoice_without_its_claim_number(billing, kind):
    payer = billing.payer("Board", kind)

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=billing.visit(9),
            by=billing.desk,
            now=CHECK_OUT,
            third_party=ThirdParty(payer=payer, payer_share=D("85.00"), claim_number="  "),
        )
    )

    assert (caught.code, caught.field) == (BillingErrorCode.CLAIM_NUMBER_MISSING, "claim_number")
    assert not Invoice.objects.exists()


def test_it_refuses_a_share_above_the_total_or_below_zero(billing):
    payer = billing.payer()
    visit = billing.visit(9)

    def share(amount: str):
        return lambda: invoice_for_visit(
            appointment=visit,
            by=billing.desk,
            now=CHECK_OUT,
            third_party=ThirdParty(payer=payer, payer_share=D(amount)),
        )

    assert refusal(share("85.01")).code == BillingErrorCode.PAYER_SHARE_TOO_LARGE
    assert refusal(share("-1.00")).code == BillingErrorCode.NEGATIVE_AMOUNT
    assert not Invoice.objects.exists()


def test_it_refuses_another_patients_coverage_and_a_payer_no_longer_billed(billing):
    payer = billing.payer()
    visit = billing.visit(9)
    theirs = coverage_of(billing.other_patient)
    retired = billing.payer("Old Insurer")
    retired.active = False
    retired.save()

    def bill(party: ThirdParty):
        return lambda: invoice_for_visit(
            appointment=visit, by=billing.desk, now=CHECK_OUT, third_party=party
        )

    assert (
        refusal(bill(ThirdParty(payer=payer, payer_share=D("50.00"), coverage=theirs))).code
        == BillingErrorCode.COVERAGE_NOT_PATIENTS
    )
    assert (
        refusal(bill(ThirdParty(payer=retired, payer_share=D("50.00")))).code
        == BillingErrorCode.PAYER_INACTIVE
    )


def test_it_refuses_a_payer_another_clinic_bills(billing):
    theirs = Payer.objects.create(
        clinic=make_clinic("Other Clinic"), name="Sun Life", kind=PayerKind.EXTENDED_HEALTH
    )

    caught = refusal(
        lambda: invoice_for_visit(
            appointment=billing.visit(9),
            by=billing.desk,
            now=CHECK_OUT,
            third_party=ThirdParty(payer=theirs, payer_share=D("50.00")),
        )
    )

    assert caught.code == BillingErrorCode.PAYER_INACTIVE
    assert not Invoice.objects.exists()
