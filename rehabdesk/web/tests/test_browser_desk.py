"""The front desk checks a patient in and answers a waitlist offer for a caller; a
manager books the physio off over a visit and sees it in the changed-hours report.

The live server reads the real clock, so the clinic here is open around the clock every
day and bookings are made relative to timezone.now()."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Location
from rehabdesk.clinic.testing import make_service, make_shift
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, Channel, OfferStatus
from rehabdesk.scheduling.models import Appointment, WaitlistOffer
from rehabdesk.scheduling.services import (
    BookingRequest,
    Wish,
    appointment_book,
    appointment_cancel,
    freed_time_process,
    waitlist_add,
)
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALL_DAY = (time(0), time(23, 59))


@pytest.fixture
def clinic(personas):
    """Pickering open every day, all day, and the physio working all of it."""
    pickering = Location.objects.select_related("clinic").get(pk=personas.pickering.pk)
    clinic_services.location_set_opening_hours(
        location=pickering,
        hours=[clinic_services.WeeklySpan(day, *ALL_DAY) for day in range(7)],
        today=timezone.localdate(),
    )
    for day in range(7):
        make_shift(personas.physio, pickering, day, "00:00", "23:59")
    service = make_service("Follow-up")
    return pickering, service


def book(personas, clinic, patient, start, *, now=None):
    pickering, service = clinic
    return appointment_book(
        request=BookingRequest(
            patient=patient,
            practitioner=personas.physio,
            service=service,
            location=pickering,
            start=start,
            channel=Channel.STAFF,
        ),
        actor=None,
        now=now or timezone.now(),
    )


def today_at_quarter(zone):
    """A start on today's local grid, half an hour ago or just after midnight."""
    now = timezone.now().astimezone(zone)
    midnight = datetime.combine(now.date(), time(0), tzinfo=zone)
    quarters = max(1, int((now - midnight - timedelta(minutes=30)) / timedelta(minutes=15)))
    return min(midnight + quarters * timedelta(minutes=15), midnight + timedelta(hours=23))


def in_two_days_at_ten(zone):
    day = timezone.now().astimezone(zone).date() + timedelta(days=2)
    return datetime.combine(day, time(10), tzinfo=zone)


def open_desk(page, sign_in):
    sign_in(page, "desk@persona.example", PASSWORD)
    page.get_by_role("link", name="Desk", exact=True).click()
    # The desk opens where its clerk works (Pickering), not at Milton, the first by name.
    expect(page.get_by_role("heading", name="Front desk — Pickering")).to_be_visible()


def test_the_desk_checks_a_patient_in(page, sign_in, screenshot, personas, clinic):
    pickering, _ = clinic
    start = today_at_quarter(pickering.zone)
    visit = book(personas, clinic, personas.patient_a, start, now=start - timedelta(hours=1))
    open_desk(page, sign_in)
    arriving = page.get_by_role("table", name="Appointments today at Pickering, in time order")
    row = arriving.get_by_role("row").filter(has_text="Alice Anders")
    expect(row.get_by_text("Booked")).to_be_visible()
    screenshot("before")
    row.get_by_role("button", name="Check in Alice Anders").click()
    expect(page.get_by_text("Alice Anders is checked in.")).to_be_visible()
    expect(page.get_by_role("heading", name="Front desk — Pickering")).to_be_visible()
    expect(row.get_by_text("Arrived")).to_be_visible()
    screenshot("after")
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.ARRIVED


def test_the_desk_accepts_a_waitlist_offer_for_the_caller(
    page, sign_in, screenshot, personas, clinic
):
    pickering, service = clinic
    start = in_two_days_at_ten(pickering.zone)
    taken = book(personas, clinic, personas.patient_b, start)
    waitlist_add(
        wish=Wish(
            patient=personas.patient_a,
            service=service,
            practitioner=None,
            locations=[pickering],
            weekdays=[],
            day_parts=[],
            valid_until=start.date() + timedelta(days=30),
        ),
        actor=None,
        now=timezone.now(),
    )
    appointment_cancel(appointment=taken, actor=None, now=timezone.now(), by=CancelledBy.PATIENT)
    freed_time_process(now=timezone.now())
    offer = WaitlistOffer.objects.get()

    open_desk(page, sign_in)
    offers = page.get_by_role("table", name="Open waitlist offers at Pickering")
    expect(offers.get_by_role("link", name="Alice Anders", exact=True)).to_be_visible()
    screenshot("offer")
    offers.get_by_role("button", name="Accept for Alice Anders").click()
    expect(page.get_by_text("Alice Anders is booked for the offered time.")).to_be_visible()
    expect(page.get_by_text("No offers waiting for an answer.")).to_be_visible()
    screenshot("accepted")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert Appointment.objects.get(pk=offer.appointment_id).status == AppointmentStatus.BOOKED


def test_a_manager_books_time_off_over_a_visit_and_sees_it_in_the_report(
    page, sign_in, screenshot, personas, clinic
):
    pickering, _ = clinic
    start = in_two_days_at_ten(pickering.zone)
    visit = book(personas, clinic, personas.patient_a, start)
    page.set_viewport_size({"width": 1024, "height": 768})  # a tablet at the desk
    sign_in(page, "manager@persona.example", PASSWORD)
    page.get_by_role("link", name="Hours").click()
    page.get_by_role("link", name="Priya Physio").click()
    expect(
        page.get_by_text("None: every booking of Priya Physio fits their hours.")
    ).to_be_visible()
    page.get_by_label("Away from").fill(f"{start.date().isoformat()}T09:00")
    page.get_by_label("Back at").fill(f"{start.date().isoformat()}T12:00")
    page.get_by_label("Reason (staff only)").fill("Course")
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Time off saved. 1 booked appointment is now outside")).to_be_visible()
    report = page.get_by_role("table", name="Bookings of Priya Physio outside changed hours")
    expect(report.get_by_role("link", name="Alice Anders", exact=True)).to_be_visible()
    link = report.get_by_role("link", name="Move, keep or cancel Alice Anders's appointment")
    assert link.get_attribute("href") == f"/staff/appointments/{visit.pk}/"
    screenshot("report")
    # A refused shift is shown on the form, nothing saved.
    page.get_by_label("Location").select_option(label="Pickering")
    page.get_by_label("Weekday").select_option(label="Monday")
    page.get_by_label(re.compile("^Starts")).fill("08:00")
    page.get_by_label(re.compile("^Ends")).fill("09:00")
    page.get_by_role("button", name="Preview the change").click()
    expect(page.get_by_role("heading", name="Add a shift")).to_be_visible()
    assert "Priya Physio" in page.locator(".field-error, .errors").first.inner_text()
    screenshot("refused-shift")
