"""The privacy officer's filters run in the database (access_report._narrowed) and give
exactly the rows the page's own rules (`_Flags`, in Python) flag, on a generated set of
looks around Toronto's clock changes (2026-11-01 and 2027-03-14), at locations in two
zones, with none, and with one no longer on file; hours in the skipped and repeated
hours, a closure, and visits near local midnight."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.access.access_report import Concern, _Flags, _locations, _narrowed
from rehabdesk.access.opening_instants import open_intervals
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.selectors import patient_accesses
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Closure
from rehabdesk.clinic.services import WeeklySpan
from rehabdesk.clinic.testing import make_location
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import build_booking_world

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
SINCE = datetime(2026, 10, 28, tzinfo=UTC)
UNTIL = datetime(2027, 3, 18, tzinfo=UTC)
CHANGE_DAYS = (date(2026, 11, 1), date(2027, 3, 14))
# Open in the small hours on Sundays, so the skipped (02:00-03:00 in March) and the
# repeated hour (01:00-02:00 in November) fall inside and at the edges of spans.
SUNDAY_HOURS = [
    WeeklySpan(6, time(0, 30), time(1, 30)),
    WeeklySpan(6, time(2, 30), time(9)),
    WeeklySpan(6, time(23), time(23, 59)),
]


def raw_visit(world, start, *, patient, practitioner, location, status):
    return Appointment.objects.create(
        patient=patient,
        practitioner=practitioner,
        service=world.follow_up,
        location=location,
        start=start,
        end=start + timedelta(minutes=30),
        busy_until=start + timedelta(minutes=40),
        status=status,
        channel=Channel.STAFF,
    )


def looks_at(rng: random.Random) -> list[datetime]:
    """Every 13 minutes through both clock-change days and the days around them, and
    random moments over the whole period."""
    moments = []
    for day in CHANGE_DAYS:
        start = datetime.combine(day - timedelta(days=1), time(20), tzinfo=TORONTO)
        moments += [start + timedelta(minutes=13 * i) for i in range(60 * 24 * 2 // 13)]
    span = (UNTIL - SINCE).total_seconds()
    moments += [SINCE + timedelta(seconds=rng.uniform(0, span)) for _ in range(150)]
    return moments


@pytest.fixture
def generated(personas):
    world = build_booking_world(personas)
    rng = random.Random(20270314)  # noqa: S311 - test data
    week = [WeeklySpan(d, time(7), time(19)) for d in range(6)] + SUNDAY_HOURS
    # First by name: the default location, judging looks with none.
    ajax = make_location(world.pickering.clinic, "Ajax", hours=week)
    vancouver = make_location(
        world.pickering.clinic, "Vancouver", time_zone="America/Vancouver", hours=week
    )
    clinic_services.closure_save(
        closure=Closure(
            location=world.pickering,
            first_day=date(2026, 12, 24),
            last_day=date(2026, 12, 26),
            name="Holidays",
        )
    )
    locations = [world.pickering.pk, world.milton.pk, ajax.pk, vancouver.pk, None, 987_654]
    patients = [world.patient, world.other_patient]
    # Visits near local midnight on and around the change days, some not kept.
    statuses = [AppointmentStatus.FULFILLED, AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED]
    for i, day in enumerate([*CHANGE_DAYS, date(2026, 11, 2), date(2027, 3, 13)]):
        for j, (hour, minute) in enumerate([(0, 10), (23, 20)]):
            raw_visit(
                world,
                datetime.combine(day, time(hour, minute), tzinfo=TORONTO),
                patient=patients[(i + j) % 2],
                practitioner=world.physio,
                location=[ajax, vancouver][j],
                status=statuses[(i + j) % 3],
            )
    actors = [world.physio.user, world.massage_therapist.user, personas.front_desk]
    for when in looks_at(rng):
        patient = rng.choice(patients)
        audit_record(
            actor=rng.choice(actors),
            action=AuditAction.VIEW,
            object_type="patients.patient",
            object_id=patient.pk,
            patient_ids=[patient.pk],
            summary="patient record",
            location_id=rng.choice(locations),
            now=when,
        )
    return world


@pytest.mark.parametrize(
    "concern", [Concern.AFTER_HOURS, Concern.NO_VISIT_THAT_DAY, Concern.NO_VISIT_EVER]
)
def test_the_database_flags_exactly_the_rows_the_python_rules_flag(generated, concern):
    rows = patient_accesses(since=SINCE).filter(event__occurred_at__lte=UNTIL)
    everything = list(rows)
    sites = _locations()
    flags = _Flags(everything, sites)
    expected = [(r.event_id, r.patient_id) for r in everything if flags.concerns(r, concern)]
    found = list(
        _narrowed(rows, concern, sites, since=SINCE, until=UNTIL).values_list(
            "event_id", "patient_id"
        )
    )
    assert found == expected
    # Not a vacuous comparison: the filter keeps some rows and leaves others out.
    assert 0 < len(expected) < len(everything)


@pytest.mark.parametrize("day", CHANGE_DAYS)
def test_opening_instants_follow_the_clock_on_a_change_day(day):
    spans = {6: [(s.opens, s.closes) for s in SUNDAY_HOURS]}
    since = datetime.combine(day, time(0), tzinfo=TORONTO)
    opened = open_intervals(
        zone=TORONTO, spans=spans, closures=[], since=since, until=since + timedelta(days=1)
    )
    # Each minute of the day is inside an interval exactly when its local time is open.
    moment = since.astimezone(UTC)
    while moment < since + timedelta(hours=25):
        local = moment.astimezone(TORONTO)
        open_by_clock = local.date() == day and any(
            o <= local.time().replace(tzinfo=None) < c for o, c in spans[6]
        )
        inside = any(start <= moment < end for start, end in opened)
        assert inside == open_by_clock, moment
        moment += timedelta(minutes=1)
