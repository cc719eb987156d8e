"""Deactivating a patient's record (never deleted), and making it active again. The
deactivation is a step of its own: the patient page links to it, and only the
confirmation there, with a reason, deactivates. Works without JavaScript.

HTTP only: rehabdesk.access authorizes and audits the look, patients.services the change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rehabdesk.access.accessors import patient_for, require
from rehabdesk.access.policy import Action, Capability
from rehabdesk.patients import services
from rehabdesk.patients.models import Patient
from rehabdesk.web.staff.patient_forms import DeactivateForm


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    return patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        view=request.method == "GET",
    )


@require_http_methods(["GET", "POST"])
@login_required
def patient_deactivate(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    if not patient.active:
        messages.error(request, f"{patient.full_name} is already inactive.")
        return redirect("patient-detail", patient_id=patient.pk)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.patient_deactivate(
            actor=request.user,
            patient=patient,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
        messages.success(request, f"{patient.full_name} is deactivated; the record is kept.")
        return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "web/patients/deactivate.html", {"patient": patient, "form": form})


@require_POST
@login_required
def patient_reactivate(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    services.patient_reactivate(actor=request.user, patient=patient)
    messages.success(request, f"{patient.full_name} is active again.")
    return redirect("patient-detail", patient_id=patient.pk)


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/deactivate/",
        patient_deactivate,
        name="patient-deactivate",
    ),
    path(
        "staff/patients/<int:patient_id>/reactivate/",
        patient_reactivate,
        name="patient-reactivate",
    ),
]
