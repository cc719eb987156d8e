"""The front desk on the phone: books a caller from the patient page in five clicks,
moves a booking, and cancels one late after seeing the fee it will record."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Clinic
from rehabdesk.core.money import format_money, round_money
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import TORONTO, build_booking_world, weekday_at
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESK = "desk@persona.example"


def booked(world, start: datetime) -> Appointment:
    return appointment_book(
        request=world.request(start, channel=Channel.PHONE), actor=None, now=timezone.now()
    )


def test_the_desk_books_a_caller_from_the_patient_page_in_five_clicks(
    page, sign_in, screenshot, personas, live_server
):
    world = build_booking_world(personas)
    sign_in(page, DESK, PASSWORD)
    page.goto(f"{live_server.url}/staff/patients/{world.patient.pk}/")
    clicks = 0

    page.get_by_role("link", name="Book an appointment").click()
    clicks += 1
    page.get_by_label("Service").select_option(label="Follow-up")
    clicks += 1  # choosing from a list counts as a click too
    page.get_by_role("button", name="Find times").click()
    clicks += 1
    expect(page.get_by_role("heading", name="Next free times")).to_be_visible()
    screenshot("free-times")
    first_time = page.locator(".time-list").first.get_by_role("button").first
    first_time.click()
    clicks += 1
    expect(page.get_by_role("heading", name="Confirm the booking")).to_be_visible()
    screenshot("confirm")
    page.get_by_role("button", name="Confirm booking").click()
    clicks += 1

    assert clicks <= 5
    expect(page.get_by_text(re.compile(r"^Booked: Follow-up with Priya Physio"))).to_be_visible()
    appointment = Appointment.objects.get(patient=world.patient)
    assert (appointment.status, appointment.channel) == (AppointmentStatus.BOOKED, Channel.PHONE)
    assert page.url.endswith(f"/staff/appointments/{appointment.pk}/")
    screenshot("booked")

    # Tablet width: the page still reads, and the booking shows on the patient's page.
    page.set_viewport_size({"width": 800, "height": 1000})
    page.get_by_role("link", name="Alice Anders").first.click()
    bookings = page.get_by_role("region", name="Bookings")
    expect(bookings.get_by_role("link", name=re.compile("AM|PM"))).to_be_visible()
    screenshot("patient-page-tablet")


def test_the_desk_moves_a_booking_to_an_afternoon(page, sign_in, screenshot, personas, live_server):
    world = build_booking_world(personas)
    appointment = booked(world, weekday_at(10))
    sign_in(page, DESK, PASSWORD)
    page.goto(f"{live_server.url}/staff/appointments/{appointment.pk}/")
    page.get_by_role("link", name="Move to another time").click()
    page.get_by_label("Part of day").select_option("afternoon")
    page.get_by_role("button", name="Find times").click()
    screenshot("afternoon-times")
    page.locator(".time-list").first.get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Confirm the new time")).to_be_visible()
    page.get_by_role("button", name="Move the appointment").click()
    expect(page.get_by_text(re.compile(r"^Moved: Follow-up with "))).to_be_visible()
    moved = Appointment.objects.get(pk=appointment.pk)
    assert moved.start.astimezone(TORONTO).hour >= 12
    assert moved.status == AppointmentStatus.BOOKED
    expect(page.get_by_role("table").get_by_text("Moved")).to_be_visible()
    screenshot("moved")


def test_the_desk_sees_the_late_fee_before_cancelling(
    page, sign_in, screenshot, personas, live_server
):
    world = build_booking_world(personas)
    clinic = Clinic.objects.get(pk=world.pickering.clinic_id)
    clinic.cancellation_notice_hours = 24 * 7  # so a visit a few days away is late
    clinic_services.configuration_save(instance=clinic)
    appointment = booked(world, weekday_at(10))
    fee = format_money(round_money(Decimal(world.follow_up.price) / 2))

    sign_in(page, DESK, PASSWORD)
    page.goto(f"{live_server.url}/staff/appointments/{appointment.pk}/")
    page.get_by_role("link", name="Cancel…").click()
    terms = page.get_by_role("region", name="Before you cancel")
    expect(terms.get_by_text("late cancellation")).to_be_visible()
    expect(terms.get_by_text(fee)).to_be_visible()
    screenshot("fee-preview")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED  # nothing happened yet

    page.get_by_label("Patient").check()
    page.get_by_label("Reason (for the record)").fill("Called: feeling unwell")
    page.get_by_role("button", name="Cancel the appointment").click()
    expect(page.get_by_text(f"A late cancellation: a fee of {fee} is recorded.")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.late_cancellation
    assert format_money(appointment.fee_due) == fee
    screenshot("cancelled")
