"""Reads for online booking: the time held for a visitor, their booking as the review
pages show it, and whom they may book for. What they may choose (services, locations,
practitioners) is clinic.selectors'."""

from __future__ import annotations

from datetime import datetime

from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment


def hold_for_nobody(
    *, appointment_id: int | None, now: datetime | None = None
) -> Appointment | None:
    """The time held when the visitor chose it, before anyone was put on it: None once
    it is taken, given back or (when `now` is given) run out."""
    if appointment_id is None:
        return None
    held = Appointment.objects.filter(
        pk=appointment_id, status=AppointmentStatus.PENDING, patient__isnull=True
    )
    if now is not None:
        held = held.filter(hold_expires_at__gt=now)
    return held.first()


def online_booking(*, appointment_id: int) -> Appointment | None:
    """A visitor's booking as the review, code and booked pages show it (price, tax,
    the clinic's cancellation policy), if it has a patient on it."""
    return (
        Appointment.objects.select_related(
            "patient", "practitioner", "location__clinic", "service__tax_category"
        )
        .prefetch_related("service__tax_category__rates")
        .filter(pk=appointment_id, patient__isnull=False)
        .first()
    )


def bookable_people(*, email: str) -> list[Patient]:
    """Who a visitor proven to read `email` may book for: the active patients with that
    address, and the dependents whose bookings they manage."""
    own = list(Patient.objects.filter(email__iexact=email.strip(), active=True).order_by("pk"))
    dependents = Patient.objects.filter(
        active=True,
        pk__in=FamilyLink.objects.filter(
            guardian__in=own, ended_at__isnull=True, manages_bookings=True
        ).values("dependent_id"),
    ).order_by("date_of_birth", "pk")
    seen = {p.pk for p in own}
    return own + [p for p in dependents if p.pk not in seen]


def address_on_file(*, email: str) -> bool:
    """Whether anyone may be booked for with `email` (bookable_people is not empty):
    one query, whatever the answer, so that asking costs the same either way."""
    return Patient.objects.filter(email__iexact=email.strip(), active=True).exists()
