"""Holds through the API are limited like the booking pages': one time held at once per
patient (409 `too_many_holds`), and so many holds an hour per account (429
`rate_limited`). Before, one patient held 26 times at once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from rehabdesk.online.holds import HOLDS_PER_ACCOUNT, LIVE_HOLDS_PER_PATIENT
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_cancel
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def hold(client, world, start, patient=None, **headers):
    body = {
        "patient": (patient or world.patient).pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": start.isoformat(),
    }
    return client.post(
        reverse("api:create_hold"), json.dumps(body), content_type="application/json", **headers
    )


def starts(count: int):
    """`count` free starts, an hour apart, on the world's weekdays."""
    found = [at(day, hour) for day in (9, 10, 11, 12) for hour in (9, 10, 11, 13, 14, 15)]
    return found[:count]


def live_holds(patient) -> int:
    return Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.PENDING, hold_expires_at__gt=NOW
    ).count()


def test_26_holds_at_once_for_one_patient_keep_only_the_first(client, world, personas):
    client.force_login(personas.patient_a.user)
    answers = [hold(client, world, start) for start in starts(26)]
    assert answers[0].status_code == 201
    refused = answers[1:]
    assert {(a.status_code, a.json()["code"]) for a in refused} == {(409, "too_many_holds")}
    assert "confirm it or cancel it" in refused[0].json()["detail"]
    assert live_holds(world.patient) == LIVE_HOLDS_PER_PATIENT == 1


def test_a_hold_confirmed_or_cancelled_or_run_out_makes_room_for_the_next(client, world, personas):
    client.force_login(personas.patient_a.user)
    first = hold(client, world, at(9, 9)).json()["id"]
    client.post(reverse("api:confirm_appointment", kwargs={"appointment_id": first}))
    second = hold(client, world, at(9, 10))
    assert second.status_code == 201
    appointment_cancel(
        appointment=Appointment.objects.get(pk=second.json()["id"]),
        actor=None,
        now=NOW,
        reason="changed my mind",
    )
    third = hold(client, world, at(9, 11))
    assert third.status_code == 201
    Appointment.objects.filter(pk=third.json()["id"]).update(
        hold_expires_at=NOW - timedelta(minutes=1)
    )
    assert hold(client, world, at(9, 13)).status_code == 201


def test_a_retry_with_the_same_key_answers_the_hold_not_the_limit(client, world, personas):
    client.force_login(personas.patient_a.user)
    first = hold(client, world, at(9, 9), HTTP_IDEMPOTENCY_KEY="hold-retry-1")
    again = hold(client, world, at(9, 9), HTTP_IDEMPOTENCY_KEY="hold-retry-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]


def test_an_account_holds_so_many_times_an_hour_whoever_for(client, world, personas):
    """The front desk's account, holding for several patients, each confirmed at once."""
    client.force_login(personas.user("front_desk"))
    patients = [world.patient, personas.patient_b, personas.child]
    for made, start in enumerate(starts(HOLDS_PER_ACCOUNT.times)):
        answer = hold(client, world, start, patient=patients[made % len(patients)])
        assert answer.status_code == 201, answer.json()
        client.post(
            reverse("api:confirm_appointment", kwargs={"appointment_id": answer.json()["id"]})
        )
    refused = hold(client, world, at(15, 9), patient=personas.patient_b)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert refused.json()["detail"] == HOLDS_PER_ACCOUNT.message
    assert Appointment.objects.count() == HOLDS_PER_ACCOUNT.times
