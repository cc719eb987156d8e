"""Day-end: a location's day of payments by method against what the desk counted; a
difference needs its note; the closed day shows read-only and takes no more payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.billing.models import DayClose, Invoice, Payment
from rehabdesk.web.tests.billing_world import arrived_today, billing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


def day_end_url(world, day=None):
    day = day or timezone.now().astimezone(world.pickering.zone).date()
    return f"{reverse('billing-day-end')}?location={world.pickering.slug}&day={day.isoformat()}"


def counted(cash="0.00", debit="0.00", card="0.00", cheque="0.00", **more):
    return {
        "counted_cash": cash,
        "counted_debit": debit,
        "counted_credit_card": card,
        "counted_cheque": cheque,
        **more,
    }


@pytest.fixture
def paid_in_cash(desk, world):
    visit = arrived_today(world, world.personas.patient_a)
    desk.post(reverse("billing-checkout", args=[visit.pk]), {})
    invoice = Invoice.objects.get(appointment=visit)
    desk.post(
        reverse("billing-payment-new", args=[invoice.patient_id]),
        {
            "invoice": invoice.pk,
            "location": world.pickering.pk,
            "method": "cash",
            "amount": "85.00",
        },
    )
    return invoice


def test_the_day_end_expects_the_days_cash(desk, world, paid_in_cash):
    page = desk.get(day_end_url(world))
    assert page.status_code == 200
    rows = {row.label: row.expected for row in page.context["rows"]}
    assert rows["Cash"] == Decimal("85.00")
    assert rows["Debit"] == Decimal("0.00")


def test_closing_the_day_shows_it_read_only_and_refuses_more_payments(desk, world, paid_in_cash):
    response = desk.post(day_end_url(world), counted(cash="85.00"))
    assert response.status_code == 302
    close = DayClose.objects.get()
    assert close.location_id == world.pickering.pk
    page = desk.get(day_end_url(world))
    assert page.context["form"] is None
    assert "takes no more payments" in page.content.decode()
    # A payment dated on the closed day: refused beside the form, not a 500.
    refused = desk.post(
        reverse("billing-payment-new", args=[world.personas.patient_a.pk]),
        {"location": world.pickering.pk, "method": "cash", "amount": "10.00"},
    )
    assert refused.status_code != 500
    assert refused.context["form"].errors
    assert Payment.objects.count() == 1


def test_a_difference_without_a_note_is_refused_then_recorded_with_one(desk, world, paid_in_cash):
    refused = desk.post(day_end_url(world), counted(cash="80.00"))
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert not DayClose.objects.exists()
    done = desk.post(
        day_end_url(world), counted(cash="80.00", note_cash="Five dollars short, gave change")
    )
    assert done.status_code == 302
    (count,) = [c for c in DayClose.objects.get().counts.all() if c.method == "cash"]
    assert (count.expected, count.counted, count.difference) == (
        Decimal("85.00"),
        Decimal("80.00"),
        Decimal("-5.00"),
    )
    assert "Five dollars short" in desk.get(day_end_url(world)).content.decode()


def test_a_negative_count_is_a_form_error(desk, world):
    response = desk.post(day_end_url(world), counted(cash="-1"))
    assert response.status_code == 200
    assert "counted_cash" in response.context["form"].errors
    assert not DayClose.objects.exists()


def test_a_day_to_come_cannot_be_closed(desk, world):
    # A fixed day: today's date moved to 2199 was no date at all on a February 29.
    to_come = date(2199, 1, 1)
    page = desk.get(day_end_url(world, to_come))
    assert page.status_code == 200
    assert page.context["form"] is None
    desk.post(day_end_url(world, to_come), counted())
    assert not DayClose.objects.exists()


def test_a_nonsense_day_or_location_is_no_error_page(desk, world):
    assert desk.get(reverse("billing-day-end") + "?day=not-a-day").status_code == 200
    assert desk.get(reverse("billing-day-end") + "?location=nowhere").status_code == 404


def test_practitioners_and_patients_have_no_day_end(client, world):
    for persona in ("physio", "patient_a"):
        client.force_login(world.personas.user(persona))
        assert client.get(reverse("billing-day-end")).status_code == 404
