"""Reads of the clinic's locations, for the public site."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from rehabdesk.clinic.models import (
    Closure,
    Location,
)


def locations_for_display(*, today: date) -> QuerySet[Location]:
    """Active locations with their opening hours and coming closures."""
    return (
        Location.objects.filter(active=True)
        .select_related("clinic")
        .prefetch_related(
            "opening_hours",
            Prefetch(
                "closures",
                queryset=Closure.objects.filter(last_day__gte=today),
                to_attr="coming_closures",
            ),
        )
    )


def location_for_display(*, slug: str, today: date) -> Location:
    """One active location with its hours and coming closures. Raises
    Location.DoesNotExist for an unknown or inactive one."""
    return locations_for_display(today=today).get(slug=slug)
