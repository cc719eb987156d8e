"""The privacy officer's access report, /staff/privacy/access/: accesses to patients'
information across the clinic, narrowed to after hours, no appointment (that day or
ever), emergency openings, and one member of staff; paged.

HTTP only: rehabdesk.access.access_report authorizes (OVERSEE_PRIVACY; anyone else gets
a 404) and puts each page shown on file."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rehabdesk.access.access_report import (
    CONCERN_LABELS,
    WINDOWS,
    Concern,
    clinic_access_report_for,
)


class ReportForm(forms.Form):
    concern = forms.ChoiceField(
        label="Show", required=False, choices=[(c.value, CONCERN_LABELS[c]) for c in Concern]
    )
    staff = forms.IntegerField(label="Member of staff", required=False, min_value=1)
    days = forms.TypedChoiceField(
        label="Over the last",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(d, f"{d} days") for d in WINDOWS],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


@never_cache
@require_GET
@login_required
def privacy_access_report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET)
    good = form.is_valid()
    data = form.cleaned_data if good else {}
    report = clinic_access_report_for(
        user=request.user,
        concern=Concern(data.get("concern") or ""),
        staff_id=data.get("staff"),
        days=data.get("days") or 30,
        page=data.get("page") or 1,
        now=timezone.now(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/privacy/access_report.html",
        {
            "form": form,
            "report": report,
            "chosen_staff": data.get("staff"),
            "query": query.urlencode(),
            "bad_request": not good,
        },
        status=200 if good else 400,
    )


urlpatterns: list[URLPattern] = [
    path("staff/privacy/access/", privacy_access_report, name="privacy-access-report"),
]
