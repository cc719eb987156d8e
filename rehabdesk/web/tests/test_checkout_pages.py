"""The desk checks a visit out from its day or the appointment page: the check-out page
prices the visit, adds products, a discount with its reason, a payer from the
patient's coverage with a claim number, and issues the invoice in one click; a missed
visit's fee is charged or waived with a reason. Refusals are form errors, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.models import FeeWaiver, Invoice
from rehabdesk.billing.selectors import visit_billing
from rehabdesk.billing.services import invoice_for_visit, package_sell
from rehabdesk.web.tests.billing_world import arrived_today, billing_world, missed_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


def checkout_url(visit):
    return reverse("billing-checkout", args=[visit.pk])


def test_it_offers_check_out_on_the_desks_day_for_a_checked_in_visit(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    page = desk.get(reverse("desk-day"))
    assert checkout_url(visit) in page.content.decode()


def test_it_offers_check_out_on_the_appointment_page(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    page = desk.get(reverse("appointment-detail", args=[visit.pk]))
    assert checkout_url(visit) in page.content.decode()


def test_the_check_out_page_prices_the_visit_and_puts_the_look_on_file(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    before = AuditEvent.objects.count()
    page = desk.get(checkout_url(visit))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Follow-up" in text
    assert "$85.00" in text
    assert "HST exempt" in text
    assert "Knee brace" in text
    assert "Sun Life" in text
    assert "Sample Life" in text
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.summary == "check-out"


def test_it_issues_the_invoice_with_a_product_and_a_discount_and_shows_it(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    response = desk.post(
        checkout_url(visit),
        {
            "discount": "5.00",
            "discount_reason": "Returning after surgery",
            "p0-product": world.brace.pk,
            "p0-quantity": "2",
        },
    )
    invoice = Invoice.objects.get(appointment=visit)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing-invoice", args=[invoice.pk])
    # $85 − $5 exempt, plus two braces at $40 with 13 % HST ($10.40).
    assert invoice.total == Decimal("170.40")
    assert invoice.tax == Decimal("10.40")
    page = desk.get(response["Location"])
    text = page.content.decode()
    assert "Invoice 000001" in text
    assert "$170.40 owing" in text
    assert "Returning after surgery" in text


def test_a_discount_without_a_reason_is_a_form_error_and_nothing_is_issued(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    response = desk.post(checkout_url(visit), {"discount": "10.00"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Invoice.objects.exists()


def test_a_negative_discount_is_refused_by_the_form(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    response = desk.post(checkout_url(visit), {"discount": "-10", "discount_reason": "x"})
    assert response.status_code == 200
    assert "discount" in response.context["form"].errors
    assert not Invoice.objects.exists()


def test_a_wsib_visit_without_a_claim_number_is_refused_beside_the_form(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    response = desk.post(checkout_url(visit), {"payer": world.wsib.pk, "payer_share": "85.00"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Invoice.objects.exists()


def test_it_bills_the_insurer_from_the_patients_coverage_with_the_claim_number(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    coverage = world.personas.patient_a.coverages.get()
    response = desk.post(
        checkout_url(visit),
        {
            "payer": world.insurer.pk,
            "coverage": coverage.pk,
            "claim_number": "CL-778",
            "payer_share": "60.00",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(appointment=visit)
    assert (invoice.payer, invoice.coverage, invoice.claim_number) == (
        world.insurer,
        coverage,
        "CL-778",
    )
    assert invoice.patient_share == Decimal("25.00")
    text = desk.get(response["Location"]).content.decode()
    assert "Sun Life" in text
    assert "CL-778" in text


def test_a_visit_invoiced_already_opens_its_invoice(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    desk.post(checkout_url(visit), {})
    invoice = Invoice.objects.get(appointment=visit)
    response = desk.get(checkout_url(visit))
    assert response.status_code == 302
    assert response["Location"] == reverse("billing-invoice", args=[invoice.pk])


def test_the_desks_day_shows_what_an_invoiced_visit_still_owes(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    desk.post(checkout_url(visit), {})
    text = desk.get(reverse("desk-day")).content.decode()
    assert checkout_url(visit) not in text
    assert "$85.00 owing" in text


def test_a_missed_visit_shows_its_fee_to_charge_or_waive(desk, world):
    visit = missed_today(world, world.personas.patient_b)
    text = desk.get(reverse("appointment-detail", args=[visit.pk])).content.decode()
    assert "Fee due $85.00" in text
    assert reverse("billing-fee-charge", args=[visit.pk]) in text
    assert reverse("billing-fee-waive", args=[visit.pk]) in text


def test_charging_the_fee_issues_its_invoice(desk, world):
    visit = missed_today(world, world.personas.patient_b)
    response = desk.post(reverse("billing-fee-charge", args=[visit.pk]))
    invoice = Invoice.objects.get(appointment=visit)
    assert response["Location"] == reverse("billing-invoice", args=[invoice.pk])
    assert invoice.total == Decimal("85.00")


def test_waiving_the_fee_needs_a_reason(desk, world):
    visit = missed_today(world, world.personas.patient_b)
    url = reverse("billing-fee-waive", args=[visit.pk])
    assert desk.post(url, {"reason": ""}).status_code == 200
    assert not FeeWaiver.objects.exists()
    response = desk.post(url, {"reason": "Snowstorm closed the highway"})
    assert response.status_code == 302
    assert FeeWaiver.objects.get(appointment=visit).reason == "Snowstorm closed the highway"
    # Waived: charging it now is refused, as a message, not an error page.
    refused = desk.post(reverse("billing-fee-charge", args=[visit.pk]), follow=True)
    assert refused.status_code == 200
    assert not Invoice.objects.filter(appointment=visit).exists()


def test_a_practitioner_cannot_check_a_visit_out(client, world):
    visit = arrived_today(world, world.personas.patient_a)
    client.force_login(world.personas.physio.user)
    assert client.get(checkout_url(visit)).status_code == 404
    assert client.post(checkout_url(visit), {}).status_code == 404
    assert not Invoice.objects.exists()
    text = client.get(reverse("appointment-detail", args=[visit.pk])).content.decode()
    assert checkout_url(visit) not in text


def test_a_visit_drawn_from_the_patients_package_is_paid_by_it(desk, world):
    package = package_sell(
        patient=world.personas.patient_a,
        offer=world.package_offer,
        location=world.pickering,
        by=world.personas.front_desk,
        now=timezone.now(),
    )
    visit = arrived_today(world, world.personas.patient_a)
    page = desk.get(checkout_url(visit))
    assert "Five follow-ups" in page.content.decode()
    response = desk.post(checkout_url(visit), {"package": package.pk})
    assert response.status_code == 302
    invoice = Invoice.objects.get(appointment=visit)
    text = desk.get(response["Location"]).content.decode()
    assert "Paid in full" in text
    assert "package credit" in text
    account = desk.get(reverse("billing-patient", args=[world.personas.patient_a.pk]))
    assert "4 of 5 visits left" in account.content.decode()
    assert invoice.total > 0


def test_a_second_desk_checking_out_the_same_visit_is_shown_the_first_invoice(
    desk, world, monkeypatch
):
    visit = arrived_today(world, world.personas.patient_a)
    page = desk.get(checkout_url(visit))  # the second desk opened the page first
    assert page.status_code == 200
    invoice_for_visit(
        appointment=visit, by=world.personas.front_desk, now=timezone.now()
    )  # the first desk issued it meanwhile
    # The second desk's form was on screen before: the page's own check is passed by.
    monkeypatch.setattr("rehabdesk.web.staff.checkout_views._state", _not_yet(visit))
    response = desk.post(checkout_url(visit), {})
    invoice = Invoice.objects.get(appointment=visit)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing-invoice", args=[invoice.pk])


def _not_yet(visit):
    """The visit's state as the page read it on opening, then as it is."""
    calls = []

    def state(appointment):
        calls.append(appointment.pk)
        if len(calls) == 1:
            return None
        return visit_billing([appointment.pk]).get(appointment.pk)

    return state
