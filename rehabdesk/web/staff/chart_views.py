"""A patient's chart for the practitioners in their care: the whole clinical record on
one page, and its printed copy (a PDF) for the patient, an insurer or a lawyer.

HTTP only: rehabdesk.access.chart authorizes (VIEW_CLINICAL) and puts each look and
each copy on file; care.reading puts notes in words, care.pdf lays out the copy.
Anyone else gets the same 404 as for a patient who does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rehabdesk.access.accessors import patient_for, require
from rehabdesk.access.chart import chart_export_for, chart_for
from rehabdesk.access.errors import RecordWithheld
from rehabdesk.access.exercises import programs_on_chart
from rehabdesk.access.middleware import record_denial
from rehabdesk.access.plans import plans_on_chart
from rehabdesk.access.policy import Action, Capability, person_for
from rehabdesk.care.choices import CopyPurpose
from rehabdesk.care.errors import CareError
from rehabdesk.care.pdf import ChartCopy, chart_pdf, period_check
from rehabdesk.care.reading import entries_read
from rehabdesk.clinic.selectors import clinic_current, locations_active
from rehabdesk.web.staff.measure_views import chart_measures

# Entries and visits shown in full on one page of the chart, newest first.
CHART_PAGE = 20


class ChartCopyForm(forms.Form):
    """A printed copy's period (all entries by default) and who it is for."""

    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.ChoiceField(
        label="Who is the copy for?", choices=CopyPurpose.choices, widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            period_check(
                since=cleaned.get("since"),
                until=cleaned.get("until"),
                today=timezone.localdate(),
            )
        except CareError as error:
            self.add_error(error.field, error.message)
        return cleaned


@require_GET
@login_required
def chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's chart: alerts and consents, then every entry and visit by time."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    try:
        seen = chart_for(user=request.user, patient_id=patient_id, now=timezone.now())
    except RecordWithheld as withheld:
        # The lockbox: the refusal on file, and the page says so and nothing else.
        record_denial(request, withheld)
        return render(request, "web/lockbox/withheld.html", {"patient_id": patient_id}, status=403)
    # The newest entries in full; older ones a page at a time (the printed copy has all).
    page = Paginator(seen.timeline, CHART_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    read = iter(entries_read(row.entry for row in rows if row.entry))
    timeline = [(row, next(read) if row.entry else None) for row in rows]
    return render(
        request,
        "web/care/chart.html",
        {
            "chart": seen,
            "patient": seen.patient,
            "safety": seen.safety,
            "timeline": timeline,
            "page": page,
            "practitioner_id": person_for(request.user).practitioner_id,
            # The consents section, as the patient page shows it (without upcoming visits).
            "seen": seen.consents,
            "upcoming": [],
            "may_sign": False,
            "may_record_verbal": seen.safety.may_change,
            "may_withdraw": seen.safety.may_change,
            "exercise_programs": programs_on_chart(chart=seen, now=timezone.now()),
            # Outcome measures: a line chart per instrument (web/outcomes/_chart_measures.html).
            "measures": chart_measures(chart=seen),
            "plans": plans_on_chart(chart=seen, now=timezone.now()),
        },
    )


@require_GET
@login_required
def chart_print(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The printed copy's form: its period and who it is for."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.VIEW_CLINICAL,
        summary="clinical chart copy (choosing)",
        family=False,
    )
    form = ChartCopyForm(initial={"purpose": CopyPurpose.PATIENT})
    return render(request, "web/care/chart_print.html", {"patient": patient, "form": form})


@never_cache
@require_GET
@login_required
def chart_copy(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The printed copy as a PDF download; a bad period or purpose is the form again,
    with its errors (400)."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    form = ChartCopyForm(request.GET)
    if not form.is_valid():
        patient = patient_for(
            user=request.user,
            patient_id=patient_id,
            action=Action.VIEW_CLINICAL,
            summary="clinical chart copy (choosing)",
            family=False,
        )
        return render(
            request, "web/care/chart_print.html", {"patient": patient, "form": form}, status=400
        )
    since: date | None = form.cleaned_data["since"]
    until: date | None = form.cleaned_data["until"]
    purpose = CopyPurpose(form.cleaned_data["purpose"])
    now = timezone.now()
    export = chart_export_for(
        user=request.user,
        patient_id=patient_id,
        since=since,
        until=until,
        purpose=purpose,
        now=now,
    )
    pdf = chart_pdf(
        ChartCopy(
            clinic_name=clinic.name if (clinic := clinic_current()) else "",
            clinic_address=_addresses(),
            patient=export.patient,
            entries=entries_read(export.entries),
            since=since,
            until=until,
            purpose=purpose.label,
            printed_at=now,
            printed_by=_name(request),
            zone=timezone.get_current_timezone(),
            disagreements=export.disagreements,
        )
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # The chart number, not the name: a downloaded file's name is seen by many.
    name = f"chart-{export.patient.pk}-{timezone.localdate(now):%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _addresses() -> list[str]:
    return [
        f"{place.name}: {place.street_address}, {place.city} {place.province} "
        f"{place.postal_code} · {place.phone}"
        for place in locations_active()
    ]


def _name(request: HttpRequest) -> str:
    user: Any = request.user
    return str(user.get_full_name() or user.get_username())


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/chart/", chart, name="patient-chart"),
    path("staff/patients/<int:patient_id>/chart/print/", chart_print, name="patient-chart-print"),
    path("staff/patients/<int:patient_id>/chart.pdf", chart_copy, name="patient-chart-pdf"),
]
