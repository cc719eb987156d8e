"""Reads for online booking: what a visitor may choose (services, locations,
practitioners), the time held for them, and whom they may book for."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db.models import QuerySet

from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment


def online_services() -> QuerySet[Service]:
    """The services patients may book online, by discipline, with what their prices
    need (the tax category and its rates)."""
    return (
        Service.objects.filter(active=True, online_bookable=True)
        .select_related("discipline", "tax_category")
        .prefetch_related("tax_category__rates")
        .order_by("discipline__name", "name")
    )


def online_locations() -> QuerySet[Location]:
    return Location.objects.filter(active=True).select_related("clinic").order_by("name")


def online_practitioners(*, service: Service | None = None) -> QuerySet[Practitioner]:
    """The active practitioners, or those of the service's discipline."""
    practitioners = Practitioner.objects.filter(active=True)
    if service is not None:
        practitioners = practitioners.filter(disciplines=service.discipline_id).distinct()
    return practitioners.order_by("display_name")


def practitioners_by_id(*, ids: Collection[int]) -> dict[int, Practitioner]:
    return {p.pk: p for p in Practitioner.objects.filter(pk__in=ids)}


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


def family_bookable(*, patient_ids: Collection[int]) -> QuerySet[Patient]:
    """A signed-in patient's own record and the dependents they manage (their ids come
    from the access policy), active ones only, eldest first."""
    return Patient.objects.filter(pk__in=patient_ids, active=True).order_by("date_of_birth", "pk")


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
