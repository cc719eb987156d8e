"""Reads of the clinic (its name and logo for every page patients see) and its
locations: the ones open for booking, and each with its hours and coming closures for
the public site."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Prefetch, QuerySet

from rehabdesk.clinic.models import (
    Clinic,
    Closure,
    HomeLocation,
    Location,
)


def clinic_current() -> Clinic | None:
    """The clinic this installation serves (one per installation: the first one made),
    with what the pages' header and footer show and the note deadline the overdue notes
    page states; None before any is set up. One query; the logo's bytes are not read
    (Clinic.logo_url needs only its name)."""
    return (
        Clinic.objects.only(
            "name", "phone", "email", "website", "logo_id", "note_due_hours", "notes_due_from"
        )
        .order_by("pk")
        .first()
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


def locations_active() -> QuerySet[Location]:
    """The locations open for booking, by name, with their clinic (its booking policy)."""
    return Location.objects.filter(active=True).select_related("clinic").order_by("name")


def location_active(*, location_id: int) -> Location | None:
    """One location open for booking, or None for an unknown or closed one."""
    # One row by its key: no ordering, which would cost a sort for nothing.
    return locations_active().filter(pk=location_id).order_by().first()


def location_active_by_slug(*, slug: str) -> Location | None:
    return locations_active().filter(slug=slug).order_by().first()


def location_home_among(*, user_id: int | None, locations: Sequence[Location]) -> Location:
    """The location a member of staff starts at: their home location when it is among
    `locations` (the active ones, say), else the first of them."""
    homes = HomeLocation.objects.filter(user_id=user_id) if user_id is not None else None
    home_id = homes.values_list("location_id", flat=True).first() if homes is not None else None
    return next((location for location in locations if location.pk == home_id), locations[0])
