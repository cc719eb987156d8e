"""JSON API for what happens after booking: moving, cancelling, checking in, no-shows,
series, the waitlist and bookings caught by changed hours. HTTP only — the scheduling
services decide, rehabdesk.access decides whose bookings a person may touch."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from rehabdesk.access.accessors import (
    appointment_for,
    patient_for,
    require,
    waitlist_entry_for,
    waitlist_offer_for,
)
from rehabdesk.access.policy import Action, Capability, can, person_for
from rehabdesk.api.auth import signed_in
from rehabdesk.api.fields import ClockTime, Day, Id, Moment, Text, UrlId
from rehabdesk.api.lookups import (
    OVERLAP_REASON_HELP,
    channel_for,
    known_location,
    known_practitioner,
    known_service,
    overlap_reason,
)
from rehabdesk.api.scheduling import AppointmentOut
from rehabdesk.apitokens.choices import Scope
from rehabdesk.core.errors import RequestError, RequestErrorCode
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.choices import CancelledBy, DayPart, SeriesScope, WaitlistStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.selectors import outside_hours, patient_attendance, waitlist_entries
from rehabdesk.scheduling.services import series as series_services
from rehabdesk.scheduling.services import waitlist

# Every route names the scope a token needs for it; the router's is the fallback.
WRITE = signed_in(Scope.BOOKING_WRITE)
READ = signed_in(Scope.SCHEDULE_READ)
router = Router(tags=["after booking"], auth=WRITE)


class RescheduleIn(Schema):
    start: Moment
    practitioner: Id | None = Field(None, description="Default: the same practitioner.")
    location: Id | None = Field(None, description="Default: the same location.")
    overlap_reason: Text = Field("", max_length=200, description=OVERLAP_REASON_HELP)


class CancelIn(Schema):
    reason: Text = Field("", max_length=200)
    by: CancelledBy = Field(
        CancelledBy.PATIENT,
        description="Staff: `clinic` when the clinic cancels (no late fee). Patients "
        "always cancel as the patient.",
    )
    waive_fee: bool = Field(False, description="Staff only: record no late fee.")


class NoShowIn(Schema):
    waive_fee: bool = False


class AttendanceOut(Schema):
    late_cancellations: int
    no_shows: int
    fees_due: Decimal


class PatternIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday.")
    time: ClockTime


class SeriesIn(Schema):
    patient: Id
    practitioner: Id
    service: Id
    location: Id
    pattern: list[PatternIn] = Field(min_length=1, max_length=7)
    first_day: Day
    weeks: int = Field(ge=1, le=series_services.MAX_WEEKS)
    channel: Text | None = None


class SeriesOut(Schema):
    id: int
    appointments: list[AppointmentOut]


class SeriesChangeIn(Schema):
    scope: SeriesScope = SeriesScope.THIS
    start: Moment


class SeriesCancelIn(CancelIn):
    scope: SeriesScope = SeriesScope.THIS


class WaitlistIn(Schema):
    patient: Id
    service: Id
    practitioner: Id | None = Field(None, description="Empty: anyone.")
    locations: list[Id] = Field(min_length=1)
    weekdays: list[int] = Field(default_factory=list, description="0 Monday … 6 Sunday.")
    day_parts: list[DayPart] = Field(default_factory=list)
    valid_until: Day
    note: Text = Field("", max_length=200)


class WaitlistOut(Schema):
    id: int
    patient_id: int
    service_id: int
    practitioner_id: int | None
    location_ids: list[int]
    weekdays: list[int]
    day_parts: list[str]
    valid_until: date
    status: str
    created_at: datetime

    @staticmethod
    def resolve_location_ids(entry: WaitlistEntry) -> list[int]:
        return [location.pk for location in entry.locations.all()]


class OfferOut(Schema):
    id: int
    entry_id: int
    appointment: AppointmentOut
    status: str
    expires_at: datetime


# --- One appointment ------------------------------------------------------------------


@router.post("/appointments/{appointment_id}/reschedule", response=AppointmentOut, auth=WRITE)
def reschedule_appointment(
    request: HttpRequest, appointment_id: int, payload: RescheduleIn
) -> Appointment:
    appointment = appointment_for(user=request.user, appointment_id=appointment_id, view=False)
    reason = overlap_reason(request, payload.overlap_reason)
    return booking.appointment_reschedule(
        appointment=appointment,
        start=payload.start,
        actor=request.user,
        now=timezone.now(),
        channel=channel_for(request, None),
        practitioner=None
        if payload.practitioner is None
        else known_practitioner(payload.practitioner),
        location=None if payload.location is None else known_location(payload.location),
        overlap_reason=reason,
    )


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut, auth=WRITE)
def cancel_appointment(
    request: HttpRequest, appointment_id: int, payload: CancelIn | None = None
) -> Appointment:
    payload = payload or CancelIn.model_validate({})
    appointment = appointment_for(user=request.user, appointment_id=appointment_id, view=False)
    by, waive_fee = _cancel_terms(request, payload)
    return booking.appointment_cancel(
        appointment=appointment,
        actor=request.user,
        now=timezone.now(),
        by=by,
        reason=payload.reason,
        waive_fee=waive_fee,
    )


@router.post("/appointments/{appointment_id}/arrive", response=AppointmentOut, auth=WRITE)
def check_in(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = _desk_appointment(request, appointment_id)
    return booking.appointment_arrive(
        appointment=appointment, actor=request.user, now=timezone.now()
    )


@router.post("/appointments/{appointment_id}/noshow", response=AppointmentOut, auth=WRITE)
def mark_noshow(
    request: HttpRequest, appointment_id: int, payload: NoShowIn | None = None
) -> Appointment:
    appointment = _desk_appointment(request, appointment_id)
    return booking.appointment_mark_noshow(
        appointment=appointment,
        actor=request.user,
        now=timezone.now(),
        waive_fee=bool(payload and payload.waive_fee),
    )


@router.post("/appointments/{appointment_id}/keep", response=AppointmentOut, auth=WRITE)
def keep_outside_hours(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = _desk_appointment(request, appointment_id)
    return booking.appointment_keep(appointment=appointment, actor=request.user, now=timezone.now())


@router.get(
    "/patients/{patient_id}/attendance", response=AttendanceOut, auth=signed_in(Scope.PATIENTS_READ)
)
def attendance(request: HttpRequest, patient_id: int) -> object:
    patient = patient_for(
        user=request.user,
        patient_id=patient_id,
        action=Action.MANAGE_BOOKINGS,
        summary="patient attendance",
        view=True,
    )
    return patient_attendance(patient_id=patient.pk)


@router.get(
    "/changed-hours", response=list[AppointmentOut], summary="Bookings to resolve", auth=READ
)
def changed_hours(request: HttpRequest, location: UrlId | None = None) -> list[Appointment]:
    """Booked appointments that changed hours, time off, a closure or a registration left
    outside what is allowed: move, keep or cancel each."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    return list(outside_hours(location_ids=None if location is None else [location]))


