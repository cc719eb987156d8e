"""Reads for online booking."""

from __future__ import annotations

from rehabdesk.patients.models import FamilyLink, Patient


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
