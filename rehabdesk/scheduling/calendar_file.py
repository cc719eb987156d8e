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

The calendar feeds (docs/domain/calendar-feeds.md) are written here too, by the same
event writer and under the same UIDs and SEQUENCE, so a visit a practitioner or patient
sees in a subscribed calendar is the entry an e-mail's file would replace. A feed holds
visits at several locations, possibly in several zones, so its times are written in UTC
(one instant each, no VTIMEZONE needed); a closure is a whole-day event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from rehabdesk.clinic.models import Closure, Location
from rehabdesk.scheduling.choices import EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent

PRODID = "-//Rehabdesk//Appointments//EN"
REQUEST = "REQUEST"  # a new or changed appointment
CANCEL = "CANCEL"  # a cancelled one
PUBLISH = "PUBLISH"  # a feed: a calendar to subscribe to, nobody invited
# How often a calendar program should fetch a feed again (RFC 7986 and Outlook's name).
FEED_REFRESH = timedelta(hours=1)
# Which booking message carries which kind of calendar file.
CALENDAR_METHODS = {
    "booking_confirmation": REQUEST,
    "booking_changed": REQUEST,
    "booking_cancelled": CANCEL,
}
# Changes that supersede the last file the patient received.
REVISIONS = (EventKind.MOVED, EventKind.CANCELLED)


def calendar_uid(appointment: Appointment) -> str:
    """appointment-42@pro-fusion-rehab: the same for the appointment's whole life."""
    return f"appointment-{appointment.pk}@{appointment.location.clinic.slug}"


def calendar_sequence(appointment: Appointment) -> int:
    """How many times the appointment has been changed (moved or cancelled) so far:
    0 when booked, 1 after the first move, and one more when it is cancelled."""
    return AppointmentEvent.objects.filter(appointment=appointment, kind__in=REVISIONS).count()


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

    calendar = _calendar(method)
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

    event = _event(
        uid=calendar_uid(appointment),
        sequence=calendar_sequence(appointment),
        now=now,
        start=start,
        end=end,
        summary=f"{service.name} at {clinic.name}",
        where=f"{clinic.name} {location.name}, {location.address}",
        cancelled=method == CANCEL,
    )
    event.add("description", _description(context))
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


@dataclass(frozen=True)
class FeedEntry:
    """One visit as a feed shows it: what its summary and location say (the caller
    decides how much: a practitioner's feed names the patient by initials at most) and
    its SEQUENCE, counted for all of a feed's visits at once."""

    appointment: Appointment
    summary: str
    where: str
    sequence: int


def feed_calendar(*, name: str, entries: Sequence[FeedEntry], now: datetime) -> str:
    """A subscribed calendar of visits (METHOD:PUBLISH), each under the UID its e-mails'
    files use, times in UTC. The location must come with its clinic (the UID names it)."""
    calendar = _feed(name)
    for entry in entries:
        appointment = entry.appointment
        calendar.add_component(
            _event(
                uid=calendar_uid(appointment),
                sequence=entry.sequence,
                now=now,
                start=appointment.start.astimezone(UTC),
                end=appointment.end.astimezone(UTC),
                summary=entry.summary,
                where=entry.where,
                cancelled=False,
            )
        )
    return calendar.to_ical().decode()


def closures_calendar(*, location: Location, closures: Sequence[Closure], now: datetime) -> str:
    """A location's closures as whole-day events (DTEND the day after the last, as
    RFC 5545 counts), for anyone to subscribe to: nothing in it is personal."""
    clinic = location.clinic
    calendar = _feed(f"{clinic.name} {location.name}: closures")
    for closure in closures:
        event = Event()
        event.add("uid", f"closure-{closure.pk}@{clinic.slug}")
        event.add("dtstamp", now)
        event.add("dtstart", closure.first_day)
        event.add("dtend", closure.last_day + timedelta(days=1))
        event.add("summary", f"{location.name} closed: {closure.name}")
        event.add("location", f"{clinic.name} {location.name}, {location.address}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical().decode()


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _feed(name: str) -> Calendar:
    calendar = _calendar(PUBLISH)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    return calendar


def _event(
    *,
    uid: str,
    sequence: int,
    now: datetime,
    start: datetime,
    end: datetime,
    summary: str,
    where: str,
    cancelled: bool,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now)  # written in UTC, as the standard asks
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", where)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


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
