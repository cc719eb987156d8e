"""Staff pages for patient records: find, register, view, correct, link families,
assign care, see who touched a record. Every read goes through rehabdesk.access, which
authorizes and audits; every write through patients.services, which audits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rehabdesk.access.accessors import patient_for, patients_for, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, Capability, can, may, person_for, withheld_from
from rehabdesk.access.safety import safety_panel_for
from rehabdesk.audit.selectors import patient_access_log as access_log_of
from rehabdesk.patients import services
from rehabdesk.patients.errors import PatientError, PatientErrorCode
from rehabdesk.patients.models import Coverage, Patient
from rehabdesk.patients.selectors import care_assignment_open, coverage_of, family_link_open
from rehabdesk.patients.selectors import patient_search as search_patients
from rehabdesk.web.forms import PatientForm
from rehabdesk.web.staff.patient_bookings import patient_bookings
from rehabdesk.web.staff.patient_forms import (
    CareAssignmentForm,
    CoverageForm,
    FamilyLinkForm,
    NewPatientForm,
    PatientSearchForm,
)


def _staff_patient(request: HttpRequest, **lookup: Any) -> Patient:
    """A patient record opened from the staff pages, which only staff may use."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    return patient_for(user=request.user, **lookup)


@require_GET
@login_required
def patient_search(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    form = PatientSearchForm(request.GET or None)
    results: list[Patient] = []
    searched = form.is_valid() and bool(form.cleaned_data["q"] or form.cleaned_data["born"])
    if searched:
        results = patients_for(
            user=request.user,
            patients=search_patients(
                text=form.cleaned_data["q"], born_on=form.cleaned_data["born"]
            ),
            summary="patient search results",
            object_type="web.patient_search",
        )
    return render(
        request,
        "web/patients/search.html",
        {
            "form": form,
            "results": results,
            "searched": searched,
            "can_register": can(person_for(request.user), Capability.REGISTER_PATIENTS),
            # Break-glass for a patient outside their care (web/staff/lockbox_views.py).
            "can_break_glass": person_for(request.user).practitioner_id is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def patient_new(request: HttpRequest) -> HttpResponse:
    require(user=request.user, capability=Capability.REGISTER_PATIENTS)
    form = NewPatientForm(request.POST or None)
    duplicates: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(
                actor=request.user,
                patient=form.save(commit=False),
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
            )
        except PatientError as error:
            if error.code == PatientErrorCode.POSSIBLE_DUPLICATE:
                duplicates = patients_for(
                    user=request.user,
                    patients=error.duplicates,
                    summary="possible duplicates",
                    object_type="web.patient_duplicates",
                )
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"{patient.full_name} is registered.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(
        request, "web/patients/form.html", {"form": form, "duplicates": duplicates, "patient": None}
    )


@require_GET
@login_required
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _staff_patient(request, patient_id=patient_id, action=Action.VIEW_DEMOGRAPHICS)
    person = person_for(request.user)
    can_book = can_do(request, patient, Action.MANAGE_BOOKINGS)
    # The page's one view event (patient_for) covers the alerts shown.
    safety = safety_panel_for(user=request.user, patient_id=patient.pk, on_file=False)
    return render(
        request,
        "web/patients/detail.html",
        {
            "patient": patient,
            # The Bookings section: upcoming appointments, attendance, links to book.
            "can_book": can_book,
            **(
                patient_bookings(patient, all_past=request.GET.get("visits") == "all")
                if can_book
                else {}
            ),
            "can_change": can_do(request, patient, Action.CHANGE_DEMOGRAPHICS),
            "can_view_log": can_do(request, patient, Action.VIEW_ACCESS_LOG),
            "can_assign": can(person, Capability.ASSIGN_CARE),
            "care_form": CareAssignmentForm(),
            "safety": safety,
            # The safety record's detail and the chart are both VIEW_CLINICAL.
            "can_view_chart": safety.record is not None,
            # The patient's lockbox: the chart says so and offers the openings; the desk
            # records a directive given in person or on paper.
            "chart_withheld": safety.record is None and withheld_from(person, patient.pk),
            "can_record_lockbox": can(person, Capability.RUN_THE_DESK)
            and can_do(request, patient, Action.SET_LOCKBOX),
        },
    )


def can_do(request: HttpRequest, patient: Patient, action: Action) -> bool:
    return may(person_for(request.user), action, patient.pk)


@require_http_methods(["GET", "POST"])
@login_required
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _staff_patient(
        request,
        patient_id=patient_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        view=request.method == "GET",
    )
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(actor=request.user, patient=form.save(commit=False))
        except PatientError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Saved.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(
        request, "web/patients/form.html", {"form": form, "patient": patient, "duplicates": []}
    )


@require_GET
@login_required
def patient_access_log(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _staff_patient(
        request, patient_id=patient_id, action=Action.VIEW_ACCESS_LOG, summary="access log"
    )
    return render(
        request,
        "web/patients/access_log.html",
        {"patient": patient, "events": access_log_of(patient_id=patient.pk)[:500]},
    )


@require_POST
@login_required
def patient_care_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.ASSIGN_CARE)
    patient = _staff_patient(request, patient_id=patient_id, action=Action.CHANGE_DEMOGRAPHICS)
    form = CareAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a practitioner.")
    else:
        try:
            services.care_assignment_add(
                actor=request.user,  # type: ignore[arg-type]
                patient=patient,
                practitioner=form.cleaned_data["practitioner"],
                reason=form.cleaned_data["reason"],
            )
        except PatientError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{form.cleaned_data['practitioner']} now cares for {patient.full_name}."
            )
    return redirect("patient-detail", patient_id=patient.pk)


@require_POST
@login_required
def patient_care_end(request: HttpRequest, patient_id: int, assignment_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.ASSIGN_CARE)
    patient = _staff_patient(request, patient_id=patient_id, action=Action.CHANGE_DEMOGRAPHICS)
    assignment = care_assignment_open(patient=patient, assignment_id=assignment_id)
    if assignment is None:
        raise AccessDenied(
            object_type="patients.careassignment", object_id=str(assignment_id), found=False
        )
    services.care_assignment_end(actor=request.user, assignment=assignment, now=timezone.now())
    messages.success(request, "Care assignment ended.")
    return redirect("patient-detail", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@login_required
def patient_family_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Find the parent, guardian or caregiver among patients and link them."""
    dependent = _staff_patient(request, patient_id=patient_id, action=Action.CHANGE_DEMOGRAPHICS)
    if request.method == "POST":
        form = FamilyLinkForm(request.POST)
        if form.is_valid():
            guardian = _staff_patient(
                request,
                patient_id=form.cleaned_data["guardian"],
                action=Action.CHANGE_DEMOGRAPHICS,
            )
            try:
                services.family_link_add(
                    actor=request.user,
                    guardian=guardian,
                    dependent=dependent,
                    relationship=form.cleaned_data["relationship"],
                    manages_bookings=form.cleaned_data["manages_bookings"],
                )
            except PatientError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, f"{guardian.full_name} is linked to {dependent.full_name}."
                )
                return redirect("patient-detail", patient_id=dependent.pk)
    search = PatientSearchForm(request.GET or None)
    candidates: list[Patient] = []
    if search.is_valid() and (search.cleaned_data["q"] or search.cleaned_data["born"]):
        found = search_patients(text=search.cleaned_data["q"], born_on=search.cleaned_data["born"])
        candidates = [p for p in found if p.pk != dependent.pk]
    # One event for the page: the dependent it is about and every candidate shown.
    shown = patients_for(
        user=request.user,
        patients=[dependent, *candidates],
        summary="guardian search results" if candidates else "patient record",
        object_type="web.patient_family",
    )
    results = [p for p in shown if p.pk != dependent.pk]
    return render(
        request,
        "web/patients/family_add.html",
        {"patient": dependent, "search": search, "results": results, "link_form": FamilyLinkForm()},
    )


@require_POST
@login_required
def patient_family_end(request: HttpRequest, patient_id: int, link_id: int) -> HttpResponse:
    patient = _staff_patient(request, patient_id=patient_id, action=Action.CHANGE_DEMOGRAPHICS)
    link = family_link_open(patient=patient, link_id=link_id)
    if link is None:
        raise AccessDenied(object_type="patients.familylink", object_id=str(link_id), found=False)
    services.family_link_end(actor=request.user, link=link, now=timezone.now())
    messages.success(request, "Family link ended.")
    return redirect("patient-detail", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@login_required
def patient_coverage(
    request: HttpRequest, patient_id: int, coverage_id: int | None = None
) -> HttpResponse:
    patient = _staff_patient(
        request,
        patient_id=patient_id,
        action=Action.CHANGE_DEMOGRAPHICS,
        view=request.method == "GET",
    )
    coverage = Coverage(patient=patient)
    if coverage_id is not None:
        found = coverage_of(patient=patient, coverage_id=coverage_id)
        if found is None:
            raise AccessDenied(
                object_type="patients.coverage", object_id=str(coverage_id), found=False
            )
        coverage = found
    form = CoverageForm(request.POST or None, instance=coverage)
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_save(actor=request.user, coverage=form.save(commit=False))
        except PatientError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Insurance saved.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "web/patients/coverage_form.html", {"form": form, "patient": patient})


urlpatterns: list[URLPattern] = [
    path("staff/patients/", patient_search, name="patient-search"),
    path("staff/patients/new/", patient_new, name="patient-new"),
    path("staff/patients/<int:patient_id>/", patient_detail, name="patient-detail"),
    path("staff/patients/<int:patient_id>/edit/", patient_edit, name="patient-edit"),
    path(
        "staff/patients/<int:patient_id>/access-log/",
        patient_access_log,
        name="patient-access-log",
    ),
    path(
        "staff/patients/<int:patient_id>/care-team/",
        patient_care_add,
        name="patient-care-add",
    ),
    path(
        "staff/patients/<int:patient_id>/care-team/<int:assignment_id>/end/",
        patient_care_end,
        name="patient-care-end",
    ),
    path(
        "staff/patients/<int:patient_id>/family/",
        patient_family_add,
        name="patient-family-add",
    ),
    path(
        "staff/patients/<int:patient_id>/family/<int:link_id>/end/",
        patient_family_end,
        name="patient-family-end",
    ),
    path(
        "staff/patients/<int:patient_id>/coverage/new/",
        patient_coverage,
        name="patient-coverage-new",
    ),
    path(
        "staff/patients/<int:patient_id>/coverage/<int:coverage_id>/",
        patient_coverage,
        name="patient-coverage-edit",
    ),
]
