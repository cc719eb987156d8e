"""The calendar file (.ics) that goes with a booking e-mail, so the appointment lands in
the patient's calendar at the right time — across a clock change too — and a later
change or cancellation updates or removes that same entry.

One event per appointment, always under the same UID. Its SEQUENCE counts the changes
in the appointment's history (moves, then the cancellation), so a calendar program
that honours UID and SEQUENCE (RFC 5546) replaces the entry on a change and removes it
on a cancellation, and ignores an older file arriving late. Times are local wall-clock
times with the location's TZID, and the VTIMEZONE that defines that zone is built from
the zone database (icalendar's Timezone.from_tzinfo), not written by hand — except a
visit that starts or ends inside the hour the clocks repeat in the autumn: a local
01:30 names two instants there, and calendar programs take the first (RFC 5545), so a
visit at the second 01:30 would show an hour early and one ending at the second 01:00
would end before it starts. Such a visit's times are written in UTC, which names one.

Like the subject, the event's summary says nothing about health beyond the service's
name; the description carries the practical detail (what to bring, price, phone).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from rehabdesk.scheduling.choices import EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent

PRODID = "-//Rehabdesk//Appointments//EN"
REQUEST = "REQUEST"  # a new or changed appointment
CANCEL = "CANCEL"  # a cancelled one
# Which booking message carries which kind of calendar file.
CALENDAR_METHODS = {
    "booking_confirmation": REQUEST,
    "booking_changed": REQUEST,
    "booking_cancelled": CANCEL,
}
# Changes that supersede the last file the patient received.
_REVISIONS = (EventKind.MOVED, EventKind.CANCELLED)


def calendar_uid(appointment: Appointment) -> str:
    """appointment-42@pro-fusion-rehab: the same for the appointment's whole life."""
    return f"appointment-{appointment.pk}@{appointment.location.clinic.slug}"


def calendar_sequence(appointment: Appointment) -> int:
    """How many times the appointment has been changed (moved or cancelled) so far:
    0 when booked, 1 after the first move, and one more when it is cancelled."""
    return AppointmentEvent.objects.filter(appointment=appointment, kind__in=_REVISIONS).count()


def appointment_calendar(
    appointment: Appointment,
    *,
    method: str,
    now: datetime,
    context: Mapping[str, object],
    recipient: str = "",
) -> str:
    """The .ics text for this appointment as it stands now: an invitation (REQUEST) or
    its cancellation (CANCEL). `context` is the message's (messages.booking_context),
    already formatted; `recipient` is the patient's address, named as the attendee."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"method is REQUEST or CANCEL, not {method!r}")
    location = appointment.location
    clinic = location.clinic
    zone = location.zone
    service = appointment.service
    start = appointment.start.astimezone(zone)
    end = appointment.end.astimezone(zone)
    if not (_one_instant(start) and _one_instant(end)):
        start, end = appointment.start.astimezone(UTC), appointment.end.astimezone(UTC)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    # The zone's rules for the years around the visit: enough for any calendar program
    # to place it, short enough to keep the file small.
    calendar.add_component(
        Timezone.from_tzinfo(
            zone,
            tzid=location.time_zone,
            first_date=date(start.year - 1, 1, 1),
            last_date=date(end.year + 2, 1, 1),
        )
    )

    event = Event()
    event.add("uid", calendar_uid(appointment))
    event.add("sequence", calendar_sequence(appointment))
    event.add("dtstamp", now)  # written in UTC, as the standard asks
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{service.name} at {clinic.name}")
    event.add("location", f"{clinic.name} {location.name}, {location.address}")
    event.add("description", _description(context))
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{sender_address or 'no-reply@localhost'}")
    organizer.params["cn"] = vText(clinic.name or sender_name)
    event.add("organizer", organizer)
    if recipient:
        attendee = vCalAddress(f"mailto:{recipient}")
        if appointment.patient is not None:
            attendee.params["cn"] = vText(appointment.patient.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _one_instant(local: datetime) -> bool:
    """Whether this wall-clock time names only this instant in its zone (not a time of
    the hour the clocks repeat)."""
    other = local.replace(fold=1 - local.fold)
    return other.astimezone(UTC) == local.astimezone(UTC)


def _description(context: Mapping[str, object]) -> str:
    return "\n".join(
        [
            f"{context['service_name']} with {context['practitioner_name']} "
            f"({context['duration_minutes']} minutes).",
            f"Price: {context['price_text']}.",
            f"What to bring: {context['what_to_bring']}",
            f"To change or cancel up to {context['cancellation_notice_hours']} hours before: "
            f"{context['manage_link']} — after that, call {context['location_phone']}.",
        ]
    )
