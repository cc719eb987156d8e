"""The money reports a manager reads every month, each computed by the database: a few
GROUP BY queries whatever the number of invoices, never a loop over rows in Python.
docs/algorithms/billing.md, "Reports".

- Revenue (before tax) by month, location, practitioner, discipline or service:
  invoice lines issued in the period less credit-note lines issued in it. A package
  sold is money taken in advance, not revenue: its visits count when they are given
  (the visit invoices a package pays), so a package's price is never counted twice.
- HST for a period, by tax and rate: the tax charged on lines issued in it less the
  tax of credit notes issued in it (the line a bookkeeper files). A visit drawn from a
  package had its tax charged when the package was sold, so its line is left out.
- Receivables aged 0–30, 31–60, 61–90 and over 90 days from the invoice's date, what is
  still owed today (`owing.py`, the one definition), split into the patient's and the
  payer's shares.

Days are the clinic's: the local dates of the locations' zone. No patient is named in
any report, and nothing clinical is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentMethod
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    PaymentAllocation,
)
from rehabdesk.billing.selectors.owing import with_owing
from rehabdesk.clinic.models import Location
from rehabdesk.core.money import round_money

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)
DEFAULT_ZONE = ZoneInfo("America/Toronto")


@dataclass(frozen=True)
class Period:
    """Local days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Scope:
    """Which locations a report covers (all when none are named) and their zone."""

    location_ids: tuple[int, ...]
    zones: dict[str, tuple[int, ...]]  # zone name -> its locations

    @property
    def zone(self) -> ZoneInfo:
        """The zone months and ages are counted in: the locations' (Ontario clinics
        share one); with several, the first by name."""
        return ZoneInfo(min(self.zones)) if self.zones else DEFAULT_ZONE


def report_locations() -> list[Location]:
    """Every location a report may be asked for, open or not, by name."""
    return list(Location.objects.order_by("name", "pk"))


def report_scope(*, location_ids: Collection[int] | None = None) -> Scope:
    """The locations a report covers, grouped by zone (one small query)."""
    locations = Location.objects.order_by("pk")
    if location_ids:
        locations = locations.filter(pk__in=list(location_ids))
    zones: dict[str, list[int]] = defaultdict(list)
    for pk, zone in locations.values_list("pk", "time_zone"):
        zones[zone].append(pk)
    ids = tuple(pk for group in zones.values() for pk in group)
    return Scope(location_ids=ids, zones={zone: tuple(pks) for zone, pks in zones.items()})


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def within(scope: Scope, period: Period, *, instant: str, location: str) -> Q:
    """Rows whose `instant` falls on a day of `period` at their `location`, each zone's
    days from its own midnights (an index range per zone)."""
    condition = Q(pk__in=[])
    for zone_name, ids in scope.zones.items():
        zone = ZoneInfo(zone_name)
        condition |= Q(
            **{
                f"{location}__in": ids,
                f"{instant}__gte": local_midnight(period.first, zone),
                f"{instant}__lt": local_midnight(period.last + timedelta(days=1), zone),
            }
        )
    return condition


def months_of(period: Period) -> list[date]:
    """The first day of each month the period touches."""
    month, months = period.first.replace(day=1), []
    while month <= period.last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


# -- revenue -------------------------------------------------------------------------------

REVENUE_DIMENSIONS = ("month", "location", "practitioner", "discipline", "service")
NOT_A_VISIT = "Products and other sales"


@dataclass(frozen=True)
class RevenueRow:
    key: str
    label: str
    invoiced: Decimal
    credited: Decimal

    @property
    def net(self) -> Decimal:
        return self.invoiced - self.credited


