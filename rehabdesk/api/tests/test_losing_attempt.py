"""What a booking that loses costs (docs/algorithms/booking.md, "What a losing attempt
costs"). Under contention nearly every attempt is for a time just taken: it is refused
by the first look at the calendar, before any transaction, lock or write, in reads that
are each a check the refusal needs — and nothing the refusal does not need (the
patient's family, insurance and care team, the whole visit in the way of a free
patient)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db

# The session, the account, its roles; the patient (may the desk book for them?); the
# practitioner, service and location named; whether the patient is free then; the
# calendar configuration's stamp, the practitioners' bookings and the rooms' holds;
# the patient's safety alerts and undecided red flags (may this treatment be booked
# before a practitioner decides? safety.selectors.booking_concerns).
# (A service for new or for existing patients only reads one more: whether the patient
# has been seen before.)
READS_OF_A_LOSING_ATTEMPT = 13


def book(client, world, patient) -> dict:
    body = {
        "patient": patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": at(10, 10).isoformat(),
    }
    response = client.post(
        reverse("api:create_appointment"), json.dumps(body), content_type="application/json"
    )
    return {**response.json(), "http": response.status_code}


def test_a_time_just_taken_is_refused_in_a_few_reads_and_no_transaction(client, world, personas):
    client.force_login(personas.front_desk)
    assert book(client, world, world.patient)["http"] == 201
    with CaptureQueriesContext(connection) as queries:
        lost = book(client, world, personas.patient_b)
    assert (lost["http"], lost["code"]) == (409, "slot_unavailable")
    assert lost["alternatives"]
    statements = [query["sql"].split(maxsplit=1)[0].upper() for query in queries]
    # No savepoint or transaction opened and rolled back, no lock, nothing written.
    assert statements == ["SELECT"] * READS_OF_A_LOSING_ATTEMPT, [q["sql"] for q in queries]
