"""The demo is the same every time it is loaded on the same day: the same patients on
the same visits at the same times in the same rooms (its calendars are drawn from a
seeded random generator), so a screenshot, a bug report or a benchmark on the demo can
be reproduced. Two loads are compared by what a person reads, never by database ids."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from rehabdesk.demo.clinic import load_demo
from rehabdesk.demo.tests.shared import NOW
from rehabdesk.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def calendar_as_loaded() -> list[tuple[Any, ...]]:
    """Load the demo with three days either side, read its calendar, leave nothing."""
    with transaction.atomic():
        load_demo(now=NOW, history_days=3, future_days=3)
        visits = [
            (
                visit.patient.email if visit.patient else None,
                visit.practitioner.slug,
                visit.service.slug,
                visit.location.slug,
                visit.start,
                visit.busy_until,
                visit.status,
                visit.channel,
                tuple(sorted(hold.resource.name for hold in visit.resource_holds.all())),
            )
            for visit in Appointment.objects.select_related(
                "patient", "practitioner", "service", "location"
            ).prefetch_related("resource_holds__resource")
        ]
        transaction.set_rollback(True)
    return visits


def test_the_same_day_loads_the_same_calendar():
    first = calendar_as_loaded()

    assert len(first) > 100
    assert calendar_as_loaded() == first
