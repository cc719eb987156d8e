"""Calendar feeds read by their secret address (docs/domain/calendar-feeds.md).

A calendar program cannot sign in, so the address is the credential: whoever holds it
reads what its owner would, no more. Reading a feed is a look at patient information —
times and places of visits, a practitioner's patients by initials — so each fetch is
one audited VIEW in the owner's name, linking every patient it listed.

What a practitioner's feed says of a patient is the clinic's setting (initials, first
name and initial, or nothing: Clinic.feed_patient_label). A patient whose lockbox
withholds their record from that practitioner is listed as "Booked" with no name: the
practitioner keeps the time blocked, the calendar outside the clinic learns nothing of
who. The service, notes and anything clinical are never in a feed.

The owner's standing is asked again at each fetch: a practitioner who is no longer
one, or an account switched off, makes the address answer 404 like a revoked one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from rehabdesk.access.lockbox import withheld_patients
from rehabdesk.access.policy import Person, person_for
from rehabdesk.accounts.roles import Role
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.choices import FeedPatientLabel
from rehabdesk.clinic.models import Clinic
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.calendar_file import FeedEntry, closures_calendar, feed_calendar
from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import (
    feed_by_secret,
    feed_clinic,
    location_closures,
    patient_feed_visits,
    practitioner_feed_visits,
)
from rehabdesk.scheduling.services import calendar_feed_fetched

FEED = "scheduling.calendarfeed"
BOOKED = "Booked"
# A practitioner's feed looks this far back (the week's notes, last month's visits).
PRACTITIONER_PAST = timedelta(days=30)
CLOSURES_PAST = timedelta(days=30)


def feed_calendar_for(*, secret: str, now: datetime) -> str | None:
    """The .ics text of the live feed this secret opens, the fetch audited and noted;
    None for an unknown or revoked secret, or an owner who may no longer have it."""
    feed = feed_by_secret(secret=secret)
    if feed is None:
        return None
    person = person_for(feed.owner)
    clinic = feed_clinic()
    if clinic is None:
        return None
    if feed.kind == FeedKind.PRACTITIONER:
        if person.practitioner_id is None or Role.PRACTITIONER not in person.roles:
            return None
        text, patient_ids = _practitioner_feed(person.practitioner_id, clinic, now)
        summary = "calendar feed: the practitioner's appointments"
    else:
        if person.patient_id is None:
            return None
        text, patient_ids = _patient_feed(person, clinic, now)
        summary = "calendar feed: upcoming visits"
    with transaction.atomic():
        audit_record(
            actor=feed.owner,
            action=AuditAction.VIEW,
            object_type=FEED,
            object_id=feed.pk,
            patient_ids=patient_ids,
            summary=summary,
            now=now,
        )
    calendar_feed_fetched(feed=feed, now=now)
    return text


def closures_calendar_for(*, slug: str, now: datetime) -> str | None:
    """A location's closures from a month back, public (nothing personal in them): None
    for an unknown or inactive location."""
    since = now.date() - CLOSURES_PAST
    found = location_closures(slug=slug, since=since)
    if found is None:
        return None
    location, closures = found
    return closures_calendar(location=location, closures=closures, now=now)


def patient_label(patient: Patient | None, label: str) -> str:
    """ "Appointment — J.S.", "Appointment — Jane S." or "Booked", as the clinic chose."""
    if patient is None or label == FeedPatientLabel.BOOKED:
        return BOOKED
    given = (patient.preferred_name or patient.first_name).strip()
    family = patient.last_name.strip()
    if label == FeedPatientLabel.FIRST_NAME and given:
        name = f"{given} {family[:1].upper()}." if family else given
    else:
        name = "".join(f"{part[:1].upper()}." for part in (given, family) if part)
    return f"Appointment — {name}" if name else BOOKED


def _practitioner_feed(
    practitioner_id: int, clinic: Clinic, now: datetime
) -> tuple[str, list[int]]:
    visits = practitioner_feed_visits(
        practitioner_id=practitioner_id,
        since=now - PRACTITIONER_PAST,
        until=now + timedelta(days=clinic.booking_horizon_days),
        nameless=withheld_patients(practitioner_id=practitioner_id, now=now),
    )
    entries = [
        FeedEntry(
            appointment=visit,
            summary=BOOKED
            if getattr(visit, "nameless", False)
            else patient_label(visit.patient, clinic.feed_patient_label),
            where=_where(visit, rooms=[hold.resource.name for hold in getattr(visit, "rooms", [])]),
            sequence=getattr(visit, "revisions", 0),
        )
        for visit in visits
    ]
    text = feed_calendar(name=f"{clinic.name}: my appointments", entries=entries, now=now)
    return text, sorted({v.patient_id for v in visits if v.patient_id is not None})


def _patient_feed(person: Person, clinic: Clinic, now: datetime) -> tuple[str, list[int]]:
    visits = patient_feed_visits(patient_ids=person.managed_patient_ids, now=now)
    entries = [
        FeedEntry(
            appointment=visit,
            summary=_visit_summary(visit, own=visit.patient_id == person.patient_id),
            where=_where(visit, rooms=[]),
            sequence=getattr(visit, "revisions", 0),
        )
        for visit in visits
    ]
    text = feed_calendar(name=f"{clinic.name}: my visits", entries=entries, now=now)
    # The look concerns everyone whose visits it could list, shown or none booked.
    return text, sorted(person.managed_patient_ids)


def _visit_summary(visit: Appointment, *, own: bool) -> str:
    summary = f"{visit.service.name} with {visit.practitioner.display_name}"
    if own or visit.patient is None:
        return summary
    return f"{summary} — {visit.patient.preferred_name or visit.patient.first_name}"


def _where(visit: Appointment, *, rooms: list[str]) -> str:
    location = visit.location
    return ", ".join([f"{location.clinic.name} {location.name}", *rooms, location.address])
