"""A location's business day of money: payments and refunds by method, what the drawer
and the terminal should hold, and whether the day is closed. docs/algorithms/billing.md
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from rehabdesk.billing.choices import COUNTED_METHODS, PaymentKind, PaymentMethod
from rehabdesk.billing.models import DayClose, DayCount, Payment
from rehabdesk.core.money import round_money

ZERO = Decimal("0.00")


def day_is_closed(location_id: int, business_date: date) -> bool:
    """Whether the location's day is closed: it takes no more payments or refunds."""
    return DayClose.objects.filter(location_id=location_id, business_date=business_date).exists()


@dataclass(frozen=True)
class MethodTotal:
    """One method's money on the day: payments in, refunds out, and how many of each."""

    method: str
    payments: Decimal
    refunds: Decimal
    payment_count: int
    refund_count: int

    @property
    def net(self) -> Decimal:
        return self.payments - self.refunds

    @property
    def label(self) -> str:
        return str(PaymentMethod(self.method).label)

    @property
    def counted_at_day_end(self) -> bool:
        return self.method in COUNTED_METHODS


@dataclass(frozen=True)
class DaySummary:
    """The day of a location: every method with money (the counted ones always, in
    their order, then the others), what each counted method should come to
    (`expected`: payments less refunds), and the close with its counts once closed."""

    location_id: int
    business_date: date
    methods: tuple[MethodTotal, ...]
    expected: dict[str, Decimal]
    closed: DayClose | None
    counts: tuple[DayCount, ...]

    @property
    def is_closed(self) -> bool:
        return self.closed is not None

    @property
    def payments(self) -> Decimal:
        return sum((row.payments for row in self.methods), ZERO)

    @property
    def refunds(self) -> Decimal:
        return sum((row.refunds for row in self.methods), ZERO)


def method_totals(location_id: int, business_date: date) -> dict[str, MethodTotal]:
    """Each method's payments and refunds of the location's day (one query)."""
    rows = (
        Payment.objects.filter(location_id=location_id, business_date=business_date)
        .values("method")
        .annotate(
            paid=Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)),
            refunded=Sum("amount", filter=Q(kind=PaymentKind.REFUND)),
            paid_count=Count("pk", filter=Q(kind=PaymentKind.PAYMENT)),
            refunded_count=Count("pk", filter=Q(kind=PaymentKind.REFUND)),
        )
        .order_by("method")
    )
    return {
        row["method"]: MethodTotal(
            method=row["method"],
            payments=round_money(row["paid"] or ZERO),
            refunds=round_money(row["refunded"] or ZERO),
            payment_count=row["paid_count"],
            refund_count=row["refunded_count"],
        )
        for row in rows
    }


def expected_by_method(totals: dict[str, MethodTotal]) -> dict[str, Decimal]:
    """What each counted method should come to: its payments less its refunds."""
    return {
        str(method): totals[method].net if method in totals else ZERO for method in COUNTED_METHODS
    }


def day_summary(location_id: int, business_date: date) -> DaySummary:
    """The location's day, in three queries (two while open)."""
    totals = method_totals(location_id, business_date)
    methods = [
        totals.get(str(method), MethodTotal(str(method), ZERO, ZERO, 0, 0))
        for method in COUNTED_METHODS
    ]
    methods += [total for method, total in totals.items() if method not in COUNTED_METHODS]
    closed = (
        DayClose.objects.filter(location_id=location_id, business_date=business_date)
        .select_related("closed_by")
        .first()
    )
    counts: tuple[DayCount, ...] = ()
    if closed is not None:
        order = {str(method): position for position, method in enumerate(COUNTED_METHODS)}
        counts = tuple(sorted(closed.counts.all(), key=lambda count: order.get(count.method, 99)))
    return DaySummary(
        location_id=location_id,
        business_date=business_date,
        methods=tuple(methods),
        expected=expected_by_method(totals),
        closed=closed,
        counts=counts,
    )
