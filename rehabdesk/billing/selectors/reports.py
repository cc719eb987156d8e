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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When

from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentMethod
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    PaymentAllocation,
)
from rehabdesk.clinic.models import Location
from rehabdesk.core.money import round_money
from rehabdesk.core.sql import instant_param, select

ZERO = Decimal("0.00")
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


def _dimension(by: str, line: str) -> dict[str, Any]:
    """The GROUP BY of a breakdown by line: a key and a label, read from the invoice
    line (reached through `line`, "" for invoice lines themselves)."""
    fields = {
        "practitioner": (f"{line}practitioner_id", f"{line}practitioner__display_name"),
        "discipline": (f"{line}service__discipline_id", f"{line}service__discipline__name"),
        "service": (f"{line}service_id", f"{line}service__name"),
    }[by]
    return {"key": F(fields[0]), "label": F(fields[1])}


def _month_of(months: list[date], zone: ZoneInfo, issued: str) -> Case:
    """Which of `months` an instant falls in, as its index: a comparison with each
    month's first instant, cheaper than converting every row's time to local time."""
    return Case(
        *(
            When(**{f"{issued}__lt": local_midnight(month, zone)}, then=Value(index - 1))
            for index, month in enumerate(months[1:], start=1)
        ),
        default=Value(len(months) - 1),
        output_field=IntegerField(),
    )


def _grouped(by: str, period: Period, scope: Scope) -> list[tuple[int, Any]]:
    """(column, rows of key, label and total): what was invoiced (0) and credited (1).
    By month or location the invoices' own totals (the sum of their lines) are read,
    with no join to the lines; a package's invoice holds its package line alone."""
    if by in ("month", "location"):
        months = months_of(period)
        invoiced_key: dict[str, Any] = (
            {"key": _month_of(months, scope.zone, "issued_at")}
            if by == "month"
            else {"key": F("location_id"), "label": F("location__name")}
        )
        credited_key: dict[str, Any] = (
            {"key": _month_of(months, scope.zone, "issued_at")}
            if by == "month"
            else {"key": F("invoice__location_id"), "label": F("invoice__location__name")}
        )
        invoiced: Any = (
            Invoice.objects.filter(within(scope, period, instant="issued_at", location="location"))
            .exclude(purpose=InvoicePurpose.PACKAGE)
            .values(**invoiced_key)
            .annotate(total=Sum(F("subtotal") - F("discount")))
        )
        credited: Any = (
            CreditNote.objects.filter(
                within(scope, period, instant="issued_at", location="invoice__location")
            )
            .exclude(invoice__purpose=InvoicePurpose.PACKAGE)
            .values(**credited_key)
            .annotate(total=Sum("amount"))
        )
    else:
        invoiced = (
            InvoiceLine.objects.filter(
                within(scope, period, instant="invoice__issued_at", location="invoice__location")
            )
            .exclude(kind=LineKind.PACKAGE)
            .values(**_dimension(by, ""))
            .annotate(total=Sum("amount"))
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
            .values(**_dimension(by, "invoice_line__"))
            .annotate(total=Sum("amount"))
        )
    return [(0, invoiced.order_by()), (1, credited.order_by())]


