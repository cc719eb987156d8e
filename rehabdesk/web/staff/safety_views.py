"""The practitioner's safety pages: acknowledge or clear an alert, add one by hand,
decide a red flag. Each is a small page of its own with a POST form (CSRF), working
without JavaScript; refusals are form errors.

HTTP only: rehabdesk.access.safety authorizes (CHANGE_CLINICAL: practitioners in the
patient's care) and audits the look, rehabdesk.safety.services makes and audits the
change. Nobody else learns these pages' content: a refusal is the same 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.accessors import patient_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, person_for
from rehabdesk.access.safety import alert_for, red_flag_review_for
from rehabdesk.safety import services
from rehabdesk.safety.errors import SafetyError
from rehabdesk.safety.modalities import modality_names
from rehabdesk.web.staff.safety_forms import AlertAddForm, AlertClearForm, ReviewDecideForm


def _record(patient_id: int) -> HttpResponseRedirect:
    return redirect(reverse("patient-detail", kwargs={"patient_id": patient_id}) + "#safety")


def _refused(form: forms.Form, error: SafetyError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
@login_required
def alert_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.CHANGE_CLINICAL,
        view=request.method == "GET",
        family=False,
        summary="safety alert (add)",
    )
    form = AlertAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_add(
                patient=patient,
                level=form.cleaned_data["level"],
                modalities=form.cleaned_data["modalities"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
        except SafetyError as error:
            _refused(form, error)
        else:
            messages.success(request, "The alert is on the record.")
            return _record(patient.pk)
    return render(request, "web/safety/alert_add.html", {"patient": patient, "form": form})


@require_POST
@login_required
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = alert_for(user=request.user, alert_id=alert_id)
    try:
        services.alert_acknowledge(alert=alert, actor=request.user, now=timezone.now())
    except SafetyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Alert acknowledged; it stays in force until cleared.")
    return _record(alert.patient_id)


@require_http_methods(["GET", "POST"])
@login_required
def alert_clear(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = alert_for(user=request.user, alert_id=alert_id)
    form = AlertClearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_clear(
                alert=alert,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
        except SafetyError as error:
            _refused(form, error)
        else:
            messages.success(request, "Alert cleared.")
            return _record(alert.patient_id)
    return render(
        request,
        "web/safety/alert_clear.html",
        {
            "alert": alert,
            "patient": alert.patient,
            "form": form,
            "covers": modality_names(alert.modalities),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    review = red_flag_review_for(user=request.user, review_id=review_id)
    practitioner_id = person_for(request.user).practitioner_id
    if practitioner_id is None:  # CHANGE_CLINICAL is a practitioner's only; kept for mypy
        raise AccessDenied(object_type="safety.redflagreview", object_id=str(review_id))
    form = ReviewDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.red_flag_review_decide(
                review=review,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                practitioner_id=practitioner_id,
                actor=request.user,
                now=timezone.now(),
            )
        except SafetyError as error:
            _refused(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return _record(review.patient_id)
    return render(
        request,
        "web/safety/review_decide.html",
        {"review": review, "patient": review.patient, "form": form},
    )


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/alerts/new/", alert_add, name="safety-alert-add"),
    path(
        "staff/alerts/<int:alert_id>/acknowledge/",
        alert_acknowledge,
        name="safety-alert-acknowledge",
    ),
    path("staff/alerts/<int:alert_id>/clear/", alert_clear, name="safety-alert-clear"),
    path("staff/red-flags/<int:review_id>/decide/", review_decide, name="safety-review-decide"),
]
