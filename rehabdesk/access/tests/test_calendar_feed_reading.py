"""Reading a calendar feed by its secret (access/feeds.py): parsed back with icalendar,
a practitioner's feed names patients by initials at most and says nothing clinical,
keeps the e-mails' UIDs and SEQUENCE, writes UTC right across the 2027 spring change,
keeps the lockbox, and puts each fetch on the audit trail; a patient's feed lists their
family's upcoming visits; a location's closures are public."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from rehabdesk.access.access_report import Concern, clinic_access_report_for
from rehabdesk.access.feeds import closures_calendar_for, feed_calendar_for, patient_label
from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic.choices import FeedPatientLabel, Weekday
from rehabdesk.clinic.models import Clinic, Closure, Location, OpeningHours, Practitioner
from rehabdesk.clinic.services import closure_save
from rehabdesk.clinic.testing import make_shift
from rehabdesk.consents.choices import ConsentChannel, DirectiveMode, DirectiveScope
from rehabdesk.consents.lockbox import directive_set, directive_withdraw
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.calendar_file import calendar_uid
from rehabdesk.scheduling.choices import CancelledBy, Channel, FeedKind
from rehabdesk.scheduling.messages import RELATED_TYPE
from rehabdesk.scheduling.models import CalendarFeed
from rehabdesk.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_reschedule,
    calendar_feed_create,
    calendar_feed_turn_off,
)
from rehabdesk.scheduling.testing import NOW, TORONTO, at, build_booking_world

pytestmark = pytest.mark.django_db

SPRING_FORWARD = datetime(2027, 3, 14, 10, 0, tzinfo=TORONTO)  # Sunday, EDT (UTC−4)
FRIDAY_BEFORE = datetime(2027, 3, 12, 10, 0, tzinfo=TORONTO)  # EST (UTC−5)
NOTE = "Knee pain since the fall; bring the MRI report"


@pytest.fixture
def world(personas):
    """The booking world, open on Sundays too (the clock-change day)."""
    world = build_booking_world(personas)
    OpeningHours.objects.create(
        location=world.pickering, weekday=Weekday.SUNDAY, opens=time(9), closes=time(17)
    )
    make_shift(world.physio, world.pickering, Weekday.SUNDAY, "09:00", "17:00")
    world.personas = personas
    return world


def book(world, start, **request):
    return appointment_book(request=world.request(start, **request), actor=None, now=NOW, note=NOTE)


def secret_of(owner, kind=FeedKind.PRACTITIONER):
    return calendar_feed_create(
        owner=owner, kind=kind, actor=owner, now=NOW - timedelta(days=1)
    ).secret


def read(secret, now=NOW):
    text = feed_calendar_for(secret=secret, now=now)
    assert text is not None
    return text, Calendar.from_ical(text)


def summaries(calendar):
    return [str(event["SUMMARY"]) for event in calendar.events]


def test_it_lists_the_practitioners_visits_by_initials_and_nothing_clinical(world):
    alice = book(world, at(9, 10))
    bob = book(world, at(9, 11), patient=world.other_patient)
    book(
        world,
        at(9, 13),
        patient=world.other_patient,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    text, calendar = read(secret_of(world.physio.user))
    assert calendar["METHOD"] == "PUBLISH"
    assert summaries(calendar) == ["Appointment — A.A.", "Appointment — B.B."]
    first = calendar.events[0]
    assert first["UID"] == calendar_uid(alice)
    assert first.decoded("DTSTART") == alice.start
    assert first.decoded("DTSTAMP") == NOW.astimezone(UTC)
    assert first["STATUS"] == "CONFIRMED"
    assert "DESCRIPTION" not in first
    room = alice.resource_holds.get().resource.name
    assert str(first["LOCATION"]).startswith(f"{world.pickering.clinic.name} Pickering, {room},")
    assert world.pickering.address in str(first["LOCATION"])
    assert calendar.events[1]["UID"] == calendar_uid(bob)
    # No name, no service, no note, no contact, nothing of the massage therapist's.
    unfolded = text.replace("\r\n ", "")
    contact = (world.patient.email, world.patient.phone, world.other_patient.email)
    for leak in ("Alice", "Anders", "Bob", "Brown", "Follow-up", "Massage", NOTE, *contact):
        assert leak not in unfolded


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (FeedPatientLabel.INITIALS, "Appointment — A.A."),
        (FeedPatientLabel.FIRST_NAME, "Appointment — Alice A."),
        (FeedPatientLabel.BOOKED, "Booked"),
    ],
)
def test_the_clinic_chooses_how_a_patient_is_named(world, label, expected):
    Clinic.objects.update(feed_patient_label=label)
    book(world, at(9, 10))
    _, calendar = read(secret_of(world.physio.user))
    assert summaries(calendar) == [expected]


def test_a_preferred_name_is_the_one_used_and_a_nameless_patient_is_booked(world):
    patient = world.patient
    patient.preferred_name = "Ali"
    assert patient_label(patient, FeedPatientLabel.INITIALS) == "Appointment — A.A."
    assert patient_label(patient, FeedPatientLabel.FIRST_NAME) == "Appointment — Ali A."
    patient.preferred_name, patient.first_name, patient.last_name = "", " ", ""
    assert patient_label(patient, FeedPatientLabel.INITIALS) == "Booked"
    assert patient_label(None, FeedPatientLabel.INITIALS) == "Booked"


def test_cancelled_and_held_visits_are_left_out(world):
    kept = book(world, at(9, 10))
    cancelled = book(world, at(9, 11), patient=world.other_patient)
    appointment_cancel(appointment=cancelled, actor=None, now=NOW, by=CancelledBy.PATIENT)
    appointment_hold(request=world.request(at(10, 9)), actor=None, now=NOW)
    _, calendar = read(secret_of(world.physio.user))
    assert [event["UID"] for event in calendar.events] == [calendar_uid(kept)]


def test_it_looks_thirty_days_back_and_as_far_ahead_as_patients_may_book(world):
    visit = book(world, at(9, 10))
    secret = secret_of(world.physio.user)
    horizon = timedelta(days=world.pickering.clinic.booking_horizon_days)
    assert len(read(secret, now=visit.start + timedelta(days=29))[1].events) == 1
    assert len(read(secret, now=visit.start + timedelta(days=31))[1].events) == 0
    assert len(read(secret, now=visit.start - horizon + timedelta(hours=1))[1].events) == 1
    assert len(read(secret, now=visit.start - horizon - timedelta(hours=1))[1].events) == 0


def test_times_are_in_utc_on_both_sides_of_the_spring_change(world):
    before = book(world, FRIDAY_BEFORE)
    after = book(world, SPRING_FORWARD, patient=world.other_patient)
    text, calendar = read(secret_of(world.physio.user))
    # 10:00 EST is 15:00 UTC; 10:00 EDT, two days later, is 14:00 UTC.
    assert "DTSTART:20270312T150000Z" in text
    assert "DTEND:20270312T153000Z" in text
    assert "DTSTART:20270314T140000Z" in text
    assert "TZID" not in text
    assert "VTIMEZONE" not in text
    starts = [event.decoded("DTSTART") for event in calendar.events]
    assert starts == [before.start, after.start]
    assert all(start.tzinfo is not None and start.utcoffset() == timedelta(0) for start in starts)


def test_a_moved_visit_keeps_the_emails_uid_and_sequence(world):
    visit = book(world, FRIDAY_BEFORE)
    appointment_reschedule(
        appointment=visit, start=SPRING_FORWARD, actor=None, now=NOW, channel=Channel.STAFF
    )
    _, calendar = read(secret_of(world.physio.user))
    [event] = calendar.events
    changed = OutboxMessage.objects.get(
        related_type=RELATED_TYPE, related_id=str(visit.pk), kind="booking_changed"
    )
    [emailed] = Calendar.from_ical(changed.calendar).events
    assert event["UID"] == emailed["UID"]
    assert event["SEQUENCE"] == emailed["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == SPRING_FORWARD.astimezone(UTC)


def test_a_patient_who_withholds_their_record_from_the_practitioner_is_only_booked(world):
    book(world, at(9, 10))
    book(world, at(9, 11), patient=world.other_patient)
    directive = directive_set(
        patient=world.patient,
        scope=DirectiveScope.RECORD,
        mode=DirectiveMode.FROM_NAMED,
        practitioner_ids=[world.physio.pk],
        channel=ConsentChannel.ONLINE,
        actor=world.patient.user,
        now=NOW,
    )
    secret = secret_of(world.physio.user)
    text, calendar = read(secret)
    assert summaries(calendar) == ["Booked", "Appointment — B.B."]
    assert "A.A." not in text
    # Withheld from the massage therapist only: the physio sees initials again.
    directive_withdraw(directive=directive, actor=world.patient.user, now=NOW)
    directive_set(
        patient=world.patient,
        scope=DirectiveScope.RECORD,
        mode=DirectiveMode.FROM_NAMED,
        practitioner_ids=[world.massage_therapist.pk],
        channel=ConsentChannel.ONLINE,
        actor=world.patient.user,
        now=NOW,
    )
    assert summaries(read(secret)[1]) == ["Appointment — A.A.", "Appointment — B.B."]


def test_each_fetch_is_one_audited_view_in_the_practitioners_name(world):
    book(world, at(9, 10))
    book(world, at(9, 11), patient=world.other_patient)
    secret = secret_of(world.physio.user)
    read(secret)
    read(secret, now=NOW + timedelta(minutes=5))
    views = AuditEvent.objects.filter(object_type="scheduling.calendarfeed", action="view")
    assert views.count() == 2
    feed = CalendarFeed.objects.get(owner=world.physio.user)
    for event in views:
        assert event.actor_id == world.physio.user_id
        assert event.object_id == str(feed.pk)
        assert set(event.patient_links.values_list("patient_id", flat=True)) == {
            world.patient.pk,
            world.other_patient.pk,
        }
        assert secret not in f"{event.summary} {event.object_id}"


def test_the_last_fetch_is_written_at_most_once_an_hour(world):
    secret = secret_of(world.physio.user)
    feed = CalendarFeed.objects.get(owner=world.physio.user)

    def fetch_writes(now):
        with CaptureQueriesContext(connection) as queries:
            read(secret, now=now)
        return [q for q in queries if q["sql"].startswith("UPDATE") and "calendarfeed" in q["sql"]]

    assert len(fetch_writes(NOW)) == 1
    assert fetch_writes(NOW + timedelta(minutes=59)) == []
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW
    assert len(fetch_writes(NOW + timedelta(minutes=61))) == 1
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW + timedelta(minutes=61)


def test_it_reads_in_the_same_number_of_queries_for_two_visits_or_six(world):
    secret = secret_of(world.physio.user)
    for hour in (9, 10):
        book(world, at(9, hour))

    def count():
        with CaptureQueriesContext(connection) as queries:
            read(secret)
        return len(queries)

    read(secret)  # the first fetch of the hour notes it: one UPDATE more
    few = count()
    for hour in (13, 14, 15, 16):
        book(world, at(9, hour), patient=world.other_patient)
    assert count() == few


def test_an_unknown_revoked_or_orphaned_secret_reads_nothing(world):
    book(world, at(9, 10))
    assert feed_calendar_for(secret="x" * 43, now=NOW) is None
    made = calendar_feed_create(
        owner=world.physio.user, kind=FeedKind.PRACTITIONER, actor=None, now=NOW
    )
    calendar_feed_turn_off(feed=made.feed, actor=None, now=NOW)
    assert feed_calendar_for(secret=made.secret, now=NOW) is None
    # A practitioner no longer practising here: their live address reads nothing.
    secret = secret_of(world.physio.user)
    Practitioner.objects.filter(pk=world.physio.pk).update(active=False)
    assert feed_calendar_for(secret=secret, now=NOW) is None
    assert not AuditEvent.objects.filter(action="view", object_type="scheduling.calendarfeed")


def test_a_patients_feed_lists_their_familys_upcoming_visits(world):
    p = world.personas
    own = book(world, at(9, 10), patient=p.guardian)
    childs = book(
        world,
        at(9, 11),
        patient=p.child,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    book(world, at(9, 14), patient=world.other_patient)
    secret = secret_of(p.guardian.user, FeedKind.PATIENT)
    _, calendar = read(secret)
    assert summaries(calendar) == [
        f"Follow-up with {world.physio.display_name}",
        f"Massage, 60 minutes with {world.massage_therapist.display_name} — Charlie",
    ]
    assert [event["UID"] for event in calendar.events] == [calendar_uid(own), calendar_uid(childs)]
    # Once a visit is over, it is no longer in the feed.
    _, later = read(secret, now=at(9, 11, 30))
    assert [event["UID"] for event in later.events] == [calendar_uid(childs)]
    view = AuditEvent.objects.filter(action="view", object_type="scheduling.calendarfeed").first()
    assert view is not None
    assert view.actor_id == p.guardian.user_id
    assert set(view.patient_links.values_list("patient_id", flat=True)) == {
        p.guardian.pk,
        p.child.pk,
    }


def test_a_locations_closures_are_a_public_feed_of_whole_days(world):
    for first, last, name in [
        (date(2027, 4, 2), date(2027, 4, 5), "Easter"),
        (date(2026, 12, 25), date(2026, 12, 25), "Christmas"),
    ]:
        closure_save(
            closure=Closure(location=world.pickering, first_day=first, last_day=last, name=name)
        )
    text = closures_calendar_for(slug=world.pickering.slug, now=NOW)
    assert text is not None
    [event] = Calendar.from_ical(text).events  # last year's Christmas is long past
    assert event["SUMMARY"] == "Pickering closed: Easter"
    assert event.decoded("DTSTART") == date(2027, 4, 2)
    assert event.decoded("DTEND") == date(2027, 4, 6)
    assert closures_calendar_for(slug="nowhere", now=NOW) is None
    Location.objects.filter(pk=world.milton.pk).update(active=False)
    assert closures_calendar_for(slug=world.milton.slug, now=NOW) is None


def test_a_fetch_at_night_is_in_the_access_report_but_never_a_concern(world):
    book(world, at(9, 10))
    night = datetime(2027, 3, 9, 3, 0, tzinfo=TORONTO)
    read(secret_of(world.physio.user), now=night)
    officer = world.personas.privacy_officer

    def shown(concern):
        report = clinic_access_report_for(
            user=officer, concern=concern, staff_id=None, days=7, page=1, now=night
        )
        return [entry.what for entry in report.entries]

    feed = "calendar feed: the practitioner's appointments"
    assert feed in shown(Concern.ALL)
    # (The report's own looks, at 3 a.m. too, are after hours: not the feed's.)
    assert feed not in shown(Concern.AFTER_HOURS)
    assert feed not in shown(Concern.NO_VISIT_THAT_DAY)
