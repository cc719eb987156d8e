"""Reads for scheduling: free times, and appointments with what pages need of them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import QuerySet

from rehabdesk.availability import find_slots
from rehabdesk.availability.types import Result
from rehabdesk.clinic.models import Location, Service
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.models import Appointment


def availability_search(
    *,
    service: Service,
    locations: Sequence[Location],
    start: datetime,
    end: datetime,
    now: datetime,
    channel: str,
    practitioner_ids: Collection[int] | None = None,
    limit: int | None = None,
) -> Result:
    """Free start times for a service at these locations in [start, end), earliest
    first, with the reason when there are none. The API and the pages both use this."""
    query = build_query(
        service=service,
        locations=locations,
        start=start,
        end=end,
        now=now,
        channel=channel,
        practitioner_ids=practitioner_ids,
    )
    return find_slots(query, limit=limit)


def appointment_detail(*, appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.filter(pk=appointment_id)
        .select_related("patient", "practitioner", "service", "location")
        .prefetch_related("resource_holds__resource")
        .first()
    )


def appointments_for_patient(*, patient_id: int) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient_id=patient_id)
        .select_related("practitioner", "service", "location")
        .order_by("-start")
    )
