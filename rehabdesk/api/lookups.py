"""What both routers ask of a request before calling a service: the clinic's rows an id
in the body names (an unknown or inactive one answers 422 with the field at fault), the
channel a booking comes through, and whether the caller may book a patient's visits to
overlap."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.clinic.selectors import location_active, practitioner_active, service_active
from rehabdesk.core.errors import RequestError, RequestErrorCode
from rehabdesk.scheduling.choices import Channel

Row = TypeVar("Row", Service, Location, Practitioner)


def known_service(service_id: int) -> Service:
    return _known(service_active(service_id=service_id), service_id, "service")


def known_location(location_id: int) -> Location:
    return _known(location_active(location_id=location_id), location_id, "location")


def known_practitioner(practitioner_id: int) -> Practitioner:
    found = practitioner_active(practitioner_id=practitioner_id)
    return _known(found, practitioner_id, "practitioner")


def _known(found: Row | None, pk: int, field: str) -> Row:
    if found is None:
        raise RequestError(RequestErrorCode.UNKNOWN, f"Unknown {field} {pk}.", field=field)
    return found


def channel_for(request: HttpRequest, asked: Channel | None) -> Channel:
    """Patients (and anyone not on staff) book online, under the online rules; staff
    book by phone, walk-in or at the desk."""
    person = person_for(request.user)
    if not person.is_staff_member:
        return Channel.ONLINE
    if asked == Channel.ONLINE:
        raise RequestError(
            RequestErrorCode.INVALID,
            "Staff bookings are by phone, walk-in or staff.",
            field="channel",
        )
    return asked or Channel.STAFF


OVERLAP_REASON_HELP = (
    "Front desk only: book this visit over another of the patient's at the same time on "
    "purpose, and say why (a physio visit running into a massage with a second "
    "therapist). Back to back needs nothing. Anyone else sending it is refused (403)."
)


def overlap_reason(request: HttpRequest, reason: str) -> str:
    """A patient's visits overlap only when the front desk says so: patients book
    online, where they never may, and practitioners leave it to the desk."""
    if reason and not can(person_for(request.user), Capability.RUN_THE_DESK):
        raise RequestError(
            RequestErrorCode.NOT_ALLOWED,
            "Only the front desk books a patient's visits to overlap.",
            field="overlap_reason",
        )
    return reason
