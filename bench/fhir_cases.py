"""The FHIR read API (issue 26, docs/fhir.md), in-process as the front desk's staff
session (a token would count against its rate limit, not what these time):

- `fhir-appointment-day`: `GET /fhir/Appointment?date=<day>&location=<id>&_count=100`
  for the busiest location-day ahead: the policy's filter, the page, its audit event,
  the Bundle;
- `fhir-slot-14-days`: `GET /fhir/Slot?schedule=…&service-type=…&start=ge…&start=lt…`
  over the next 14 days for the physiotherapist with the most working hours and the
  30-minute physiotherapy follow-up, `_count=100`: the availability engine, the Bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone

from bench.clients import staff_client
from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Service, WorkingHours
from rehabdesk.scheduling.choices import ACTIVE_STATUSES
from rehabdesk.scheduling.models import Appointment

APPOINTMENT_DAY_TARGET_P95_MS = 80.0
SLOT_14_DAYS_TARGET_P95_MS = 100.0
SERVICE = "physiotherapy-follow-up-30-minutes"

Operation = Callable[[], object]


class FhirCaseError(RuntimeError):
    pass


def _front_desk() -> Client:
    desk = User.objects.filter(email__startswith="frontdesk.", is_active=True).order_by("pk")
    user = desk.first()
    if user is None:
        raise FhirCaseError("the dataset has no front desk")
    return staff_client(user)


def _bundle_ok(client: Client, path: str, *, entries: bool = True) -> Operation:
    def get() -> HttpResponseBase:
        response = client.get(path)
        if response.status_code != 200:
            raise FhirCaseError(f"GET {path} answered {response.status_code}, not 200")
        return response

    first = get()
    if entries and b'"entry":[]' in first.content:  # type: ignore[attr-defined]
        raise FhirCaseError(f"GET {path} found nothing: it would time an empty search")
    return get


def appointment_day() -> Operation:
    busiest = (
        Appointment.objects.filter(status__in=ACTIVE_STATUSES, start__gte=timezone.now())
        .annotate(day=TruncDate("start"))
        .values("location_id", "day")
        .annotate(booked=Count("pk"))
        .order_by("-booked", "day")
        .first()
    )
    if busiest is None:
        raise FhirCaseError("the dataset has no bookings ahead")
    query = {"date": busiest["day"].isoformat(), "location": busiest["location_id"], "_count": 100}
    return _bundle_ok(_front_desk(), f"/fhir/Appointment?{urlencode(query)}")


def slot_14_days() -> Operation:
    service = (
        Service.objects.filter(slug=SERVICE).first()
        or Service.objects.filter(active=True, discipline__slug="physiotherapy")
        .order_by("duration_minutes", "pk")
        .first()
    )
    if service is None:
        raise FhirCaseError("the dataset has no physiotherapy service")
    pair = (
        WorkingHours.objects.filter(practitioner__disciplines=service.discipline_id)
        .values("practitioner_id", "location_id")
        .annotate(shifts=Count("pk"))
        .order_by("-shifts", "practitioner_id", "location_id")
        .first()
    )
    if pair is None:
        raise FhirCaseError("no physiotherapist has working hours")
    today = timezone.localdate()
    query = [
        ("schedule", f"Schedule/{pair['practitioner_id']}-{pair['location_id']}"),
        ("service-type", str(service.pk)),
        ("start", f"ge{today.isoformat()}"),
        ("start", f"lt{(today + timedelta(days=14)).isoformat()}"),
        ("_count", "100"),
    ]
    return _bundle_ok(_front_desk(), f"/fhir/Slot?{urlencode(query)}")
