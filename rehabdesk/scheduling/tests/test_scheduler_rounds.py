"""The scheduler's rounds (`run_scheduler`): holds that have run out are released, and
an interval that is not positive is refused."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import HOLD_DURATION, appointment_hold
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def run_scheduler(*arguments: str, now) -> str:
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=now):
        call_command("run_scheduler", *arguments, stdout=out)
    return out.getvalue().strip()


def test_a_scheduler_round_releases_holds_that_have_run_out(world):
    hold = appointment_hold(request=world.request(at(10, 10)), actor=None, now=NOW)
    assert run_scheduler("--once", now=NOW + HOLD_DURATION - timedelta(seconds=1)) == (
        "0 offer(s) expired, 0 hold(s) released, 0 offer(s) made."
    )
    assert run_scheduler("--once", now=NOW + HOLD_DURATION) == (
        "0 offer(s) expired, 1 hold(s) released, 0 offer(s) made."
    )
    assert Appointment.objects.get(pk=hold.pk).status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize("interval", ["0", "-1"])
def test_the_scheduler_refuses_an_interval_that_is_not_positive(interval):
    with pytest.raises(CommandError, match="--interval must be positive"):
        call_command("run_scheduler", "--interval", interval, stdout=io.StringIO())