def revenue(*, period: Period, by: str, scope: Scope) -> Revenue:
    """Revenue before tax in `period`, broken down `by` one of REVENUE_DIMENSIONS (two
    GROUP BY queries: what was invoiced, what was credited)."""
    if by not in REVENUE_DIMENSIONS:
        raise ValueError(by)
    sums: dict[object, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    labels: dict[object, str] = {}
    for column, grouped in _grouped(by, period, scope):
        for row in grouped:
            key = row["key"]
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


def _by_month(period: Period, sums: dict[object, list[Decimal]]) -> list[RevenueRow]:
    """Every month of the period, in order, the empty ones too (a chart's gaps)."""
    return [
        RevenueRow(
            key=month.strftime("%Y-%m"),
            label=month.strftime("%b %Y"),
            invoiced=round_money(sums.get(index, [ZERO, ZERO])[0]),
            credited=round_money(sums.get(index, [ZERO, ZERO])[1]),
        )
        for index, month in enumerate(months_of(period))
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


def _prepaid_invoices() -> QuerySet[Any]:
    """Invoices paid (in part) with a package's credit: their visit line's tax was
    charged when the package was sold."""
    return PaymentAllocation.objects.filter(payment__method=PaymentMethod.PACKAGE_CREDIT).values(
        "invoice_id"
    )


def _by_rate(lines: QuerySet[Any], prefix: str = "") -> list[dict[str, Any]]:
    return list(
        lines.values(rate_name=F(f"{prefix}tax_name"), rate_percent=F(f"{prefix}tax_percent"))
        .annotate(sales=Sum("amount"), tax=Sum("tax"))
        .order_by()
    )


def tax_collected(*, period: Period, scope: Scope) -> TaxReport:
    """Tax charged in `period` less tax credited in it, by tax and rate (four GROUP BY
    queries: lines charged and credited, and the prepaid visits' among them, taken off
    — cheaper than asking of every line whether a package paid it)."""
    charged = InvoiceLine.objects.filter(
        within(scope, period, instant="invoice__issued_at", location="invoice__location")
    )
    credited = CreditNoteLine.objects.filter(
        within(
            scope,
            period,
            instant="credit_note__issued_at",
            location="invoice_line__invoice__location",
        )
    )
    prepaid = _prepaid_invoices()
    sums: dict[tuple[str, Decimal], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    parts = [
        (1, 1, _by_rate(charged)),
        (-1, -1, _by_rate(charged.filter(kind=LineKind.SERVICE, invoice_id__in=prepaid))),
        (-1, 2, _by_rate(credited, "invoice_line__")),
        (
            1,
            -2,
            _by_rate(
                credited.filter(
                    invoice_line__kind=LineKind.SERVICE, invoice_line__invoice_id__in=prepaid
                ),
                "invoice_line__",
            ),
        ),
    ]
    for sales_sign, tax_column, grouped in parts:
        for row in grouped:
            money = sums[_rate(row)]
            money[0] += sales_sign * (row["sales"] or ZERO)
            column = abs(tax_column)
            money[column] += (1 if tax_column > 0 else -1) * (row["tax"] or ZERO)
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
        if any(round_money(figure) for figure in money)
    ]
    return TaxReport(rows=rows)


def _rate(row: Mapping[str, Any]) -> tuple[str, Decimal]:
    name = str(row["rate_name"] or "")
    percent = Decimal(str(row["rate_percent"] or 0)).quantize(Decimal("0.01"))
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


# What `owing.py` defines (total − credit notes − allocations), and the payer's part of
# it, for every invoice at once: each sum grouped once and joined, rather than a
# correlated subquery per invoice (on the ten-location bench, 127,000 invoices, on a
# busy two-core machine: 3.4 s against 0.6–1.2 s).
# test_report_receivables checks the two agree.
_AGED = """
WITH moves AS (
    SELECT id AS invoice_id, total AS owing,
           CASE WHEN payer_id IS NULL THEN 0 ELSE payer_share END AS payer
    FROM billing_invoice WHERE location_id IN %s AND issued_at < %s
    UNION ALL
    SELECT invoice_id, -total, -payer_share FROM billing_creditnote
    UNION ALL
    SELECT a.invoice_id, -a.amount, CASE WHEN p.payer_id IS NULL THEN 0 ELSE -a.amount END
    FROM billing_paymentallocation a JOIN billing_payment p ON p.id = a.payment_id
), owed AS (
    SELECT invoice_id, ROUND(SUM(owing), 2) AS owing, SUM(payer) AS payer
    FROM moves GROUP BY invoice_id HAVING ROUND(SUM(owing), 2) > 0
)
SELECT CASE WHEN i.issued_at >= %s THEN 0 WHEN i.issued_at >= %s THEN 1
            WHEN i.issued_at >= %s THEN 2 ELSE 3 END AS bucket,
       COUNT(*), SUM(o.owing), SUM(o.payer)
FROM owed o JOIN billing_invoice i ON i.id = o.invoice_id
WHERE i.location_id IN %s AND i.issued_at < %s
GROUP BY 1
"""


def receivables(*, on: date, scope: Scope) -> Receivables:
    """What is owed on invoices issued up to `on`, by age from the invoice's date (one
    query). The payer's share owing is its share less what credit notes took off it and
    less the payer's payments; the patient's is the rest of what is owed.

    Each invoice's total, its credit notes and the money allocated to it are read as
    one list of signed amounts and summed in one grouping, rather than each grouped on
    its own and joined: on SQLite that halves the time over a year of ten locations'
    invoices (bench `report-receivables-year`), where nearly every invoice sums to 0."""
    zone = scope.zone
    day_after = local_midnight(on + timedelta(days=1), zone)
    edges = [local_midnight(on - timedelta(days=days), zone) for days in (30, 60, 90)]
    scoped = [list(scope.location_ids), instant_param(day_after)]
    rows = select(_AGED, [*scoped, *map(instant_param, edges), *scoped])
    found = {
        int(bucket): {"invoices": count, "owing": owing, "payer": payer}
        for bucket, count, owing, payer in rows
    }
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
    advance, shown beside revenue, never in it (a package's invoice holds its package
    line alone)."""
    sold = Invoice.objects.filter(
        within(scope, period, instant="issued_at", location="location"),
        purpose=InvoicePurpose.PACKAGE,
    ).aggregate(total=Sum(F("subtotal") - F("discount")))["total"]
    credited = CreditNote.objects.filter(
        within(scope, period, instant="issued_at", location="invoice__location"),
        invoice__purpose=InvoicePurpose.PACKAGE,
    ).aggregate(total=Sum("amount"))["total"]
    return round_money((sold or ZERO) - (credited or ZERO))
