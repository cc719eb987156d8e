"""The privacy officer's pages, /staff/privacy/: record-access requests (due dates,
review, extend once, release the export or refuse), correction requests (also for the
practitioner whose note one names: accept with an amendment, or refuse with a reason),
and the privacy breach log (record, notify the patients, the year's statistics for
the IPC).

HTTP only: rehabdesk.access.privacy authorizes (Capability.OVERSEE_PRIVACY, or the
note's author) and puts each look on file; rehabdesk.privacy.services writes, each in
one transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.privacy import (
    access_request_for,
    access_requests_for,
    breach_for,
    breaches_for,
    correction_for,
    corrections_for,
    is_officer,
    officer_check,
)
from rehabdesk.core.bounds import EARLIEST_DAY
from rehabdesk.patients.selectors import patient_exists
from rehabdesk.privacy import services
from rehabdesk.privacy.choices import BreachCause, RequestStatus
from rehabdesk.privacy.errors import PrivacyError
from rehabdesk.privacy.models import TEXT_MAX
from rehabdesk.privacy.selectors import year_statistics
from rehabdesk.web.privacy_forms import add_refusal
from rehabdesk.web.refusals import page_status

# Open requests due within this many days are flagged "due soon".
DUE_SOON_DAYS = 7


def _reason(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="Extra days (1 to 30)", min_value=1, max_value=30)
    extension_reason = _reason("Why (the patient is told)")


class RefuseForm(forms.Form):
    refusal_reason = _reason("Why the request is refused")


class DecisionForm(forms.Form):
    decision_reason = _reason("Why (refused), or what was done (accepted)")


class BreachForm(forms.Form):
    what = _reason("What happened")
    cause = forms.ChoiceField(label="Kind of breach", choices=BreachCause.choices)
    occurred_on = forms.DateField(
        label="Happened on", widget=forms.DateInput(attrs={"type": "date"})
    )
    found_on = forms.DateField(label="Found on", widget=forms.DateInput(attrs={"type": "date"}))
    contained = _reason("How it was contained")
    patients = forms.CharField(
        label="Whose records (chart numbers, separated by commas)",
        required=False,
        max_length=2000,
        help_text="The patients' chart numbers, e.g. 12, 40.",
    )

    def clean_patients(self) -> list[int]:
        text = self.cleaned_data.get("patients") or ""
        ids: list[int] = []
        for part in text.replace(" ", "").split(","):
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or len(part) > 9:  # noqa: PLR2004
                raise forms.ValidationError("Chart numbers are whole numbers: 12, 40.")
            if not patient_exists(patient_id=int(part)):
                raise forms.ValidationError(f"No patient with chart number {part}.")
            ids.append(int(part))
        return ids

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name in ("occurred_on", "found_on"):
            day = data.get(name)
            if day is not None and day < EARLIEST_DAY:
                self.add_error(name, "Choose a day from 2000 on.")
        return data


@never_cache
@require_GET
@login_required
def privacy_index(request: HttpRequest) -> HttpResponse:
    officer_check(request.user, summary="privacy pages")
    return render(request, "web/privacy/staff_index.html")


@never_cache
@require_GET
@login_required
def requests_list(request: HttpRequest) -> HttpResponse:
    found = access_requests_for(request.user)
    today = timezone.localdate()
    return render(
        request,
        "web/privacy/staff_requests.html",
        {
            "requests": found,
            "today": today,
            "soon": today + timedelta(days=DUE_SOON_DAYS),
            "received": RequestStatus.RECEIVED,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def request_review(request: HttpRequest, request_id: int) -> HttpResponse:
    access = access_request_for(request.user, request_id)
    action = request.POST.get("action", "")
    extend = ExtendForm(request.POST if action == "extend" else None)
    refuse = RefuseForm(request.POST if action == "refuse" else None)
    refusal: PrivacyError | None = None
    now = timezone.now()
    if request.method == "POST":
        try:
            if action == "release":
                services.access_request_release(actor=request.user, request=access, now=now)
                messages.success(request, "Released: the patient is told by e-mail.")
                return redirect("staff-privacy-request", request_id=access.pk)
            if action == "extend" and extend.is_valid():
                services.access_request_extend(
                    actor=request.user,
                    request=access,
                    days=extend.cleaned_data["days"],
                    reason=extend.cleaned_data["extension_reason"],
                    now=now,
                )
                messages.success(request, "Extended: the patient is told the new day and why.")
                return redirect("staff-privacy-request", request_id=access.pk)
            if action == "refuse" and refuse.is_valid():
                services.access_request_refuse(
                    actor=request.user,
                    request=access,
                    reason=refuse.cleaned_data["refusal_reason"],
                    now=now,
                )
                messages.success(request, "Refused, with the reason on file.")
                return redirect("staff-privacy-request", request_id=access.pk)
        except PrivacyError as error:
            refusal = error
            add_refusal(extend if action == "extend" else refuse, error)
    return render(
        request,
        "web/privacy/staff_request.html",
        {
            "access": access,
            "extend": extend,
            "refuse": refuse,
            "refusal": refusal,
            "received": RequestStatus.RECEIVED,
            "today": timezone.localdate(),
        },
        status=page_status(refusal),
    )


@never_cache
@require_GET
@login_required
def corrections_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/privacy/staff_corrections.html",
        {
            "corrections": corrections_for(request.user),
            "today": timezone.localdate(),
            "officer": is_officer(request.user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def correction_review(request: HttpRequest, correction_id: int) -> HttpResponse:
    correction = correction_for(request.user, correction_id)
    form = DecisionForm(request.POST or None)
    refusal: PrivacyError | None = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        decide = {"accept": services.correction_accept, "refuse": services.correction_refuse}
        if action in decide:
            try:
                decided = decide[action](
                    actor=request.user,
                    correction=correction,
                    reason=form.cleaned_data["decision_reason"],
                    now=timezone.now(),
                )
            except PrivacyError as error:
                refusal = error
                add_refusal(form, error)
            else:
                if decided.amendment_id is not None:
                    messages.success(request, "Accepted: complete and sign the amendment.")
                    return redirect("note-edit", note_id=decided.amendment_id)
                messages.success(request, "Decided, and on file.")
                return redirect("staff-privacy-correction", correction_id=correction.pk)
    return render(
        request,
        "web/privacy/staff_correction.html",
        {"correction": correction, "form": form, "received": RequestStatus.RECEIVED},
        status=page_status(refusal),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def breaches_list(request: HttpRequest) -> HttpResponse:
    found = breaches_for(request.user)
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            breach = services.breach_record(
                actor=request.user,
                what=data["what"],
                cause=data["cause"],
                occurred_on=data["occurred_on"],
                found_on=data["found_on"],
                contained=data["contained"],
                patient_ids=data["patients"],
                now=timezone.now(),
            )
        except PrivacyError as error:
            add_refusal(form, error)
        else:
            messages.success(request, "The breach is on file.")
            return redirect("staff-privacy-breach", breach_id=breach.pk)
    return render(
        request,
        "web/privacy/staff_breaches.html",
        {"breaches": found, "form": form, "year": timezone.localdate().year},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def breach_detail(request: HttpRequest, breach_id: int) -> HttpResponse:
    breach, affected = breach_for(request.user, breach_id)
    if request.method == "POST":
        told, unreachable = services.breach_notify(
            actor=request.user, breach=breach, now=timezone.now()
        )
        text = f"{told} patient(s) told by e-mail."
        if unreachable:
            text += f" {unreachable} without an e-mail address: tell them by letter or phone."
        messages.success(request, text)
        return redirect("staff-privacy-breach", breach_id=breach.pk)
    return render(
        request, "web/privacy/staff_breach.html", {"breach": breach, "affected": affected}
    )


@never_cache
@require_GET
@login_required
def breach_statistics(request: HttpRequest) -> HttpResponse:
    officer_check(request.user, summary="breach statistics")
    today = timezone.localdate()
    text = request.GET.get("year", "")
    year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else today.year  # noqa: PLR2004
    good = EARLIEST_DAY.year <= year <= today.year and (not text or str(year) == text)
    if not good:
        year = today.year
    return render(
        request,
        "web/privacy/staff_statistics.html",
        {
            "stats": year_statistics(year=year, today=today),
            "years": range(today.year, max(EARLIEST_DAY.year, today.year - 6) - 1, -1),
            "bad_year": not good,
        },
        status=200 if good else 400,
    )


urlpatterns: list[URLPattern] = [
    path("staff/privacy/", privacy_index, name="staff-privacy"),
    path("staff/privacy/requests/", requests_list, name="staff-privacy-requests"),
    path("staff/privacy/requests/<int:request_id>/", request_review, name="staff-privacy-request"),
    path("staff/privacy/corrections/", corrections_list, name="staff-privacy-corrections"),
    path(
        "staff/privacy/corrections/<int:correction_id>/",
        correction_review,
        name="staff-privacy-correction",
    ),
    path("staff/privacy/breaches/", breaches_list, name="staff-privacy-breaches"),
    path(
        "staff/privacy/breaches/statistics/",
        breach_statistics,
        name="staff-privacy-breach-statistics",
    ),
    path("staff/privacy/breaches/<int:breach_id>/", breach_detail, name="staff-privacy-breach"),
]
