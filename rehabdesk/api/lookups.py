"""What both routers ask of a request before calling a service: the clinic's rows an id
in the body names (an unknown or inactive one answers 422 with the field at fault), and
the channel a booking comes through."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest

from rehabdesk.access.policy import person_for
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
