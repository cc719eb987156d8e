"""The manage-my-booking token on its own (no database): it names what it was signed
for and stops at the start it was signed with, whatever happens to the booking later;
a payload it did not make, or a key the site no longer signs with, reads as nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing

from rehabdesk.scheduling.manage_links import SALT, manage_link_read, manage_token
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import TORONTO

# Sunday, March 14, 2027, 03:30 EDT: the first half-hour after the clocks sprang forward.
START = datetime(2027, 3, 14, 3, 30, tzinfo=TORONTO)
SECOND = timedelta(seconds=1)


def appointment(
    start: datetime = START, *, pk: int = 42, patient_id: int | None = 7
) -> Appointment:
    return Appointment(pk=pk, patient_id=patient_id, start=start)


def test_a_token_stops_at_the_instant_the_visit_starts_on_a_clock_change_day():
    token = manage_token(appointment())
    link = manage_link_read(token, now=START - SECOND)
    assert link is not None
    assert link.expires_at == START.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert manage_link_read(token, now=START) is None
    # "02:30" that morning never happened; read as EST it is the start itself. A real
    # hour before is 01:30 EST.
    assert manage_link_read(token, now=START.replace(hour=2)) is None
    an_hour_before = START.astimezone(UTC) - timedelta(hours=1)
    assert an_hour_before.astimezone(TORONTO).strftime("%H:%M %Z") == "01:30 EST"
    assert manage_link_read(token, now=an_hour_before) is not None


def test_a_token_keeps_the_start_it_was_signed_with_after_the_booking_moves():
    booked = appointment()
    old_token = manage_token(booked)
    booked.start = START + timedelta(days=2)
    new_token = manage_token(booked)
    assert old_token != new_token
    assert manage_link_read(old_token, now=START + SECOND) is None
    assert manage_link_read(new_token, now=START + SECOND).expires_at == booked.start


def test_a_time_held_for_nobody_has_no_link():
    with pytest.raises(ValueError, match="needs the appointment's patient"):
        manage_token(appointment(patient_id=None))


@pytest.mark.parametrize(
    "payload",
    [
        [42, 7],
        [42, 7, int(START.timestamp()), 1],
        [42, True, int(START.timestamp())],
        ["42", 7, int(START.timestamp())],
        [42, 7, float(START.timestamp())],
        "42:7",
    ],
    ids=["too-short", "too-long", "a-bool", "a-string", "a-float", "not-a-list"],
)
def test_a_signed_payload_the_site_did_not_make_reads_as_nothing(payload):
    assert (
        manage_link_read(signing.dumps(payload, salt=SALT), now=START - timedelta(days=1)) is None
    )


def test_a_token_signed_with_a_retired_key_works_only_while_that_key_is_a_fallback(settings):
    settings.SECRET_KEY = "the-old-key-" + "o" * 40
    token = manage_token(appointment())
    settings.SECRET_KEY = "the-new-key-" + "n" * 40
    settings.SECRET_KEY_FALLBACKS = ["the-old-key-" + "o" * 40]
    assert manage_link_read(token, now=START - SECOND) is not None
    settings.SECRET_KEY_FALLBACKS = []
    assert manage_link_read(token, now=START - SECOND) is None
