"""A patient's treatment plan, for the practitioners in their care: made from the chart
or from a signed assessment note, read (goals, the visits planned, booked and attended,
falling behind, the reassessment due, the last scores against the goals), changed, and
closed by a discharge. Booking the plan: plan_booking_views.py.

Every change carries the revision the page was written on: a tab left open elsewhere
cannot overwrite a newer plan; the page says so and keeps what was typed.

HTTP only: rehabdesk.access.plans authorizes (VIEW_CLINICAL / CHANGE_CLINICAL) and
audits the look, rehabdesk.plans.services writes and audits the change. Anyone else
gets the same 404 as for a plan that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.plans import PlanStart, plan_for, plan_progress_for, plan_start_for
from rehabdesk.access.policy import Action, Capability, person_for
from rehabdesk.clinic.models import Practitioner
from rehabdesk.clinic.selectors import practitioner_by_id
from rehabdesk.core.bounds import id_within_bounds
from rehabdesk.plans import services
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.errors import PlanError, PlanErrorCode
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.note_views import signed_in
from rehabdesk.web.staff.plan_forms import DischargeForm, PlanForms
from rehabdesk.web.staff.plan_reading import plan_inputs, plan_page, plan_rows, start_rows


def _plan_page(request: HttpRequest, plan: TreatmentPlan) -> dict[str, Any]:
    now = timezone.now()
    progress = plan_progress_for(user=request.user, plan=plan, now=now)
    return plan_page(plan, progress=progress, now=now)


def _staff(request: HttpRequest) -> None:
    """Plans are staff pages: a patient's own sign-in is refused (404) before anything."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)


def _note_id(request: HttpRequest) -> int | None:
    text = request.POST.get("note") or request.GET.get("note") or ""
    if not text:
        return None
    if not text.isdigit() or not id_within_bounds(int(text)):
        raise Http404("No such note.")
    return int(text)


def _form_page(
    request: HttpRequest,
    forms: PlanForms,
    *,
    start: PlanStart,
    plan: TreatmentPlan | None = None,
    refusal: PlanError | None = None,
) -> HttpResponse:
    stale = refusal is not None and refusal.code == PlanErrorCode.STALE_PLAN
    return render(
        request,
        "web/plans/plan_form.html",
        {
            "patient": start.patient,
            "note": start.note,
            "plan": plan,
            "forms": forms,
            "stale": stale,
            "refusal": refusal,
        },
        status=page_status(refusal),
    )


