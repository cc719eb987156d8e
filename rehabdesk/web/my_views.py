"""Pages for people who sign in as patients: themselves and the family they manage.
(The portal issue adds bookings, forms and receipts here.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rehabdesk.access.accessors import patient_for, patients_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, person_for
from rehabdesk.patients.models import Patient


def _own_patient_id(request: HttpRequest) -> int:
    patient_id = person_for(request.user).patient_id
    if patient_id is None:
        raise AccessDenied(object_type="web.page", object_id="my-family", summary="patient pages")
    return patient_id


@require_GET
@login_required
def my_family(request: HttpRequest) -> HttpResponse:
    _own_patient_id(request)
    person = person_for(request.user)
    people = patients_for(
        user=request.user,
        patients=Patient.objects.filter(pk__in=person.managed_patient_ids).order_by(
            "date_of_birth"
        ),
        summary="my family",
        object_type="web.my_family",
    )
    own = next(p for p in people if p.pk == person.patient_id)
    return render(
        request,
        "web/my/family.html",
        {"own": own, "dependents": [p for p in people if p.pk != own.pk]},
    )


@require_GET
@login_required
def my_person(request: HttpRequest, patient_id: int) -> HttpResponse:
    _own_patient_id(request)
    patient = patient_for(user=request.user, patient_id=patient_id, action=Action.VIEW_DEMOGRAPHICS)
    return render(request, "web/my/person.html", {"patient": patient})
