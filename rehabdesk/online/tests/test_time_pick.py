"""Choosing a time online: it is held at once for nobody yet, the time held before is
given back, a time gone meanwhile is refused with the nearest free times, and the
holds per client address are limited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.services import online_time_pick, rate_limit_hit
from rehabdesk.online.testing import VISITOR_IP, chosen_time
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingError
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_hold_claim
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def pick(world, start, previous=None, ip=VISITOR_IP):
    return online_time_pick(
        time=chosen_time(world, start),
        previous_hold_id=previous.pk if previous else None,
        client_ip=ip,
        now=NOW,
    )


def test_it_holds_the_chosen_time_for_nobody_yet(world):
    held = pick(world, at(9, 10))
    assert (held.status, held.patient, held.channel) == (
        AppointmentStatus.PENDING,
        None,
        Channel.ONLINE,
    )
    assert held.hold_expires_at == NOW + online.HOLD_FOR


def test_it_gives_back_the_time_held_before(world):
    first = pick(world, at(9, 10))
    second = pick(world, at(9, 11), previous=first)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    assert list(Appointment.objects.filter(status=AppointmentStatus.PENDING)) == [second]


def test_a_hold_someone_was_put_on_is_not_given_back(world):
    first = pick(world, at(9, 10))
    appointment_hold_claim(appointment=first, patient=world.patient, actor=None, now=NOW)
    pick(world, at(9, 11), previous=first)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.PENDING


def test_a_time_gone_meanwhile_is_refused_with_the_nearest_free_times(world):
    taken = pick(world, at(9, 10), ip="198.51.100.1")
    with pytest.raises(SchedulingError) as refused:
        pick(world, at(9, 10))
    assert refused.value.code in TIME_NOT_FREE
    assert refused.value.alternatives
    assert list(Appointment.objects.all()) == [taken]


def test_it_refuses_past_the_holds_allowed_per_address_and_holds_nothing(world):
    for _ in range(online.HOLDS_PER_IP.times):
        rate_limit_hit(limit=online.HOLDS_PER_IP, subject=VISITOR_IP, now=NOW)
    with pytest.raises(OnlineError) as refused:
        pick(world, at(9, 10))
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert not Appointment.objects.exists()
    # Another connection, or the next hour, may hold again.
    assert pick(world, at(9, 10), ip="198.51.100.1").status == AppointmentStatus.PENDING
    later = NOW + online.HOLDS_PER_IP.per + timedelta(minutes=1)
    assert online_time_pick(
        time=chosen_time(world, at(9, 11)), previous_hold_id=None, client_ip=VISITOR_IP, now=later
    ).pk
