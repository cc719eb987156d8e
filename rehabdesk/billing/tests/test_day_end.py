"""Day-end: a location's day of payments by method (refunds taken off) against what the
desk counted in the drawer and on the terminal, each difference with its explanation,
and the day closed once — never a day still to come. The summary shows the same
numbers before and after."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import DayClose, DayCount
from rehabdesk.billing.selectors import day_is_closed, day_summary
from rehabdesk.billing.services import day_close, payment_record, payment_refund
from rehabdesk.billing.tests.accounts_world import NOW, build_world

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


@pytest.fixture
def world(personas):
    return build_world(personas)


@pytest.fixture
def day(world):
    """Pickering's day: $120 cash in and $20 of it given back, $85.50 debit, $40 by
    e-transfer (not counted), and $50 cash at Milton."""

    def take(amount, method, location=world.pickering, payer=None):
        return payment_record(
            patient=world.alice,
            location=location,
            amount=Decimal(amount),
            method=method,
            by=world.desk,
            now=NOW,
            payer=payer,
        )

    cash = take("100.00", PaymentMethod.CASH)
    take("20.00", PaymentMethod.CASH)
    take("85.50", PaymentMethod.DEBIT)
    take("40.00", PaymentMethod.E_TRANSFER)
    take("50.00", PaymentMethod.CASH, location=world.milton)
    payment_refund(payment=cash, amount=Decimal("20.00"), reason="Overpaid", by=world.desk, now=NOW)


def close(world, counted, **options):
    return day_close(
        location=options.pop("location", world.pickering),
        business_date=options.pop("business_date", TODAY),
        counted={method: Decimal(amount) for method, amount in counted.items()},
        by=world.desk,
        now=NOW,
        **options,
    )


def test_the_summary_shows_each_method_and_what_the_counted_ones_should_hold(world, day):
    summary = day_summary(world.pickering.pk, TODAY)
    assert summary.expected == {
        "cash": Decimal("100.00"),
        "debit": Decimal("85.50"),
        "credit_card": Decimal("0.00"),
        "cheque": Decimal("0.00"),
    }
    rows = {row.method: (row.payments, row.refunds, row.payment_count) for row in summary.methods}
    assert rows == {
        "cash": (Decimal("120.00"), Decimal("20.00"), 2),
        "debit": (Decimal("85.50"), 0, 1),
        "credit_card": (0, 0, 0),
        "cheque": (0, 0, 0),
        "e_transfer": (Decimal("40.00"), 0, 1),
    }
    assert [row.method for row in summary.methods][:4] == [
        "cash",
        "debit",
        "credit_card",
        "cheque",
    ]
    assert (summary.payments, summary.refunds) == (Decimal("245.50"), Decimal("20.00"))
    assert not summary.is_closed
    assert not day_is_closed(world.pickering.pk, TODAY)


def test_closing_records_each_counted_method_against_what_was_expected(world, day):
    closed = close(
        world,
        {"cash": "95.00", "debit": "85.50"},
        notes={"cash": "Gave $5 change twice"},
        note="Busy day",
    )
    counts = {c.method: (c.expected, c.counted, c.difference, c.note) for c in closed.counts.all()}
    assert counts == {
        "cash": (Decimal("100.00"), Decimal("95.00"), Decimal("-5.00"), "Gave $5 change twice"),
        "debit": (Decimal("85.50"), Decimal("85.50"), 0, ""),
        "credit_card": (0, 0, 0, ""),
        "cheque": (0, 0, 0, ""),
    }
    assert (closed.business_date, closed.closed_by_id, closed.note) == (
        TODAY,
        world.desk.pk,
        "Busy day",
    )
    assert day_is_closed(world.pickering.pk, TODAY)
    assert not day_is_closed(world.milton.pk, TODAY)
    summary = day_summary(world.pickering.pk, TODAY)
    assert summary.is_closed
    assert [c.method for c in summary.counts] == ["cash", "debit", "credit_card", "cheque"]
    event = AuditEvent.objects.get(object_type="billing.dayclose", object_id=str(closed.pk))
    assert (event.action, event.location_id) == ("create", world.pickering.pk)


def test_a_difference_nobody_explained_is_refused_and_nothing_written(world, day):
    with pytest.raises(BillingError) as caught:
        close(world, {"cash": "100.00", "debit": "80.00"})
    assert (caught.value.code, caught.value.field) == (
        BillingErrorCode.REASON_MISSING,
        "note_debit",
    )
    assert not DayClose.objects.exists()
    assert not DayCount.objects.exists()


def test_the_days_note_explains_any_difference(world, day):
    closed = close(world, {}, note="Terminal batch sent tomorrow; drawer taken to the bank")
    assert closed.counts.get(method="cash").difference == Decimal("-100.00")


def test_a_day_closes_once(world, day):
    close(world, {"cash": "100.00", "debit": "85.50"})
    with pytest.raises(BillingError) as caught:
        close(world, {"cash": "100.00", "debit": "85.50"})
    assert caught.value.code == BillingErrorCode.DAY_ALREADY_CLOSED
    assert DayClose.objects.count() == 1


def test_a_day_to_come_cannot_be_closed_but_a_past_one_can(world):
    with pytest.raises(BillingError) as caught:
        close(world, {}, business_date=TODAY + timedelta(days=1))
    assert caught.value.code == BillingErrorCode.DAY_IN_FUTURE
    assert close(world, {}, business_date=TODAY - timedelta(days=30)).business_date < TODAY


@pytest.mark.parametrize(
    ("counted", "code", "field"),
    [
        ({"cash": "-1.00"}, BillingErrorCode.NEGATIVE_AMOUNT, "counted_cash"),
        ({"cash": "1.005"}, BillingErrorCode.INVALID, "counted_cash"),
        ({"cash": "NaN"}, BillingErrorCode.INVALID, "counted_cash"),
        ({"e_transfer": "40.00"}, BillingErrorCode.INVALID, "counted_e_transfer"),
        ({"coins": "1.00"}, BillingErrorCode.INVALID, "counted_coins"),
    ],
)
def test_it_refuses_counts_that_are_not_money_or_not_counted(world, counted, code, field):
    with pytest.raises(BillingError) as caught:
        close(world, counted, note="explained")
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not DayClose.objects.exists()


def test_it_refuses_notes_too_long(world):
    with pytest.raises(BillingError) as caught:
        close(world, {}, notes={"cash": "x" * 201})
    assert (caught.value.code, caught.value.field) == (BillingErrorCode.INVALID, "note_cash")


def test_the_summary_is_read_in_a_fixed_number_of_queries(world, day, django_assert_num_queries):
    with django_assert_num_queries(2):
        day_summary(world.pickering.pk, TODAY)
    close(world, {"cash": "100.00", "debit": "85.50"})
    with django_assert_num_queries(3):
        day_summary(world.pickering.pk, TODAY)
    with django_assert_num_queries(1):
        day_is_closed(world.pickering.pk, TODAY)
