"""The move page never dead-ends: whatever the search finds, it offers later days, other
practitioners of the same service and the other location (and, in the portal, the
waitlist), and a patient follows them to a time and moves there — to another location
too, which the scheduling service checks like any online booking."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.clinic import loading
from rehabdesk.clinic.description import (
    WEEKDAYS,
    RegistrationSpec,
    ResourceSpec,
    ShiftSpec,
    TimeOffSpec,
)
from rehabdesk.clinic.models import Practitioner
from rehabdesk.clinic.testing import LONG_AGO, sample_practitioner
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.manage_links import manage_token
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, build_booking_world, weekday_at

pytestmark = pytest.mark.django_db

PICKS = r'name="pick" id="[^"]+" value="([^"]+)"'


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def milton_physio(world) -> Practitioner:
    """Paul, a physiotherapist at Milton on weekdays, with a treatment room there."""
    paul = loading.practitioner_load(
        practitioner=sample_practitioner(
            "Paul Physio", registrations=[RegistrationSpec("cpo", "WORLD-PT-2", LONG_AGO)]
        ),
        today=NOW.date(),
    )
    loading.resource_load(
        location=world.milton, resource=ResourceSpec("treatment-room", "Milton room")
    )
    loading.working_hours_load(
        practitioner=paul,
        shift=ShiftSpec(world.milton.slug, WEEKDAYS, "09:00", "17:00", effective_from=LONG_AGO),
        today=NOW.date(),
    )
    return paul


def booked(world, start: datetime) -> Appointment:
    return appointment_book(
        request=world.request(start, channel=Channel.ONLINE), actor=None, now=timezone.now()
    )


def ways(page: str) -> dict[str, str]:
    """The move page's ways on: link text -> address."""
    nav = re.search(r'<nav aria-labelledby="ways-heading".*?</nav>', page, re.S)
    assert nav, "the move page always has its ways on"
    return {
        re.sub(r"\s+", " ", text).strip(): html.unescape(href)
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(0))
    }


def test_with_no_time_free_the_page_leads_to_the_other_location_and_moves_there(
    client, personas, world
):
    paul = milton_physio(world)
    appointment = booked(world, weekday_at(10))
    day = timezone.localtime(appointment.start).date()
    # Priya is away from the day after the booking for a month.
    loading.time_off_load(
        practitioner=world.physio,
        time_off=TimeOffSpec(day + timedelta(days=1), 30),
        today=timezone.localdate(),
    )
    client.force_login(personas.user("patient_a"))
    move = reverse("my-appointment-move", args=[appointment.pk])

    page = client.get(f"{move}?from={day + timedelta(days=1)}")

    assert page.status_code == 200
    assert not re.search(PICKS, page.text)
    found = ways(page.text)
    assert any(text.startswith("The two weeks from") for text in found), found
    assert "Back to the soonest times" in found
    assert "With anyone at Pickering, not only Priya Physio" in found
    assert "At Milton, with anyone" in found
    assert "Join the waitlist for an earlier time" in found
    assert found["Join the waitlist for an earlier time"] == reverse(
        "my-waitlist-join", args=[world.patient.pk]
    )

    milton = client.get(found["At Milton, with anyone"])
    assert milton.status_code == 200
    assert "with anyone at Milton" in milton.text
    picks = re.findall(PICKS, milton.text)
    assert picks
    assert "Paul Physio" in milton.text
    # From Milton the way back is there too.
    assert "At Pickering, with anyone" in ways(milton.text)

    moved = client.post(found["At Milton, with anyone"], {"pick": picks[0]})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.location == world.milton
    assert appointment.practitioner == paul
    assert appointment.start == datetime.fromisoformat(picks[0].split("|")[0])


def test_later_days_continue_after_the_last_day_shown(client, personas, world):
    appointment = booked(world, weekday_at(10))
    client.force_login(personas.user("patient_a"))
    move = reverse("my-appointment-move", args=[appointment.pk])
    first = client.get(move).text
    shown = sorted({value.split("|")[0][:10] for value in re.findall(PICKS, first)})
    later = ways(first)["Later days"]
    assert f"from={(datetime.fromisoformat(shown[-1]) + timedelta(days=1)).date()}" in later
    after = client.get(later).text
    assert min(value.split("|")[0][:10] for value in re.findall(PICKS, after)) > shown[-1]
    # Only the practitioner's times, or anyone's: each page offers the other.
    assert "With anyone at Pickering, not only Priya Physio" in ways(first)
    anyone = client.get(ways(first)["With anyone at Pickering, not only Priya Physio"]).text
    assert "Only with Priya Physio" in ways(anyone)


def test_the_link_from_the_e_mail_has_the_same_ways_on_without_the_waitlist(client, world):
    milton_physio(world)
    appointment = booked(world, weekday_at(10))
    token = manage_token(appointment)
    page = client.get(reverse("manage-booking-move", args=[token])).text
    found = ways(page)
    assert "At Milton, with anyone" in found
    assert found["At Milton, with anyone"].startswith(f"/manage/{token}/move/?")
    assert "Join the waitlist for an earlier time" not in found


@pytest.mark.parametrize(
    "query",
    ["?location=abc", "?location=99999999999999999999", "?from=nonsense", "?from=0001-01-01"],
)
def test_an_odd_search_falls_back_to_the_booking_s_own(client, personas, world, query):
    appointment = booked(world, weekday_at(10))
    client.force_login(personas.user("patient_a"))
    page = client.get(reverse("my-appointment-move", args=[appointment.pk]) + query)
    assert page.status_code == 200
    assert "with Priya Physio at Pickering." in page.text
    assert re.search(PICKS, page.text)


def test_a_time_at_a_location_without_the_service_is_refused(client, personas, world):
    appointment = booked(world, weekday_at(10))
    start = appointment.start + timedelta(days=1)
    forged = f"{start.isoformat()}|{world.physio.pk}|{world.milton.pk}"
    client.force_login(personas.user("patient_a"))
    move = reverse("my-appointment-move", args=[appointment.pk])
    answer = client.post(move, {"pick": forged})
    assert answer.status_code in {302, 409}
    appointment.refresh_from_db()
    assert appointment.location == world.pickering
    assert appointment.start == weekday_at(10)


def test_no_way_on_leads_past_the_clinic_s_booking_horizon(client, personas, world):
    appointment = booked(world, weekday_at(10))
    horizon = world.pickering.clinic.booking_horizon_days
    client.force_login(personas.user("patient_a"))
    move = reverse("my-appointment-move", args=[appointment.pk])
    far = timezone.localdate() + timedelta(days=horizon + 1)
    page = client.get(f"{move}?from={far}")
    assert page.status_code == 200
    assert not re.search(PICKS, page.text)
    found = ways(page.text)
    assert not any(t.startswith(("The two weeks from", "Later days")) for t in found), found
    assert "Back to the soonest times" in found
    assert "With anyone at Pickering, not only Priya Physio" in found
