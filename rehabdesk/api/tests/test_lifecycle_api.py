"""The JSON API after booking: moving, cancelling with the clinic's policy, the desk's
check-in and no-shows, series, the waitlist and changed hours."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import TimeOff
from rehabdesk.scheduling.models import Appointment, WaitlistOffer
from rehabdesk.scheduling.services import appointment_book, freed_time_process
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def book(world, start, **kwargs) -> Appointment:
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def test_a_patient_moves_their_own_booking_under_the_online_rules(client, world, personas):
    appointment = book(world, at(10, 10))
    client.force_login(personas.patient_a.user)
    moved = post(
        client,
        url("reschedule_appointment", appointment_id=appointment.pk),
        {"start": at(11, 14).isoformat()},
    )
    assert moved.status_code == 200, moved.content
    assert datetime.fromisoformat(moved.json()["start"]) == at(11, 14)
    assert Appointment.objects.get(pk=appointment.pk).start == at(11, 14)
    # Online rules: not within the clinic's minimum notice (two hours).
    too_soon = post(
        client,
        url("reschedule_appointment", appointment_id=appointment.pk),
        {"start": at(8, 9).isoformat()},
    )
    assert too_soon.status_code == 409
    assert too_soon.json()["code"] == "slot_unavailable"


def test_a_late_cancellation_by_the_patient_records_the_fee_and_only_the_desk_waives_it(
    client, world, personas
):
    appointment = book(world, at(8, 16))  # today at 4 PM: less than 24 hours away
    client.force_login(personas.patient_a.user)
    waived = post(
        client, url("cancel_appointment", appointment_id=appointment.pk), {"waive_fee": True}
    )
    assert waived.status_code == 403
    cancelled = post(client, url("cancel_appointment", appointment_id=appointment.pk))
    assert cancelled.status_code == 200, cancelled.content
    body = cancelled.json()
    assert (body["status"], body["late_cancellation"], body["fee_due"]) == (
        "cancelled",
        True,
        "42.50",
    )
    client.force_login(personas.front_desk)
    attendance = client.get(url("attendance", patient_id=personas.patient_a.pk)).json()
    assert attendance == {"late_cancellations": 1, "no_shows": 0, "fees_due": "42.50"}


def test_the_desk_checks_in_and_marks_no_shows_and_patients_cannot(client, world, personas):
    arriving = book(world, at(8, 9))
    missing = book(
        world,
        at(8, 9),
        practitioner=world.massage_therapist,
        service=world.massage,
        patient=world.other_patient,
    )
    client.force_login(personas.patient_a.user)
    assert post(client, url("check_in", appointment_id=arriving.pk)).status_code == 404
    client.force_login(personas.front_desk)
    assert post(client, url("check_in", appointment_id=arriving.pk)).json()["status"] == "arrived"
    early = post(client, url("mark_noshow", appointment_id=missing.pk))
    assert early.status_code == 422  # it has not started yet
    with mock.patch("django.utils.timezone.now", return_value=at(8, 9, 20)):
        noshow = post(client, url("mark_noshow", appointment_id=missing.pk))
    assert (noshow.json()["status"], noshow.json()["fee_due"]) == ("noshow", "85.00")


def test_a_series_with_a_conflict_answers_409_with_each_date_and_the_nearest_time(
    client, world, personas
):
    book(world, at(11, 9), patient=world.other_patient)
    client.force_login(personas.front_desk)
    answer = post(
        client,
        url("create_series"),
        {
            "patient": world.patient.pk,
            "practitioner": world.physio.pk,
            "service": world.follow_up.pk,
            "location": world.pickering.pk,
            "pattern": [{"weekday": 1, "time": "09:00"}, {"weekday": 3, "time": "09:00"}],
            "first_day": "2027-03-09",
            "weeks": 2,
        },
    )
    assert answer.status_code == 409
    (conflict,) = answer.json()["conflicts"]
    assert datetime.fromisoformat(conflict["start"]) == at(11, 9)
    assert datetime.fromisoformat(conflict["nearest"]["start"]) == at(11, 9, 45)
    assert not Appointment.objects.filter(patient=world.patient).exists()


def test_the_waitlist_by_api_join_offer_accept(client, world, personas):
    taken = book(world, at(10, 10), patient=personas.guardian)
    client.force_login(personas.patient_a.user)
    joined = post(
        client,
        url("join_waitlist"),
        {
            "patient": world.patient.pk,
            "service": world.follow_up.pk,
            "locations": [world.pickering.pk],
            "day_parts": ["morning"],
            "valid_until": "2027-04-30",
        },
    )
    assert joined.status_code == 201, joined.content
    post(client, url("cancel_appointment", appointment_id=taken.pk))  # not theirs: 404
    assert Appointment.objects.get(pk=taken.pk).status == "booked"
    client.force_login(personas.front_desk)
    post(client, url("cancel_appointment", appointment_id=taken.pk), {"by": "clinic"})
    freed_time_process(now=NOW)
    offer = WaitlistOffer.objects.get()
    client.force_login(personas.patient_a.user)
    accepted = post(client, url("accept_offer", offer_id=offer.pk))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["appointment"]["status"] == "booked"
    # Someone else's offer is not there at all.
    client.force_login(personas.patient_b.user)
    assert post(client, url("decline_offer", offer_id=offer.pk)).status_code == 404


def test_the_desk_sees_bookings_caught_by_changed_hours(client, world, personas):
    appointment = book(world, at(11, 10))
    clinic_services.time_off_save(
        time_off=TimeOff(
            practitioner=world.physio, starts_at=at(11, 9), ends_at=at(11, 9) + timedelta(hours=3)
        )
    )
    client.force_login(personas.front_desk)
    listed = client.get(url("changed_hours")).json()
    assert [a["id"] for a in listed] == [appointment.pk]
    kept = post(client, url("keep_outside_hours", appointment_id=appointment.pk))
    assert kept.json()["outside_hours_since"] is None
    assert client.get(url("changed_hours")).json() == []
