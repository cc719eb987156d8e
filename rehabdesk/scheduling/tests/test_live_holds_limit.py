"""A hold may carry a limit on the patient's live holds (`live_holds_limit`, the API's
one time held at once): counted under the patient's lock, in the hold's own
transaction; refused `too_many_holds` with nothing written. What counts is a time held
for the patient and not yet run out, whoever holds it and with whomever."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, AppointmentEvent
from rehabdesk.scheduling.services import (
    BookingRequest,
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def hold(world, start, *, limit: int | None = 1, **changes):
    return appointment_hold(
        request=world.request(start, **changes), actor=None, now=NOW, live_holds_limit=limit
    )


def test_a_patient_holding_a_time_is_refused_another_with_any_practitioner(world):
    hold(world, at(10, 9))
    made = (Appointment.objects.count(), AppointmentEvent.objects.count())
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(11, 9), service=world.massage, practitioner=world.massage_therapist)
    assert refused.value.code == SchedulingErrorCode.TOO_MANY_HOLDS
    assert refused.value.field == "patient"
    assert (Appointment.objects.count(), AppointmentEvent.objects.count()) == made


def test_a_hold_confirmed_cancelled_or_run_out_no_longer_counts(world):
    confirmed = hold(world, at(10, 9))
    appointment_confirm(appointment=confirmed, actor=None, now=NOW)
    cancelled = hold(world, at(10, 10))
    appointment_cancel(appointment=cancelled, actor=None, now=NOW, reason="changed my mind")
    run_out = hold(world, at(10, 11))
    Appointment.objects.filter(pk=run_out.pk).update(hold_expires_at=NOW - timedelta(seconds=1))
    appointment_book(request=world.request(at(11, 9)), actor=None, now=NOW)

    assert hold(world, at(10, 13)).status == AppointmentStatus.PENDING


def test_another_patients_hold_does_not_count(world):
    hold(world, at(10, 9), patient=world.other_patient)
    assert hold(world, at(10, 10)).patient == world.patient


def test_the_limit_is_a_number_of_holds(world):
    hold(world, at(10, 9), limit=2)
    hold(world, at(10, 10), limit=2)
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(10, 11), limit=2)
    assert refused.value.code == SchedulingErrorCode.TOO_MANY_HOLDS


def test_without_a_limit_a_patient_may_hold_several_times(world):
    """The desk and the waitlist's offers hold as before."""
    hold(world, at(10, 9), limit=None)
    hold(world, at(10, 10), limit=None)
    assert Appointment.objects.filter(status=AppointmentStatus.PENDING).count() == 2


def test_a_hold_for_nobody_yet_has_no_patient_to_count(world):
    hold(world, at(10, 9))
    request = BookingRequest(
        patient=None,
        practitioner=world.physio,
        service=world.follow_up,
        location=world.pickering,
        start=at(10, 10),
        channel=Channel.ONLINE,
    )
    held = appointment_hold(request=request, actor=None, now=NOW, live_holds_limit=1)
    assert held.patient is None


def test_a_retry_with_the_same_key_answers_the_first_hold_not_the_limit(world):
    first = appointment_hold(
        request=world.request(at(10, 9)),
        actor=None,
        now=NOW,
        idempotency_key="limit-retry",
        live_holds_limit=1,
    )
    again = appointment_hold(
        request=world.request(at(10, 9)),
        actor=None,
        now=NOW,
        idempotency_key="limit-retry",
        live_holds_limit=1,
    )
    assert again.pk == first.pk
