"""Planning an invented calendar where the clinic's configuration says no: days nobody
works, a closure, time off, a day already full, a service whose rooms the location
lacks. Nothing is planned there, and the rest of the week is planned as usual. The
gaps left are ones a visit fits, and the import is recorded batch by batch.

The world (scheduling.testing): Pickering, a physiotherapist and a massage therapist
working weekdays 09:00–17:00 with lunch at noon, two treatment rooms, one massage room;
NOW is Monday 2027-03-08 at 08:00."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic import loading
from rehabdesk.clinic.description import TimeOffSpec
from rehabdesk.clinic.models import Closure
from rehabdesk.clinic.services import closure_save
from rehabdesk.clinic.testing import sample_service
from rehabdesk.demo import calendars
from rehabdesk.demo.calendars import Offering, Planned, appointments_import, plan_calendar
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import NOW, TORONTO

pytestmark = pytest.mark.django_db

MONDAY, WEDNESDAY, FRIDAY, SUNDAY = (date(2027, 3, day) for day in (8, 10, 12, 14))


def plan(world, first=MONDAY, last=FRIDAY, *, offers=None, occupancy=1.0, seed=7):
    return plan_calendar(
        location=world.pickering,
        offerings=offers
        or {
            world.physio.pk: [Offering(world.follow_up, 1.0)],
            world.massage_therapist.pk: [Offering(world.massage, 1.0)],
        },
        patients={
            world.physio.pk: [world.patient.pk, world.other_patient.pk],
            world.massage_therapist.pk: [world.other_patient.pk],
        },
        first_day=first,
        last_day=last,
        now=NOW,
        occupancy=occupancy,
        rng=random.Random(seed),
    )


def days(planned: list[Planned], practitioner=None) -> set[date]:
    return {
        item.start.astimezone(TORONTO).date()
        for item in planned
        if practitioner is None or item.practitioner_id == practitioner.pk
    }


def test_nothing_is_planned_on_days_nobody_works(world):
    assert plan(world, first=date(2027, 3, 13), last=SUNDAY) == []
    assert days(plan(world, first=FRIDAY, last=SUNDAY)) == {FRIDAY}


def test_nothing_is_planned_on_a_day_the_location_is_closed(world):
    closure_save(
        closure=Closure(
            location=world.pickering, first_day=WEDNESDAY, last_day=WEDNESDAY, name="Flood"
        )
    )

    assert days(plan(world)) == {MONDAY, date(2027, 3, 9), date(2027, 3, 11), FRIDAY}


def test_nothing_is_planned_for_someone_away_and_their_colleague_works_as_usual(world):
    loading.time_off_load(
        practitioner=world.physio,
        time_off=TimeOffSpec(WEDNESDAY, 1, "Course"),
        today=NOW.date(),
    )
    planned = plan(world)

    assert WEDNESDAY not in days(planned, world.physio)
    assert WEDNESDAY in days(planned, world.massage_therapist)
    assert len(days(planned, world.physio)) == 4


def test_a_day_already_full_gets_nothing_more(world):
    # Every visit kept: a cancelled one would give its time back.
    full = [
        replace(item, status=AppointmentStatus.BOOKED)
        for item in plan(world, first=WEDNESDAY, last=WEDNESDAY)
    ]
    appointments_import(planned=full, now=NOW)

    assert len(full) > 10
    assert plan(world, first=WEDNESDAY, last=WEDNESDAY, seed=8) == []
    assert days(plan(world, first=WEDNESDAY, last=date(2027, 3, 11))) == {date(2027, 3, 11)}


def test_a_service_needing_rooms_the_location_lacks_is_never_planned(world):
    gym = loading.service_load(
        service=sample_service("Gym session", minutes=45, resource_kinds=["gym"]),
        today=NOW.date(),
    )
    planned = plan(
        world,
        offers={world.physio.pk: [Offering(gym, 5.0), Offering(world.follow_up, 1.0)]},
    )

    assert planned
    assert {item.service_id for item in planned} == {world.follow_up.pk}


def test_a_gap_left_free_fits_the_practitioners_longest_visit(world):
    assessment = loading.service_load(
        service=sample_service(
            "Assessment", minutes=60, buffer=10, resource_kinds=["treatment-room"]
        ),
        today=NOW.date(),
    )
    planned = plan(
        world,
        offers={
            world.physio.pk: [Offering(world.follow_up, 3.0), Offering(assessment, 1.0)],
        },
        occupancy=0.7,
    )
    # Mornings and afternoons apart: lunch is not a gap the planner left.
    halves: dict[tuple[date, bool], list[Planned]] = defaultdict(list)
    for item in planned:
        local = item.start.astimezone(TORONTO)
        halves[local.date(), local.time() < time(12)].append(item)
    gaps = [
        later.start - earlier.busy_until
        for visits in halves.values()
        for earlier, later in zip(visits, visits[1:], strict=False)
    ]

    assert any(gap >= timedelta(minutes=70) for gap in gaps)
    # Either the next time on the 15-minute grid, or room for a 60-minute assessment and
    # its 10 minutes of notes.
    assert all(gap < timedelta(minutes=15) or gap >= timedelta(minutes=70) for gap in gaps)


def test_visits_cancelled_ahead_were_cancelled_before_the_calendar_was_made(world):
    planned = plan(world, first=MONDAY, last=date(2027, 3, 26))
    appointments_import(planned=planned, now=NOW)
    cancelled = Appointment.objects.filter(status=AppointmentStatus.CANCELLED)

    assert cancelled.filter(start__gt=NOW + timedelta(days=1)).exists()
    for visit in cancelled:
        assert visit.cancelled_at <= NOW
        assert visit.cancelled_at <= visit.start - timedelta(days=1)


def test_a_large_import_is_recorded_batch_by_batch(world, monkeypatch, personas):
    monkeypatch.setattr(calendars, "BATCH", 3)
    planned = plan(world, first=MONDAY, last=MONDAY)[:7]
    before = AuditEvent.objects.count()

    assert appointments_import(planned=planned, now=NOW, actor=personas.front_desk) == 7
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [event.summary for event in events] == ["appointments (imported)"] * 3
    assert [
        sorted(event.patient_links.values_list("patient_id", flat=True)) for event in events
    ] == [sorted({item.patient_id for item in planned[i : i + 3]}) for i in (0, 3, 6)]


def test_an_empty_plan_imports_nothing_and_records_nothing(world):
    before = AuditEvent.objects.count()

    assert appointments_import(planned=[], now=NOW) == 0
    assert AuditEvent.objects.count() == before
    assert not Appointment.objects.exists()