# --- Series ---------------------------------------------------------------------------


@router.post("/series", response={201: SeriesOut}, summary="Book a recurring series", auth=WRITE)
def create_series(request: HttpRequest, payload: SeriesIn) -> Status[dict[str, object]]:
    """All dates or none: a 409 `series_conflict` lists each date that is not free
    with the nearest free time."""
    patient = patient_for(
        user=request.user, patient_id=payload.patient, action=Action.MANAGE_BOOKINGS, view=False
    )
    plan = series_services.SeriesPlan(
        patient=patient,
        practitioner=known_practitioner(payload.practitioner),
        service=known_service(payload.service),
        location=known_location(payload.location),
        channel=channel_for(request, None),
        pattern=[(p.weekday, p.time) for p in payload.pattern],
        first_day=payload.first_day,
        weeks=payload.weeks,
    )
    created = series_services.series_book(plan=plan, actor=request.user, now=timezone.now())
    return Status(
        201, {"id": created.pk, "appointments": list(created.appointments.order_by("start"))}
    )


@router.post(
    "/appointments/{appointment_id}/series/reschedule", response=list[AppointmentOut], auth=WRITE
)
def reschedule_in_series(
    request: HttpRequest, appointment_id: int, payload: SeriesChangeIn
) -> list[Appointment]:
    appointment = appointment_for(user=request.user, appointment_id=appointment_id, view=False)
    return series_services.series_reschedule(
        appointment=appointment,
        start=payload.start,
        scope=payload.scope,
        actor=request.user,
        now=timezone.now(),
        channel=channel_for(request, None),
    )


