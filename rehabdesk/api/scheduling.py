"""JSON API for booking: what can be booked, when, and booking it. HTTP only — the
availability engine answers the searches, the booking service makes the bookings, and
rehabdesk.access decides whose bookings a person may touch."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status
from pydantic import model_validator

from rehabdesk.access.accessors import appointment_for, patient_for
from rehabdesk.access.policy import Action
from rehabdesk.api.auth import signed_in
from rehabdesk.api.fields import Id, Moment, Text, UrlId
from rehabdesk.api.free_times import availability_response
from rehabdesk.api.lookups import (
    OVERLAP_REASON_HELP,
    channel_for,
    known_location,
    known_practitioner,
    known_service,
    overlap_reason,
)
from rehabdesk.apitokens.choices import Scope
from rehabdesk.availability.types import Reason
from rehabdesk.clinic.calendar_configuration import calendar_configuration
from rehabdesk.clinic.selectors import (
    locations_active,
    practitioners_with_disciplines,
    service_price_on,
    services_for_display,
)
from rehabdesk.core.bounds import has_nul
from rehabdesk.core.errors import RequestError, RequestErrorCode
from rehabdesk.online.holds import api_hold
from rehabdesk.safety.services import booking_safety_validate
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import availability_search

router = Router(tags=["booking"])

SEARCH_DAYS = 14
MAX_SEARCH_DAYS = 92
# Enough for every free time of one practitioner over the longest search window (a
# start every 15 minutes of a 12-hour day is 48 a day, about 4,400 in 92 days).
MAX_LIMIT = 5000


class ServiceOut(Schema):
    id: int
    name: str
    discipline: str
    kind: str
    duration_minutes: int
    price: Decimal
    tax: Decimal
    total: Decimal
    online_bookable: bool
    patient_eligibility: str


class LocationOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    time_zone: str


class PractitionerOut(Schema):
    id: int
    display_name: str
    pronouns: str
    languages: list[str]
    disciplines: list[str]
    photo_url: str = Field(description="Their photo's full address, or empty when none.")


class SlotOut(Schema):
    start: datetime
    end: datetime
    practitioner_id: int
    location_id: int


class AvailabilityOut(Schema):
    slots: list[SlotOut]
    reason: Reason | None = Field(None, description="Why nothing is free, when `slots` is empty.")


class AvailabilityIn(Schema):
    service: UrlId
    location: list[UrlId] = Field(..., min_length=1, description="One location or several.")
    practitioner: UrlId | None = None
    start: Moment | None = Field(None, description="Default: now.")
    end: Moment | None = Field(None, description=f"Default: start + {SEARCH_DAYS} days.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def end_after_start(self) -> AvailabilityIn:
        if self.start and self.end and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class BookingIn(Schema):
    patient: Id
    service: Id
    practitioner: Id
    location: Id
    start: Moment
    channel: Channel | None = Field(
        None, description="Staff: phone, walk-in or staff (default). Patients book online."
    )
    note: Text = Field("", max_length=2000)
    overlap_reason: Text = Field("", max_length=200, description=OVERLAP_REASON_HELP)


class AppointmentOut(Schema):
    id: int
    patient_id: int
    practitioner_id: int
    service_id: int
    location_id: int
    start: datetime
    end: datetime
    status: str
    hold_expires_at: datetime | None
    channel: str
    series_id: int | None
    cancelled_by: str
    late_cancellation: bool
    fee_due: Decimal | None
    outside_hours_since: datetime | None
    overlap_reason: str = Field(
        description="Why the desk booked it over another of the patient's visits; "
        "empty for every other booking."
    )


@router.get("/services", response=list[ServiceOut], auth=None, summary="Services offered")
def list_services(request: HttpRequest) -> list[dict[str, object]]:
    today = timezone.localdate()
    rows = []
    for service in services_for_display():
        quote = service_price_on(service=service, on=today)
        rows.append(
            {
                "id": service.pk,
                "name": service.name,
                "discipline": service.discipline.name,
                "kind": service.kind,
                "duration_minutes": service.duration_minutes,
                "price": quote.price,
                "tax": quote.tax,
                "total": quote.total,
                "online_bookable": service.online_bookable,
                "patient_eligibility": service.patient_eligibility,
            }
        )
    return rows


@router.get("/locations", response=list[LocationOut], auth=None, summary="Locations")
def list_locations(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "id": location.pk,
            "name": location.name,
            "address": location.address,
            "phone": location.phone,
            "time_zone": location.time_zone,
        }
        for location in locations_active()
    ]


@router.get("/practitioners", response=list[PractitionerOut], auth=None, summary="The team")
def list_practitioners(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "id": practitioner.pk,
            "display_name": practitioner.display_name,
            "pronouns": practitioner.pronouns,
            "languages": practitioner.language_list,
            "disciplines": [d.name for d in practitioner.disciplines.all()],
            "photo_url": request.build_absolute_uri(practitioner.photo_url)
            if practitioner.photo_url
            else "",
        }
        for practitioner in practitioners_with_disciplines()
    ]


@router.get(
    "/availability",
    response=AvailabilityOut,
    auth=None,
    summary="Free start times",
    description="Earliest first, across every qualified practitioner at the locations "
    "(or one practitioner). When nothing is free, `reason` says why.",
)
def search_availability(
    request: HttpRequest, params: Annotated[AvailabilityIn, Query()]
) -> HttpResponse:
    now = timezone.now()
    # What a search needs of services and locations is kept with the clinic's
    # configuration: checking the ids reads nothing more.
    configuration = calendar_configuration()
    service = configuration.services.get(params.service)
    if service is None or not service.active:
        raise RequestError(
            RequestErrorCode.UNKNOWN, f"Unknown service {params.service}.", field="service"
        )
    locations = [configuration.locations.get(pk) for pk in params.location]
    if not all(location is not None and location.active for location in locations):
        raise RequestError(
            RequestErrorCode.UNKNOWN, "Unknown or inactive location.", field="location"
        )
    if params.practitioner is not None:
        known_practitioner(params.practitioner)
    channel = channel_for(request, None)
    start = params.start or now
    end = params.end or start + timedelta(days=SEARCH_DAYS)
    if end - start > timedelta(days=MAX_SEARCH_DAYS):
        raise RequestError(
            RequestErrorCode.OUT_OF_RANGE,
            f"Search at most {MAX_SEARCH_DAYS} days at a time.",
            field="end",
        )
    location_ids = list(dict.fromkeys(params.location))
    result = availability_search(
        service_id=params.service,
        location_ids=location_ids,
        start=start,
        end=end,
        now=now,
        channel=channel,
        practitioner_ids=None if params.practitioner is None else [params.practitioner],
        limit=params.limit,
        configuration=configuration,
    )
    if result.reason == Reason.BEYOND_HORIZON:
        days = configuration.locations[location_ids[0]].horizon.days
        raise RequestError(
            RequestErrorCode.OUT_OF_RANGE,
            f"Bookings open {days} days ahead: search an earlier date.",
            field="start",
        )
    # Written out: thousands of slots through the schema cost more than the search.
    return availability_response(result)


# What a retry with the same key answers, for both routes that take one.
IDEMPOTENCY = (
    "Send an `Idempotency-Key` header (a new random one, such as a UUID, for each "
    "request) to make retries safe. The same key with the same request — the same "
    "operation, body and account — answers the appointment it made, as it is now, "
    "before any rule is checked again, and makes nothing more; a retry once it has "
    "been cancelled answers 409 `already_cancelled`. The same key with anything else "
    "(another body, holding instead of booking, another account) answers 409 "
    "`idempotency_mismatch`."
)


@router.post(
    "/holds",
    response={201: AppointmentOut},
    auth=signed_in(Scope.BOOKING_WRITE),
    summary="Hold a time",
    description="One time held at once per patient: another while one is held and not "
    "yet run out answers 409 `too_many_holds` (confirm or cancel it first). An account "
    "holds at most 10 times an hour (429 `rate_limited`), like the booking pages. "
    f"{IDEMPOTENCY}",
)
def create_hold(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Status[Appointment]:
    appointment = api_hold(
        request=_booking_request(request, payload),
        actor=request.user,
        now=timezone.now(),
        idempotency_key=_key(idempotency_key),
        note=payload.note,
    )
    return Status(201, appointment)


@router.post(
    "/appointments",
    response={201: AppointmentOut},
    auth=signed_in(Scope.BOOKING_WRITE),
    summary="Book a time",
    description="A patient already booked then is refused (422 `patient_busy`) unless "
    f"the front desk sends `overlap_reason`. A service a safety alert or an undecided "
    "red flag holds for a practitioner is refused (422 `practitioner_decision_needed`). "
    f"{IDEMPOTENCY}",
)
def create_appointment(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Status[Appointment]:
    appointment = booking.appointment_book(
        request=_booking_request(request, payload),
        actor=request.user,
        now=timezone.now(),
        idempotency_key=_key(idempotency_key),
        note=payload.note,
    )
    return Status(201, appointment)


@router.get(
    "/appointments/{appointment_id}",
    response=AppointmentOut,
    auth=signed_in(Scope.SCHEDULE_READ),
)
def get_appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    return appointment_for(user=request.user, appointment_id=appointment_id)


@router.post(
    "/appointments/{appointment_id}/confirm",
    response=AppointmentOut,
    auth=signed_in(Scope.BOOKING_WRITE),
    summary="Turn a hold into a booking",
)
def confirm_appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = appointment_for(user=request.user, appointment_id=appointment_id, view=False)
    return booking.appointment_confirm(
        appointment=appointment, actor=request.user, now=timezone.now()
    )


def _booking_request(request: HttpRequest, payload: BookingIn) -> booking.BookingRequest:
    patient = patient_for(
        user=request.user,
        patient_id=payload.patient,
        action=Action.MANAGE_BOOKINGS,
        view=False,
        family=False,
    )
    service = known_service(payload.service)
    # A safety alert or an undecided red flag holds the booking for a practitioner
    # (422 `practitioner_decision_needed`, nothing clinical said).
    booking_safety_validate(patient_id=patient.pk, service=service)
    return booking.BookingRequest(
        patient=patient,
        practitioner=known_practitioner(payload.practitioner),
        service=service,
        location=known_location(payload.location),
        start=payload.start,
        channel=channel_for(request, payload.channel),
        overlap_reason=overlap_reason(request, payload.overlap_reason),
    )


def _key(header: str | None) -> str | None:
    if header is None:
        return None
    if not 8 <= len(header) <= 80 or has_nul(header):
        raise RequestError(
            RequestErrorCode.INVALID,
            "Idempotency-Key must be 8 to 80 characters, none of them NUL.",
            field="Idempotency-Key",
        )
    return header
