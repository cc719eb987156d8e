"""A treatment plan's booking on the staff patient page: the way to it for whoever
books the patient's visits (the desk, a manager, a practitioner in care), naming
nothing of the plan (access.plans.plans_to_book_for)."""

from __future__ import annotations

from typing import Any

from django import template

from rehabdesk.access.plans import plans_to_book_for
from rehabdesk.patients.models import Patient

register = template.Library()


@register.inclusion_tag("web/plans/_booking_links.html", takes_context=True)
def plan_booking_links(context: dict[str, Any], patient: Patient) -> dict[str, object]:
    """`{% plan_booking_links patient %}`: a link per active plan to book its visits."""
    return {
        "patient": patient,
        "plan_ids": plans_to_book_for(user=context["request"].user, patient=patient),
    }