@dataclass(frozen=True)
class Revenue:
    by: str
    rows: list[RevenueRow]

    @property
    def invoiced(self) -> Decimal:
        return sum((row.invoiced for row in self.rows), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((row.credited for row in self.rows), ZERO)

    @property
    def net(self) -> Decimal:
        return self.invoiced - self.credited


def _dimension(by: str, line: str, zone: ZoneInfo, issued: str) -> dict[str, Any]:
    """The GROUP BY of a revenue breakdown: a key and a label, read from the invoice
    line (reached through `line`, "" for invoice lines themselves)."""
    if by == "month":
        return {"key": TruncMonth(issued, tzinfo=zone)}
    fields = {
        "location": (f"{line}invoice__location_id", f"{line}invoice__location__name"),
        "practitioner": (f"{line}practitioner_id", f"{line}practitioner__display_name"),
        "discipline": (f"{line}service__discipline_id", f"{line}service__discipline__name"),
        "service": (f"{line}service_id", f"{line}service__name"),
    }[by]
    return {"key": F(fields[0]), "label": F(fields[1])}


def revenue(*, period: Period, by: str, scope: Scope) -> Revenue:
    """Revenue before tax in `period`, broken down `by` one of REVENUE_DIMENSIONS (two
    GROUP BY queries: the lines invoiced, the lines credited)."""
    if by not in REVENUE_DIMENSIONS:
        raise ValueError(by)
    zone = scope.zone
    invoiced = (
        InvoiceLine.objects.filter(
            within(scope, period, instant="invoice__issued_at", location="invoice__location")
        )
        .exclude(kind=LineKind.PACKAGE)
        .values(**_dimension(by, "", zone, "invoice__issued_at"))
        .annotate(total=Sum("amount"))
        .order_by()
    )
    credited = (
        CreditNoteLine.objects.filter(
            within(
                scope,
                period,
                instant="credit_note__issued_at",
                location="invoice_line__invoice__location",
            )
        )
        .exclude(invoice_line__kind=LineKind.PACKAGE)
        .values(**_dimension(by, "invoice_line__", zone, "credit_note__issued_at"))
        .annotate(total=Sum("amount"))
        .order_by()
    )
    sums: dict[object, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    labels: dict[object, str] = {}
    found: list[tuple[int, Iterable[Mapping[str, Any]]]] = [(0, invoiced), (1, credited)]
    for column, grouped in found:
        for row in grouped:
            key = _month_key(row["key"], zone) if by == "month" else row["key"]
            sums[key][column] += row["total"] or ZERO
            labels.setdefault(key, str(row.get("label") or NOT_A_VISIT))
    if by == "month":
        return Revenue(by=by, rows=_by_month(period, sums))
    rows = [
        RevenueRow(
            key=str(key or ""),
            label=labels[key],
            invoiced=round_money(money[0]),
            credited=round_money(money[1]),
        )
        for key, money in sums.items()
    ]
    rows.sort(key=lambda row: (-row.net, row.label))
    return Revenue(by=by, rows=rows)


def _month_key(value: object, zone: ZoneInfo) -> date:
    """TruncMonth gives an aware datetime on PostgreSQL and SQLite alike; its local
    date is the month's first day."""
    if isinstance(value, datetime):
        return value.astimezone(zone).date().replace(day=1)
    assert isinstance(value, date)  # noqa: S101 - a date field truncated
    return value.replace(day=1)


def _by_month(period: Period, sums: dict[object, list[Decimal]]) -> list[RevenueRow]:
    """Every month of the period, in order, the empty ones too (a chart's gaps)."""
    return [
        RevenueRow(
            key=month.strftime("%Y-%m"),
            label=month.strftime("%b %Y"),
            invoiced=round_money(sums.get(month, [ZERO, ZERO])[0]),
            credited=round_money(sums.get(month, [ZERO, ZERO])[1]),
        )
        for month in months_of(period)
    ]


# -- HST -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxRow:
    label: str  # "HST 13%", or "No tax" for exempt and zero-rated supplies
    sales: Decimal  # before tax, net of credit notes
    charged: Decimal
    credited: Decimal

    @property
    def net(self) -> Decimal:
        return self.charged - self.credited


@dataclass(frozen=True)
class TaxReport:
    rows: list[TaxRow]

    @property
    def charged(self) -> Decimal:
        return sum((row.charged for row in self.rows), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((row.credited for row in self.rows), ZERO)

    @property
    def net(self) -> Decimal:
        return self.charged - self.credited


def _drawn_from_package(invoice: str) -> Exists:
    """The invoice was paid (in part) with a package's credit: its visit line's tax was
    charged when the package was sold."""
    return Exists(
        PaymentAllocation.objects.filter(
            invoice=OuterRef(invoice), payment__method=PaymentMethod.PACKAGE_CREDIT
        )
    )


def tax_collected(*, period: Period, scope: Scope) -> TaxReport:
    """Tax charged in `period` less tax credited in it, by tax and rate (two queries)."""
    charged = (
        InvoiceLine.objects.filter(
            within(scope, period, instant="invoice__issued_at", location="invoice__location")
        )
        .annotate(prepaid=_drawn_from_package("invoice"))
        .exclude(kind=LineKind.SERVICE, prepaid=True)
        .values("tax_name", "tax_percent")
        .annotate(sales=Sum("amount"), tax=Sum("tax"))
        .order_by()
    )
    credited = (
        CreditNoteLine.objects.filter(
            within(
                scope,
                period,
                instant="credit_note__issued_at",
                location="invoice_line__invoice__location",
            )
        )
        .annotate(prepaid=_drawn_from_package("invoice_line__invoice"))
        .exclude(invoice_line__kind=LineKind.SERVICE, prepaid=True)
        .values(tax_name=F("invoice_line__tax_name"), tax_percent=F("invoice_line__tax_percent"))
        .annotate(sales=Sum("amount"), tax=Sum("tax"))
        .order_by()
    )
    sums: dict[tuple[str, Decimal], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for row in charged:
        money = sums[_rate(row)]
        money[0] += row["sales"] or ZERO
        money[1] += row["tax"] or ZERO
    for row in credited:
        money = sums[_rate(row)]
        money[0] -= row["sales"] or ZERO
        money[2] += row["tax"] or ZERO
    rows = [
        TaxRow(
            label=f"{name} {percent.normalize():f}%" if name else "No tax",
            sales=round_money(money[0]),
            charged=round_money(money[1]),
            credited=round_money(money[2]),
        )
        for (name, percent), money in sorted(
            sums.items(), key=lambda item: (not item[0][0], item[0])
        )
    ]
    return TaxReport(rows=rows)


def _rate(row: Mapping[str, Any]) -> tuple[str, Decimal]:
    name = str(row["tax_name"] or "")
    percent = Decimal(str(row["tax_percent"] or 0)).quantize(Decimal("0.01"))
    return (name, percent if name else ZERO)


# -- receivables ---------------------------------------------------------------------------

AGE_BUCKETS = ("0–30 days", "31–60 days", "61–90 days", "Over 90 days")


@dataclass(frozen=True)
class AgedRow:
    label: str
    invoices: int
    patient: Decimal
    payer: Decimal

    @property
    def owing(self) -> Decimal:
        return self.patient + self.payer


@dataclass(frozen=True)
class Receivables:
    on: date
    rows: list[AgedRow]

    @property
    def invoices(self) -> int:
        return sum(row.invoices for row in self.rows)

    @property
    def patient(self) -> Decimal:
        return sum((row.patient for row in self.rows), ZERO)

    @property
    def payer(self) -> Decimal:
        return sum((row.payer for row in self.rows), ZERO)

    @property
    def owing(self) -> Decimal:
        return self.patient + self.payer


def _summed(rows: QuerySet[Any], field: str) -> Coalesce:
    per_invoice = rows.values("invoice").annotate(s=Sum(field)).values("s")[:1]
    return Coalesce(Subquery(per_invoice, output_field=_MONEY), Value(ZERO, output_field=_MONEY))


def receivables(*, on: date, scope: Scope) -> Receivables:
    """What is owed on invoices issued up to `on`, by age from the invoice's date (one
    query). The payer's share owing is its share less what credit notes took off it and
    less the payer's payments; the patient's is the rest of what is owed."""
    zone = scope.zone
    day_after = local_midnight(on + timedelta(days=1), zone)
    payer_credited = _summed(CreditNote.objects.filter(invoice=OuterRef("pk")), "payer_share")
    payer_paid = _summed(
        PaymentAllocation.objects.filter(invoice=OuterRef("pk"), payment__payer__isnull=False),
        "amount",
    )
    edges = [local_midnight(on - timedelta(days=days), zone) for days in (30, 60, 90)]
    rows = (
        with_owing(
            Invoice.objects.filter(location_id__in=scope.location_ids, issued_at__lt=day_after)
        )
        .filter(owing__gt=0)
        .annotate(
            payer_owing=Case(
                When(payer__isnull=True, then=Value(ZERO, output_field=_MONEY)),
                default=F("payer_share") - payer_credited - payer_paid,
                output_field=_MONEY,
            ),
            bucket=Case(
                When(issued_at__gte=edges[0], then=Value(0)),
                When(issued_at__gte=edges[1], then=Value(1)),
                When(issued_at__gte=edges[2], then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .values("bucket")
        .annotate(invoices=Count("pk"), owing=Sum("owing"), payer=Sum("payer_owing"))
        .order_by()
    )
    found = {row["bucket"]: row for row in rows}
    return Receivables(on=on, rows=[_aged(index, found.get(index)) for index in range(4)])


def _aged(index: int, row: dict[str, object] | None) -> AgedRow:
    if row is None:
        return AgedRow(label=AGE_BUCKETS[index], invoices=0, patient=ZERO, payer=ZERO)
    owing = round_money(Decimal(str(row["owing"] or 0)))
    payer = round_money(Decimal(str(row["payer"] or 0)))
    return AgedRow(
        label=AGE_BUCKETS[index],
        invoices=int(str(row["invoices"])),
        patient=owing - payer,
        payer=payer,
    )


def package_sales(*, period: Period, scope: Scope) -> Decimal:
    """Money invoiced for packages sold in the period, before tax, less credits: taken in
    advance, shown beside revenue, never in it."""
    sold = InvoiceLine.objects.filter(
        within(scope, period, instant="invoice__issued_at", location="invoice__location"),
        kind=LineKind.PACKAGE,
        invoice__purpose=InvoicePurpose.PACKAGE,
    ).aggregate(total=Sum("amount"))["total"]
    credited = CreditNoteLine.objects.filter(
        within(
            scope,
            period,
            instant="credit_note__issued_at",
            location="invoice_line__invoice__location",
        ),
        invoice_line__kind=LineKind.PACKAGE,
    ).aggregate(total=Sum("amount"))["total"]
    return round_money((sold or ZERO) - (credited or ZERO))
