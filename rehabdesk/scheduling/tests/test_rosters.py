"""Who could be offered a service (scheduling/adapters.py, `_roster`) is worked out once
per question and kept with the configuration it came from: asked again, it is the same;
after any change to the configuration, it is worked out again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.clinic.models import TimeOff
from rehabdesk.scheduling import adapters
from rehabdesk.scheduling.adapters import build_query
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def query(world, **changes):
    arguments = {
        "service_id": world.follow_up.pk,
        "location_ids": [world.pickering.pk],
        "start": at(8, 9),
        "end": at(9, 0),
        "now": NOW,
        "channel": Channel.STAFF,
        "lean": True,
    } | changes
    return build_query(**arguments)


def test_the_same_question_gets_the_same_roster(world):
    first = query(world)
    again = query(world)
    assert first.practitioners[0].shifts is again.practitioners[0].shifts
    other_window = query(world, start=at(10, 9), end=at(11, 0))
    assert other_window.practitioners[0].shifts is not first.practitioners[0].shifts


def physio_time_off(world):
    physio = next(p for p in query(world).practitioners if p.id == world.physio.pk)
    return [(t.start, t.end) for t in physio.time_off]


def test_a_change_to_the_configuration_is_seen_at_once(world):
    assert physio_time_off(world) == []
    TimeOff.objects.create(
        practitioner=world.physio, starts_at=at(8, 13), ends_at=at(8, 13) + timedelta(hours=2)
    )
    assert physio_time_off(world) == [(at(8, 13), at(8, 15))]


def test_only_so_many_rosters_are_kept(world, monkeypatch):
    monkeypatch.setattr(adapters, "ROSTERS_KEPT", 2)
    for day in (8, 9, 10):
        query(world, start=at(day, 9), end=at(day, 17))
    assert len(adapters._rosters[1]) <= 2
