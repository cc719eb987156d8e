"""Where a patient's health form stands, for the pages that show it in one line: the
staff patient page, the portal and the manage page. Only the status is read here
(intake.selectors), never an answer; the links lead to pages that authorize."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from rehabdesk.access.policy import Action, Capability, can, may, person_for
from rehabdesk.intake.choices import IntakeStatus
from rehabdesk.intake.selectors import intake_status_of
from rehabdesk.patients.models import Patient
from rehabdesk.web.intake_pages import status_words

register = template.Library()


@register.inclusion_tag("web/intake/_status.html", takes_context=True)
def intake_staff(context: dict[str, Any], patient: Patient) -> dict[str, object]:
    """For the staff patient page: the practitioner in care may read a sent form; the
    desk may type in a paper form until one is sent."""
    person = person_for(context["request"].user)
    status = intake_status_of(patient_id=patient.pk)
    kwargs = {"patient_id": patient.pk}
    submitted = status == IntakeStatus.SUBMITTED
    return {
        "intake": {
            "status": status,
            "words": status_words(status),
            "read_url": reverse("patient-intake", kwargs=kwargs)
            if submitted and may(person, Action.VIEW_CLINICAL, patient.pk)
            else "",
            "enter_url": reverse("staff-intake-enter", kwargs=kwargs)
            if not submitted and can(person, Capability.RUN_THE_DESK)
            else "",
        }
    }


@register.inclusion_tag("web/intake/_status.html")
def intake_patient(patient: Patient, fill_url: str) -> dict[str, object]:
    """For the patient's own pages: the status, and the way to fill it in until sent."""
    status = intake_status_of(patient_id=patient.pk)
    return {
        "intake": {
            "status": status,
            "words": status_words(status),
            "fill_url": fill_url if status != IntakeStatus.SUBMITTED else "",
        }
    }
