"""Each report as tables to show and export, with its chart: the selectors' figures
(billing/selectors/reports.py, report_visits.py) laid out, formatted once for the page
and once, plain, for the CSV. Counts, minutes and money only: no patient is named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.safestring import SafeString, mark_safe

from rehabdesk.billing.selectors.report_visits import attendance, new_patients, utilization
from rehabdesk.billing.selectors.reports import (
    Period,
    Scope,
    package_sales,
    receivables,
    revenue,
    tax_collected,
)
from rehabdesk.core.money import format_money
from rehabdesk.web.charts import Bar, bar_chart


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"
    COUNT = "count"
    PERCENT = "percent"
    HOURS = "hours"  # minutes, shown as hours


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[Column, ...]
    rows: list[list[object]]
    total: list[object] | None = None

    def shown(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells as the page writes them, and whether each is a number."""
        return [_cells(self.columns, row) for row in self.rows]

    def shown_total(self) -> list[tuple[str, bool]] | None:
        return None if self.total is None else _cells(self.columns, self.total)


@dataclass(frozen=True)
class Request:
    """What the manager asked for: the period (receivables: owed on its last day), the
    locations, and revenue's breakdown."""

    period: Period
    scope: Scope
    by: str = "month"


@dataclass(frozen=True)
class Report:
    title: str
    intro: str
    tables: list[Table]
    chart: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308
    note: str = ""


def text(kind: Kind, value: object) -> str:
    """A cell as the page shows it."""
    if value is None:
        return "—"
    if kind is Kind.MONEY:
        return format_money(Decimal(str(value)))
    if kind is Kind.PERCENT:
        return f"{value}%"
    if kind is Kind.HOURS:
        return f"{Decimal(str(value)) / 60:,.1f}"
    if kind is Kind.COUNT:
        return f"{value:,}"
    return str(value)


def plain(kind: Kind, value: object) -> str:
    """A cell as the CSV writes it: numbers without symbols or separators."""
    if value is None:
        return ""
    if kind is Kind.HOURS:
        return f"{Decimal(str(value)) / 60:.2f}"
    return str(value)


def _cells(columns: Sequence[Column], row: Sequence[object]) -> list[tuple[str, bool]]:
    return [
        (text(column.kind, value), column.kind is not Kind.TEXT)
        for column, value in zip(columns, row, strict=True)
    ]


def _revenue(asked: Request) -> Report:
    report = revenue(period=asked.period, by=asked.by, scope=asked.scope)
    heading = {
        "month": "Month",
        "location": "Location",
        "practitioner": "Practitioner",
        "discipline": "Discipline",
        "service": "Service",
    }[asked.by]
    money = Kind.MONEY
    table = Table(
        caption=f"Revenue by {heading.lower()}",
        columns=(
            Column(heading),
            Column("Invoiced", money),
            Column("Credited", money),
            Column("Net", money),
        ),
        rows=[[row.label, row.invoiced, row.credited, row.net] for row in report.rows],
        total=["Total", report.invoiced, report.credited, report.net],
    )
    chart = bar_chart(
        chart_id="revenue-chart",
        title=f"Net revenue by {heading.lower()}",
        description=f"Bars of net revenue before tax, one per {heading.lower()}; "
        "the table below gives the figures.",
        bars=[Bar(row.label, row.net, format_money(row.net)) for row in report.rows],
    )
    sold = package_sales(period=asked.period, scope=asked.scope)
    return Report(
        title="Revenue",
        intro="Before tax: what was invoiced in the period less the credit notes issued in "
        "it. A package's visits count when they are given, not when it is sold.",
        tables=[table],
        chart=chart,
        note="Packages sold in the period (paid in advance, not in revenue): "
        f"{format_money(sold)}.",
    )


def _hst(asked: Request) -> Report:
    report = tax_collected(period=asked.period, scope=asked.scope)
    money = Kind.MONEY
    table = Table(
        caption="Tax collected by rate",
        columns=(
            Column("Tax"),
            Column("Sales before tax", money),
            Column("Tax charged", money),
            Column("Tax credited", money),
            Column("Net tax", money),
        ),
        rows=[[r.label, r.sales, r.charged, r.credited, r.net] for r in report.rows],
        total=[
            "Total",
            sum((r.sales for r in report.rows), Decimal("0.00")),
            report.charged,
            report.credited,
            report.net,
        ],
    )
    return Report(
        title="HST collected",
        intro="Tax charged on invoices issued in the period less tax given back by credit "
        "notes issued in it: the net tax is the figure the return asks for. A visit paid "
        "from a package is left out: its tax was charged when the package was sold.",
        tables=[table],
    )


