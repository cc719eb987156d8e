"""Issue 20's desk and practitioner tools in a browser, at the widths they are used on
(a phone 390 px, a tablet at the desk 768 px, a desk computer 1366 px): book a caller
found from the desk's day; book from a free cell on the schedule, the price shown on
the confirmation; offer a waiting patient a time and take another off the waitlist;
a patient's past visits and the deactivation step; a practitioner's days and week.

Every page visited reads without sideways scrolling and passes axe-core with no serious
or critical issue (each screenshot runs it). The live server reads the real clock: times
are weekdays from today."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, OfferStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.services import (
    Wish,
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_noshow,
    waitlist_add,
)
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.prices import priced

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESK = "desk@persona.example"
PHONE, TABLET, DESKTOP = 390, 768, 1366


class Looks:
    """Each page looked at: a screenshot (which runs axe-core, see `screenshot`) and no
    sideways scroll at this width."""

    def __init__(self, page, screenshot, width: int) -> None:
        self.page, self.screenshot, self.width = page, screenshot, width
        self.problems: list[str] = []
        page.set_viewport_size({"width": width, "height": 900})

    def __call__(self, step: str) -> None:
        self.screenshot(f"{self.width}-{step}")
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            self.problems.append(f"{step} ({self.page.url}): scrolls sideways by {overflow}px")

    def signed_in(self, sign_in, email: str) -> None:
        """Sign in, and wait for the page it leads to before going anywhere else."""
        sign_in(self.page, email, PASSWORD)
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def done(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.mark.parametrize("width", [PHONE, TABLET, DESKTOP])
def test_the_desk_books_a_caller_found_from_its_day(page, sign_in, screenshot, personas, width):
    world = build_booking_world(personas)
    look = Looks(page, screenshot, width)
    look.signed_in(sign_in, DESK)
    page.get_by_role("link", name="Desk", exact=True).click()
    page.get_by_label("Name, phone or e-mail").fill("Anders")
    page.get_by_role("button", name="Find", exact=True).click()
    found = page.get_by_role("table", name="Patients found")
    expect(found.get_by_role("link", name="Alice Anders", exact=True)).to_be_visible()
    look("desk-found")
    found.get_by_role("link", name="Book Alice Anders").click()
    # The finder opens at the desk's location; the service is the caller's to say.
    expect(page.get_by_role("heading", name="Book an appointment for Alice Anders")).to_be_visible()
    expect(page.get_by_label("Location")).to_have_value(str(world.pickering.pk))
    look("finder")
    page.get_by_label("Service").select_option(label="Follow-up")
    page.get_by_role("button", name="Find times").click()
    page.locator(".time-list").first.get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Confirm the booking")).to_be_visible()
    expect(page.locator(".confirm-facts .price")).to_contain_text("$85.00")
    look("confirm")
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text(re.compile("^Booked: Follow-up with Priya Physio"))).to_be_visible()
    booked = Appointment.objects.get(patient=world.patient)
    assert booked.location == world.pickering
    look.done()


@pytest.mark.parametrize("width", [TABLET, DESKTOP])
def test_the_desk_books_from_a_free_cell_on_the_schedule(
    page, sign_in, screenshot, personas, live_server, width
):
    world = build_booking_world(personas)
    start = weekday_at(9, after_days=3)
    look = Looks(page, screenshot, width)
    look.signed_in(sign_in, DESK)
    page.goto(f"{live_server.url}/staff/schedule/pickering/{start.date().isoformat()}/")
    expect(page.get_by_role("heading", name="Priya Physio")).to_be_visible()
    look("schedule")
    # By keyboard: a lane's first free time, then ↓ to the next.
    page.get_by_role("link", name="Book 9:00 AM with Olivia Massage").focus()
    page.keyboard.press("ArrowDown")
    focused = "document.activeElement.textContent"
    assert page.evaluate(focused) == "Book 9:15 AM with Olivia Massage"
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == "Book 9:00 AM with Olivia Massage"
    look("cell-focused")
    # A massage for Bob at 9:00 with the massage therapist, the tax it carries shown.
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^Book .*, 9:00 AM$"))).to_be_visible()
    assert "brown" not in page.url.lower()
    page.get_by_label("Service").select_option(label="Massage, 60 minutes")
    page.get_by_label("Name, phone or e-mail").fill("brown")
    page.get_by_role("button", name="Find the patient").click()
    look("book-at")
    page.get_by_role("link", name="Book Bob Brown").click()
    expect(page.get_by_role("heading", name="Confirm the booking")).to_be_visible()
    price = priced([world.massage], start.date())[0]
    assert price.total is not None
    expect(page.locator(".confirm-facts .price")).to_have_text(
        f"{price.price} {price.tax} ({price.total} in all)"
    )
    look("confirm")
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text(re.compile("^Booked: Massage, 60 minutes with Olivia"))).to_be_visible()
    # Back on the schedule, a follow-up for Alice at 9:00 with the physio.
    page.goto(f"{live_server.url}/staff/schedule/pickering/{start.date().isoformat()}/")
    page.get_by_role("link", name="Book 9:00 AM with Priya Physio").click()
    page.get_by_label("Service").select_option(label="Follow-up")
    page.get_by_label("Name, phone or e-mail").fill("anders")
    page.get_by_role("button", name="Find the patient").click()
    page.get_by_role("link", name="Book Alice Anders").click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text(re.compile("^Booked: Follow-up with Priya Physio"))).to_be_visible()
    assert Appointment.objects.get(patient=world.patient).start == start
    assert (
        Appointment.objects.get(patient=personas.patient_b).practitioner == world.massage_therapist
    )
    page.goto(f"{live_server.url}/staff/schedule/pickering/{start.date().isoformat()}/")
    expect(page.get_by_role("link", name="Book 9:00 AM with Priya Physio")).to_have_count(0)
    look("schedule-booked")
    look.done()


def wait(world, patient, *, service=None, weekdays=()):
    return waitlist_add(
        wish=Wish(
            patient=patient,
            service=service or world.follow_up,
            practitioner=None,
            locations=[world.pickering],
            weekdays=weekdays,
            day_parts=[],
            valid_until=timezone.localdate() + timedelta(days=30),
        ),
        actor=None,
        now=timezone.now(),
    )


@pytest.mark.parametrize("width", [PHONE, TABLET, DESKTOP])
def test_the_desk_offers_a_waiting_patient_a_time_and_removes_another(
    page, sign_in, screenshot, personas, width
):
    world = build_booking_world(personas)
    alice = wait(world, personas.patient_a, weekdays=[1, 3])
    bob = wait(world, personas.patient_b)
    look = Looks(page, screenshot, width)
    look.signed_in(sign_in, DESK)
    page.get_by_role("link", name="Waitlist").click()
    table = page.get_by_role("table", name="Patients waiting at Pickering")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_text("Tue, Thu")).to_be_visible()
    look("waitlist")
    table.get_by_role("link", name="Offer a time to Alice Anders").click()
    expect(page.get_by_role("heading", name="Offer Alice Anders a time")).to_be_visible()
    look("offer-times")
    page.locator(".time-list").first.get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Offer this time to Alice Anders?")).to_be_visible()
    look("offer-confirm")
    assert not WaitlistOffer.objects.exists()
    page.get_by_role("button", name="Offer the time").click()
    expect(page.get_by_text(re.compile("^Offered to Alice Anders"))).to_be_visible()
    offer = WaitlistOffer.objects.get(entry=alice)
    assert offer.status == OfferStatus.OPEN
    assert offer.appointment.start.astimezone(world.pickering.zone).weekday() in (1, 3)
    expect(table.get_by_text("Open")).to_be_visible()
    look("offered")
    table.get_by_role("link", name="Remove Bob Brown").click()
    expect(page.get_by_role("heading", name="Take Bob Brown off the waitlist?")).to_be_visible()
    look("remove-confirm")
    page.get_by_role("button", name="Remove from the waitlist").click()
    expect(page.get_by_text("Bob Brown is off the waitlist for Follow-up.")).to_be_visible()
    bob.refresh_from_db()
    assert bob.status == "withdrawn"
    assert WaitlistEntry.objects.get(pk=alice.pk).status == "offered"
    look.done()


def visit(world, patient, start):
    return appointment_book(
        request=world.request(start, patient=patient), actor=None, now=start - timedelta(days=7)
    )


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_patient_s_past_visits_and_the_deactivation_step(
    page, sign_in, screenshot, personas, live_server, width
):
    world = build_booking_world(personas)
    bob = personas.patient_b
    attended = visit(world, bob, weekday_at(9, after_days=-3))
    appointment_arrive(appointment=attended, actor=None, now=attended.start)
    missed = visit(world, bob, weekday_at(10, after_days=-5))
    appointment_mark_noshow(appointment=missed, actor=None, now=missed.end)
    cancelled = visit(world, bob, weekday_at(11, after_days=-8))
    appointment_cancel(
        appointment=cancelled,
        actor=None,
        now=cancelled.start - timedelta(days=3),
        by=CancelledBy.PATIENT,
    )
    look = Looks(page, screenshot, width)
    look.signed_in(sign_in, DESK)
    page.goto(f"{live_server.url}/staff/patients/{bob.pk}/")
    past = page.get_by_role("table", name="Past visits")
    expect(past.get_by_role("row")).to_have_count(4)
    expect(past.get_by_role("row").nth(1)).to_contain_text("Attended")
    expect(past.get_by_role("row").nth(2)).to_contain_text("No-show")
    expect(past.get_by_role("row").nth(3)).to_contain_text("Cancelled")
    look("record")
    page.get_by_role("link", name="Deactivate…").click()
    expect(page.get_by_role("heading", name="Deactivate Bob Brown?")).to_be_visible()
    assert Patient.objects.get(pk=bob.pk).active  # nothing yet
    look("deactivate-confirm")
    page.get_by_label("Why (for the record)").fill("Moved away")
    page.get_by_role("button", name="Deactivate Bob Brown").click()
    expect(page.get_by_text("Bob Brown is deactivated; the record is kept.")).to_be_visible()
    assert not Patient.objects.get(pk=bob.pk).active
    assert Appointment.objects.get(pk=attended.pk).status == AppointmentStatus.ARRIVED  # kept
    look("deactivated")
    look.done()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_practitioner_moves_through_their_days_and_opens_their_week(
    page, sign_in, screenshot, personas, width
):
    world = build_booking_world(personas)
    start = weekday_at(10, after_days=3)
    visit(world, personas.patient_a, start)
    look = Looks(page, screenshot, width)
    look.signed_in(sign_in, personas.physio.user.email)
    page.get_by_role("link", name="My day").click()
    expect(page.get_by_role("heading", name=re.compile("^My day"))).to_contain_text("(today)")
    look("today")
    page.get_by_label("Day", exact=True).fill(start.date().isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text("Alice Anders")
    look("that-day")
    page.get_by_role("link", name="Next day →").click()
    expect(page.get_by_text("No patients are booked with you that day.")).to_be_visible()
    page.get_by_role("link", name="← Previous day").click()
    expect(page.get_by_role("table")).to_contain_text("Alice Anders")
    page.get_by_role("link", name="My week").click()
    expect(page.get_by_role("heading", name=re.compile("^Priya Physio week of"))).to_be_visible()
    expect(page.get_by_text("Alice Anders")).to_be_visible()
    look("week")
    # Their menu's Schedule is their own week.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", name=re.compile("^Priya Physio week of"))).to_be_visible()
    look.done()
