"""Billing on pages others own: each visit's billing state and its "Check out" / fee
actions on the desk's day and the appointment page, and the account's summary on the
staff patient page. Shown only to those who may change (visits) or see (the summary)
the patient's billing (access/billing.py); the pages' own view events cover the look.

`{% load billing_tags %}`, then `{{ amount|money }}`, `{{ number|invoice_number }}`,
`{% billing_day arrivals as bills %}` + `{% include "web/billing/_visit_state.html" with
bill=bills|bill_of:a.pk appointment=a %}`, `{% billing_visit appointment %}`,
`{% billing_summary patient %}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from rehabdesk.access.billing import may_bill
from rehabdesk.access.policy import Action
from rehabdesk.billing.choices import PaymentMethod
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.selectors import balance_of, package_balances, visit_billing
from rehabdesk.core.money import format_money
from rehabdesk.scheduling.models import Appointment

register = template.Library()


@register.filter
def money(amount: Decimal | int | None) -> str:
    return "" if amount is None else format_money(Decimal(amount))


@register.filter
def negate(amount: Decimal) -> Decimal:
    return -amount


@register.filter
def method_label(method: str) -> str:
    return str(PaymentMethod(method).label) if method in PaymentMethod.values else method


@register.filter
def invoice_number(number: int | None) -> str:
    return "" if number is None else display_number(number)


@register.filter
def bill_of(bills: dict[int, Any] | None, appointment_id: int) -> Any:
    return (bills or {}).get(appointment_id)


@register.simple_tag(takes_context=True)
def billing_day(context: dict[str, Any], appointments: Iterable[Appointment]) -> dict[int, Any]:
    """Each visit's billing state, read once for the day, for a user who may bill
    (the desk and managers); an empty dict for anyone else."""
    user = context["request"].user
    shown = [
        a
        for a in appointments
        if a.patient_id and may_bill(user, a.patient_id, Action.CHANGE_BILLING)
    ]
    if not shown:
        return {}
    return dict(visit_billing([a.pk for a in shown]))


@register.inclusion_tag("web/billing/_appointment.html", takes_context=True)
def billing_visit(context: dict[str, Any], appointment: Appointment) -> dict[str, object]:
    """The appointment page's "Billing" section, for the desk and managers."""
    user = context["request"].user
    if not appointment.patient_id or not may_bill(
        user, appointment.patient_id, Action.CHANGE_BILLING
    ):
        return {"bill": None, "appointment": appointment}
    bills = visit_billing([appointment.pk])
    return {
        "bill": bills.get(appointment.pk),
        "appointment": appointment,
        "here": context["request"].get_full_path(),
    }


@register.inclusion_tag("web/billing/_patient_summary.html", takes_context=True)
def billing_summary(context: dict[str, Any], patient: Any) -> dict[str, object]:
    """The patient page's account in a few lines: balance, credit, packages left."""
    user = context["request"].user
    if not may_bill(user, patient.pk, Action.VIEW_BILLING):
        return {"shown": False}
    return {
        "shown": True,
        "patient": patient,
        "balance": balance_of(patient.pk),
        "packages": package_balances([patient.pk], timezone.localdate()),
    }
