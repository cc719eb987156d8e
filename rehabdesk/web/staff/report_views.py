"""The manager's reports: revenue, HST, receivables, utilization, cancellations and new
patients for a period and some or all locations, each a page (a chart where a picture
reads faster, always the table) and a CSV file. Managers only (VIEW_REPORTS); figures
only, never a patient's name or anything clinical.

HTTP only: the period form, then report_tables.py lays out what the billing selectors
computed.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.billing.selectors.reports import (
    REVENUE_DIMENSIONS,
    Period,
    report_locations,
    report_scope,
)
from rehabdesk.web.forms import DateInput, in_calendar_range
from rehabdesk.web.staff.report_tables import (
    REPORTS,
    TITLES,
    Report,
    Request,
    default_period,
    plain,
)

LONGEST = timedelta(days=3 * 366)  # a longer period is refused: reports stay quick
BREAKDOWNS = [(by, by.capitalize()) for by in REVENUE_DIMENSIONS]


class ReportForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=DateInput, validators=[in_calendar_range]
    )
    end = forms.DateField(
        label="To", required=False, widget=DateInput, validators=[in_calendar_range]
    )
    location = forms.TypedChoiceField(
        label="Location", required=False, coerce=int, empty_value=None
    )
    by = forms.ChoiceField(label="Revenue by", required=False, choices=BREAKDOWNS)

    def __init__(self, *args: Any, today: date, name: str = "revenue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_by = name == "revenue"
        if name == "receivables":  # what is owed on one day: the period's last
            self.fields["end"].label = "Owed on"
        self.today = today
        default = default_period(today)
        self.fields["start"].initial = default.first
        self.fields["end"].initial = default.last
        if not with_by:  # only revenue is broken down; other reports ignore `by`
            del self.fields["by"]
        field = cast(forms.TypedChoiceField, self.fields["location"])
        field.choices = [("", "All locations")] + [
            (location.pk, location.name) for location in report_locations()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = default_period(self.today)
        end = data.get("end") or period.last
        start = data.get("start") or min(period.first, end.replace(day=1))
        if start > end:
            raise forms.ValidationError("The period must end on or after its first day.")
        if end - start > LONGEST:
            raise forms.ValidationError("Choose a period of three years at most.")
        data["period"] = Period(start, end)
        return data

    def asked(self) -> Request:
        data = self.cleaned_data
        location = data.get("location")
        return Request(
            period=data["period"],
            scope=report_scope(location_ids=[location] if location else None),
            by=data.get("by") or "month",
        )


def _quick_periods(today: date) -> list[tuple[str, Period]]:
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return [
        ("This month", Period(month, today)),
        ("Last month", Period(last_month_end.replace(day=1), last_month_end)),
        ("This year", Period(today.replace(month=1, day=1), today)),
        ("Last 12 months", Period((month - timedelta(days=335)).replace(day=1), today)),
    ]


@require_GET
@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.VIEW_REPORTS)
    return render(request, "web/reports/index.html", {"links": report_links()})


@require_GET
@login_required
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    require(user=request.user, capability=Capability.VIEW_REPORTS)
    build = REPORTS[name]
    today = timezone.localdate()
    form = ReportForm(request.GET or None, today=today, name=name)
    context: dict[str, Any] = {
        "name": name,
        "title": TITLES[name],
        "links": report_links(),
        "csv_url": reverse(f"report-csv-{name}"),
        "form": form,
        "quick": _quick_periods(today),
        "by_asked": name == "revenue",
        "on_a_day": name == "receivables",  # owed on the period's last day
    }
    if request.GET and not form.is_valid():
        return render(request, "web/reports/report.html", context, status=400)
    asked = (
        form.asked()
        if form.is_bound
        else Request(period=default_period(today), scope=report_scope())
    )
    context.update(report=build(asked), period=asked.period, query=request.GET.urlencode())
    return render(request, "web/reports/report.html", context)


@require_GET
@login_required
def report_csv(request: HttpRequest, name: str) -> HttpResponse:
    require(user=request.user, capability=Capability.VIEW_REPORTS)
    build = REPORTS[name]
    today = timezone.localdate()
    form = ReportForm(request.GET or None, today=today, name=name)
    if request.GET and not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    asked = (
        form.asked()
        if form.is_bound
        else Request(period=default_period(today), scope=report_scope())
    )
    report = build(asked)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{asked.period.first.isoformat()}-{asked.period.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _write_csv(response, report)
    return response


def _write_csv(response: HttpResponse, report: Report) -> None:
    """One block per table: its caption, its headings, its rows, its total; a blank
    line between blocks."""
    writer = csv.writer(response)
    for index, table in enumerate(report.tables):
        if index:
            writer.writerow([])
        writer.writerow([table.caption])
        writer.writerow([column.heading for column in table.columns])
        rows = table.rows + ([table.total] if table.total is not None else [])
        for row in rows:
            writer.writerow(
                [
                    _safe_cell(plain(column.kind, value))
                    for column, value in zip(table.columns, row, strict=True)
                ]
            )


def _safe_cell(value: str) -> str:
    """A name a spreadsheet would read as a formula ("=…", "+…", "@…") is written as
    text; numbers (a negative net) stay numbers."""
    if value[:1] in ("=", "+", "@", "\t", "\r") or (
        value[:1] == "-" and not value[1:].replace(".", "", 1).isdigit()
    ):
        return "'" + value
    return value


def report_links() -> list[tuple[str, str, str]]:
    """(name, title, address) of every report, in the menu's order."""
    return [(name, title, reverse(f"report-{name}")) for name, title in TITLES.items()]


# A page and a CSV address per report (no parameter in the path: a report's name is
# part of its address, and the authorization matrix covers them as `report-*`).
urlpatterns: list[URLPattern] = [
    path("staff/reports/", report_index, name="reports"),
    *(
        path(f"staff/reports/{name}/", report_page, {"name": name}, name=f"report-{name}")
        for name in REPORTS
    ),
    *(
        path(f"staff/reports/{name}.csv", report_csv, {"name": name}, name=f"report-csv-{name}")
        for name in REPORTS
    ),
]