def _receivables(asked: Request) -> Report:
    on = asked.period.last
    report = receivables(on=on, scope=asked.scope)
    money = Kind.MONEY
    table = Table(
        caption=f"Owed on {on:%b} {on.day}, {on.year}, by age",
        columns=(
            Column("Age"),
            Column("Invoices", Kind.COUNT),
            Column("Patients owe", money),
            Column("Payers owe", money),
            Column("Total owed", money),
        ),
        rows=[[r.label, r.invoices, r.patient, r.payer, r.owing] for r in report.rows],
        total=["Total", report.invoices, report.patient, report.payer, report.owing],
    )
    chart = bar_chart(
        chart_id="receivables-chart",
        title="Money owed by age",
        description="Bars of the total owed in each age band, youngest first; the table "
        "below splits it between patients and payers.",
        bars=[Bar(r.label, r.owing, format_money(r.owing)) for r in report.rows],
    )
    return Report(
        title="Receivables",
        intro=f"What is still owed on invoices issued up to {on:%b} {on.day}, {on.year} (the "
        "period's last day), by the invoice's age in days; the payer's share apart.",
        tables=[table],
        chart=chart,
    )


def _utilization(asked: Request) -> Report:
    report = utilization(period=asked.period, scope=asked.scope)
    columns = (
        Column("Booked hours", Kind.HOURS),
        Column("Working hours", Kind.HOURS),
        Column("Utilization", Kind.PERCENT),
    )

    def table(caption: str, heading: str, rows) -> Table:  # type: ignore[no-untyped-def]
        return Table(
            caption=caption,
            columns=(Column(heading), *columns),
            rows=[[r.label, r.booked, r.working, r.rate] for r in rows],
            total=["All", report.booked, report.working, report.rate],
        )

    chart = bar_chart(
        chart_id="utilization-chart",
        title="Utilization by location",
        description="Bars of the share of each location's working hours booked with "
        "patients; the tables below give the hours, by practitioner too.",
        bars=[Bar(r.label, r.rate or 0, text(Kind.PERCENT, r.rate)) for r in report.by_location],
    )
    return Report(
        title="Utilization",
        intro="Hours booked with patients (booked, checked in or seen; not cancelled or "
        "missed) divided by working hours (shifts less breaks, closures and time off).",
        tables=[
            table("By practitioner", "Practitioner", report.by_practitioner),
            table("By location", "Location", report.by_location),
        ],
        chart=chart,
    )


def _cancellations(asked: Request) -> Report:
    report = attendance(period=asked.period, scope=asked.scope)
    columns = (
        Column("Bookings", Kind.COUNT),
        Column("Cancelled", Kind.PERCENT),
        Column("Cancelled late", Kind.PERCENT),
        Column("No-shows", Kind.PERCENT),
    )

    def table(caption: str, heading: str, rows) -> Table:  # type: ignore[no-untyped-def]
        t = report.total
        return Table(
            caption=caption,
            columns=(Column(heading), *columns),
            rows=[
                [r.label, r.bookings, r.cancelled_rate, r.late_rate, r.no_show_rate] for r in rows
            ],
            total=["All", t.bookings, t.cancelled_rate, t.late_rate, t.no_show_rate],
        )

    return Report(
        title="Cancellations and no-shows",
        intro="Of the bookings for visits in the period, the share cancelled (by the patient "
        "or the clinic), cancelled with less than the clinic's notice, and missed.",
        tables=[
            table("By location", "Location", report.by_location),
            table("By practitioner", "Practitioner", report.by_practitioner),
        ],
    )


def _new_patients(asked: Request) -> Report:
    report = new_patients(period=asked.period, scope=asked.scope)
    table = Table(
        caption="New patients by where they heard of us",
        columns=(
            Column("Heard of us from"),
            Column("New patients", Kind.COUNT),
            Column("Share", Kind.PERCENT),
        ),
        rows=[[r.label, r.patients, report.share(r)] for r in report.rows],
        total=["Total", report.patients, Decimal("100.0") if report.patients else None],
    )
    chart = bar_chart(
        chart_id="new-patients-chart",
        title="New patients by where they heard of us",
        description="Bars of the number of new patients for each answer to the intake's "
        "question; the table below gives the shares.",
        bars=[Bar(r.label, r.patients, str(r.patients)) for r in report.rows],
    )
    return Report(
        title="New patients",
        intro="Patients whose first visit was checked in during the period, by their "
        "answer to the intake's “How did you hear of us?”.",
        tables=[table],
        chart=chart,
    )


REPORTS: dict[str, Callable[[Request], Report]] = {
    "revenue": _revenue,
    "hst": _hst,
    "receivables": _receivables,
    "utilization": _utilization,
    "cancellations": _cancellations,
    "new-patients": _new_patients,
}
TITLES = {
    "revenue": "Revenue",
    "hst": "HST collected",
    "receivables": "Receivables",
    "utilization": "Utilization",
    "cancellations": "Cancellations and no-shows",
    "new-patients": "New patients",
}


def default_period(today: date) -> Period:
    """This month so far."""
    return Period(today.replace(day=1), today)