def _refused(forms: PlanForms, error: PlanError) -> PlanError | None:
    """Put a refusal beside its field where the form has one (the services name it
    `reassess_on`, or `goals-2-target_on`: the third goal written); else the page
    shows it above the form."""
    field = error.field or ""
    if field in forms.plan.fields:
        forms.plan.add_error(field, error.message)
        return None
    kind, _, rest = field.partition("-")
    index, _, name = rest.partition("-")
    rows = {"goals": forms.goals, "courses": forms.courses, "measures": forms.measures}
    if kind in rows and index.isdigit():
        written = [row for row in rows[kind].forms if row.has_changed()]
        if int(index) < len(written) and name in written[int(index)].fields:
            written[int(index)].add_error(name, error.message)
            return None
    return error


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A new plan, blank or from the signed assessment note `?note=`."""
    _staff(request)
    start = plan_start_for(user=request.user, patient_id=patient_id, note_id=_note_id(request))
    if request.method == "GET":
        me = person_for(request.user).practitioner_id
        return _form_page(
            request,
            PlanForms(**start_rows(start, practitioner_id=me, today=timezone.localdate())),
            start=start,
        )
    forms = PlanForms(request.POST)
    refusal = None
    if forms.is_valid():
        try:
            plan = services.plan_create(
                patient=start.patient,
                practitioner=_practitioner(request),
                assessment_note=start.note,
                user=signed_in(request),
                now=timezone.now(),
                **plan_inputs(forms),
            )
        except PlanError as error:
            refusal = _refused(forms, error)
        else:
            messages.success(
                request, "The plan is made. Book its visits when the patient is ready."
            )
            return redirect("plan-detail", patient_id=start.patient.pk, plan_id=plan.pk)
    return _form_page(request, forms, start=start, refusal=refusal)


def _practitioner(request: HttpRequest) -> Practitioner:
    """The practitioner writing the plan (CHANGE_CLINICAL: only a practitioner in care
    gets this far)."""
    practitioner_id = person_for(request.user).practitioner_id
    practitioner = practitioner_by_id(practitioner_id=practitioner_id) if practitioner_id else None
    if practitioner is None:  # the policy lets only practitioners change a plan
        raise Http404("Only a practitioner writes a plan.")
    return practitioner


@require_GET
@login_required
def plan_detail(request: HttpRequest, patient_id: int, plan_id: int) -> HttpResponse:
    """The plan: goals with the last scores, the visits, the warnings, the ways on."""
    _staff(request)
    plan = plan_for(user=request.user, patient_id=patient_id, plan_id=plan_id)
    return render(request, "web/plans/plan.html", _plan_page(request, plan))


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: HttpRequest, patient_id: int, plan_id: int) -> HttpResponse:
    """The plan in its form; saved with the revision the page was written on."""
    _staff(request)
    plan = plan_for(
        user=request.user, patient_id=patient_id, plan_id=plan_id, action=Action.CHANGE_CLINICAL
    )
    start = PlanStart(patient=plan.patient, note=plan.assessment_note)
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, "A discharged plan never changes; make a new plan instead.")
        return redirect("plan-detail", patient_id=plan.patient_id, plan_id=plan.pk)
    if request.method == "GET":
        return _form_page(request, PlanForms(**plan_rows(plan)), start=start, plan=plan)
    forms = PlanForms(request.POST)
    refusal = None
    if forms.is_valid():
        revision = forms.plan.cleaned_data["revision"]
        try:
            services.plan_update(
                plan=plan,
                practitioner=plan.practitioner,
                assessment_note=plan.assessment_note,
                revision=-1 if revision is None else revision,
                user=signed_in(request),
                now=timezone.now(),
                **plan_inputs(forms),
            )
        except PlanError as error:
            refusal = _refused(forms, error)
            if error.code == PlanErrorCode.STALE_PLAN:
                # Saving again, once told, replaces the newer plan: the page now
                # carries the revision this request read.
                data = request.POST.copy()
                data["revision"] = str(plan.revision)
                forms = PlanForms(data)
                forms.is_valid()
        else:
            messages.success(request, "The plan is saved.")
            return redirect("plan-detail", patient_id=plan.patient_id, plan_id=plan.pk)
    return _form_page(request, forms, start=start, plan=plan, refusal=refusal)


@require_http_methods(["GET", "POST"])
@login_required
def plan_discharge(request: HttpRequest, patient_id: int, plan_id: int) -> HttpResponse:
    """Close the plan: why, how each goal went, the summary."""
    _staff(request)
    plan = plan_for(
        user=request.user, patient_id=patient_id, plan_id=plan_id, action=Action.CHANGE_CLINICAL
    )
    if plan.status != PlanStatus.ACTIVE:
        messages.info(request, "This plan is discharged already.")
        return redirect("plan-detail", patient_id=plan.patient_id, plan_id=plan.pk)
    context = _plan_page(request, plan)
    form = DischargeForm(request.POST or None, goals=[line.goal for line in context["goals"]])
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_discharge(
                plan=plan,
                reason=form.cleaned_data["reason"],
                summary=form.cleaned_data["summary"],
                goal_outcomes=form.outcomes(),
                user=signed_in(request),
                now=timezone.now(),
            )
        except PlanError as error:
            refusal = error
        else:
            messages.success(request, "The plan is closed with its discharge summary.")
            return redirect("plan-detail", patient_id=plan.patient_id, plan_id=plan.pk)
    context.update(
        {
            "form": form,
            "refusal": refusal,
            "goal_rows": list(zip(context["goals"], form.goal_fields(), strict=True)),
        }
    )
    return render(request, "web/plans/discharge.html", context, status=page_status(refusal))


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/plans/new/", plan_new, name="plan-new"),
    path("staff/patients/<int:patient_id>/plans/<int:plan_id>/", plan_detail, name="plan-detail"),
    path("staff/patients/<int:patient_id>/plans/<int:plan_id>/edit/", plan_edit, name="plan-edit"),
    path(
        "staff/patients/<int:patient_id>/plans/<int:plan_id>/discharge/",
        plan_discharge,
        name="plan-discharge",
    ),
]
