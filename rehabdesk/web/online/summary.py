"""A booking as its patient reads it before and after booking online, and when they
manage it later (portal/manage_views.py): when, what it costs with tax, and the
clinic's cancellation policy."""

from __future__ import annotations

from typing import Any

from rehabdesk.clinic.selectors import service_price_on
from rehabdesk.core.money import format_money
from rehabdesk.scheduling.models import Appointment


def booking_summary(appointment: Appointment) -> dict[str, Any]:
    clinic = appointment.location.clinic
    local = appointment.start.astimezone(appointment.location.zone)
    quote = service_price_on(service=appointment.service, on=local.date())
    fee = clinic.late_cancellation_fee_percent
    return {
        "appointment": appointment,
        "local_start": local,
        "quote": quote,
        "price": format_money(quote.price),
        "tax_lines": [(line.name, line.percent, format_money(line.amount)) for line in quote.lines],
        "total": format_money(quote.total),
        "notice_hours": clinic.cancellation_notice_hours,
        "late_fee": format_money(appointment.service.price * fee / 100) if fee else "",
        "late_fee_percent": fee,
        "no_show_fee_percent": clinic.no_show_fee_percent,
        "clinic": clinic,
    }
