"""Consents shown on pages other engineers own (a practitioner's day, a patient's
page), each with one include line there: these tags read what the include needs.

`consent_status` answers for a whole list of visits at once (two queries, cached on the
request), however many rows ask; `patient_consents` reads a patient's consents through
the access layer, as the viewer may see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.http import HttpRequest

from rehabdesk.access.consents import consents_for
from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.consents.selectors import (
    ConsentQuestion,
    ConsentStatus,
    consent_status_for_visits,
)
from rehabdesk.scheduling.models import Appointment

register = template.Library()
CACHE = "_rehabdesk_consent_status"


def _question(appointment: Appointment) -> ConsentQuestion:
    return ConsentQuestion(
        appointment_id=appointment.pk,
        patient_id=appointment.patient_id,  # type: ignore[arg-type]  # booked: has one
        service_id=appointment.service_id,
        day=appointment.start.astimezone(appointment.location.zone).date(),
    )


def _appointments(items: Sequence[Any]) -> list[Appointment]:
    """A page's visits, whatever their shape: appointments, rows holding one as
    `.appointment` (my day), or (appointment, …) tuples (the patient page)."""
    found = []
    for item in items:
        if isinstance(item, tuple):
            item = item[0]
        found.append(getattr(item, "appointment", item))
    return [a for a in found if a.patient_id is not None]


@register.simple_tag(takes_context=True)
def consent_status(
    context: template.Context, visits: Sequence[Any] | None, appointment: Appointment
) -> ConsentStatus | None:
    """Whether the consents `appointment`'s service needs are on file, asked once for
    every visit of the page (`visits`: the page's list, or None for one appointment)."""
    request: HttpRequest | None = context.get("request")
    cache: dict[int, ConsentStatus] = getattr(request, CACHE, None) or {}
    if appointment.pk not in cache:
        wanted = _appointments(visits or []) or _appointments([appointment])
        cache.update(consent_status_for_visits(visits=[_question(a) for a in wanted]))
        if request is not None:
            setattr(request, CACHE, cache)
    return cache.get(appointment.pk)


@register.inclusion_tag("web/consents/_patient_consents.html", takes_context=True)
def patient_consents(context: template.Context, patient: Any) -> dict[str, Any]:
    """The patient page's Consents section: what is on file, what upcoming visits still
    need, and the ways to put a consent on file that the viewer may use."""
    request: HttpRequest = context["request"]
    person = person_for(request.user)
    seen = consents_for(user=request.user, patient=patient)
    upcoming = _appointments(context.get("upcoming") or [])
    statuses = consent_status_for_visits(visits=[_question(a) for a in upcoming])
    keeps = may(person, Action.CHANGE_DEMOGRAPHICS, patient.pk)
    cares = may(person, Action.CHANGE_CLINICAL, patient.pk)
    return {
        "patient": patient,
        "seen": seen,
        "upcoming": [(a, statuses[a.pk]) for a in upcoming if a.pk in statuses],
        "may_sign": keeps,
        "may_record_verbal": cares,
        "may_withdraw": keeps or cares,
    }