@router.post(
    "/appointments/{appointment_id}/series/cancel", response=list[AppointmentOut], auth=WRITE
)
def cancel_in_series(
    request: HttpRequest, appointment_id: int, payload: SeriesCancelIn
) -> list[Appointment]:
    appointment = appointment_for(user=request.user, appointment_id=appointment_id, view=False)
    by, _ = _cancel_terms(request, payload)
    return series_services.series_cancel(
        appointment=appointment,
        scope=payload.scope,
        by=by,
        actor=request.user,
        now=timezone.now(),
        reason=payload.reason,
    )


# --- Waitlist -------------------------------------------------------------------------


@router.post(
    "/waitlist", response={201: WaitlistOut}, summary="Put a patient on the waitlist", auth=WRITE
)
def join_waitlist(request: HttpRequest, payload: WaitlistIn) -> Status[WaitlistEntry]:
    patient = patient_for(
        user=request.user, patient_id=payload.patient, action=Action.MANAGE_BOOKINGS, view=False
    )
    locations = [known_location(pk) for pk in payload.locations]
    wish = waitlist.Wish(
        patient=patient,
        service=known_service(payload.service),
        practitioner=None
        if payload.practitioner is None
        else known_practitioner(payload.practitioner),
        locations=locations,
        weekdays=payload.weekdays,
        day_parts=[str(part) for part in payload.day_parts],
        valid_until=payload.valid_until,
        note=payload.note,
    )
    return Status(201, waitlist.waitlist_add(wish=wish, actor=request.user, now=timezone.now()))


@router.get("/waitlist", response=list[WaitlistOut], summary="Who is waiting", auth=READ)
def list_waitlist(
    request: HttpRequest,
    location: UrlId | None = None,
    status: WaitlistStatus = WaitlistStatus.WAITING,
) -> list[WaitlistEntry]:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    return waitlist_entries(status=status, location_id=location)


@router.post("/waitlist/{entry_id}/withdraw", response=WaitlistOut, auth=WRITE)
def withdraw_from_waitlist(request: HttpRequest, entry_id: int) -> WaitlistEntry:
    entry = waitlist_entry_for(user=request.user, entry_id=entry_id)
    return waitlist.waitlist_withdraw(entry=entry, actor=request.user, now=timezone.now())


@router.post("/waitlist-offers/{offer_id}/accept", response=OfferOut, auth=WRITE)
def accept_offer(request: HttpRequest, offer_id: int) -> WaitlistOffer:
    offer = waitlist_offer_for(user=request.user, offer_id=offer_id)
    return waitlist.waitlist_offer_accept(offer=offer, actor=request.user, now=timezone.now())


@router.post("/waitlist-offers/{offer_id}/decline", response=OfferOut, auth=WRITE)
def decline_offer(request: HttpRequest, offer_id: int) -> WaitlistOffer:
    offer = waitlist_offer_for(user=request.user, offer_id=offer_id)
    return waitlist.waitlist_offer_decline(offer=offer, actor=request.user, now=timezone.now())


# --- Helpers --------------------------------------------------------------------------


def _cancel_terms(request: HttpRequest, payload: CancelIn) -> tuple[CancelledBy, bool]:
    """Patients cancel as the patient; only the desk cancels for the clinic or waives."""
    desk = can(person_for(request.user), Capability.RUN_THE_DESK)
    if not desk and (payload.by != CancelledBy.PATIENT or payload.waive_fee):
        raise RequestError(
            RequestErrorCode.NOT_ALLOWED,
            "Only the front desk cancels for the clinic or waives a fee.",
        )
    return payload.by, payload.waive_fee


def _desk_appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    return appointment_for(user=request.user, appointment_id=appointment_id, view=False)
