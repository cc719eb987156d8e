"""A physiotherapist on a tablet makes a treatment plan from a signed assessment, the
front desk books its visits from the patient page (the times only), and the plan is
followed and discharged. Screenshots at 1280 and 390 px, each checked with axe-core,
and no page wider than the phone.

The live server reads the real clock: the plan starts today."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_booking_propose
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import BookingRequest, appointment_book
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.plan_world import assessment, plan_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _both_widths(page, screenshot, step: str) -> None:
    """The page at the desk's width and a phone's, neither scrolling sideways."""
    page.set_viewport_size(DESK)
    screenshot(step, of=page)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), step
    screenshot(f"{step}-phone", of=page)
    page.set_viewport_size(DESK)


def test_a_plan_made_from_the_assessment_booked_by_the_desk_and_discharged(
    page, live_server, sign_in, screenshot, personas
):
    world = plan_world(personas)
    note = assessment(world)
    in_six_weeks = (timezone.localdate() + timedelta(weeks=6)).isoformat()

    # The physio reads the signed assessment and makes a plan from it.
    sign_in(page, personas.physio.user.email, PASSWORD)
    page.goto(f"{live_server.url}/staff/notes/{note.pk}/")
    page.get_by_role("link", name="Make a plan").click()
    page.get_by_role("heading", name="A new treatment plan").wait_for()
    expect(page.get_by_label("Problems")).to_have_value(
        "Sitting tolerance 20 minutes\nCannot lift a laundry basket"
    )
    goal = page.get_by_role("group", name="Goal 1")
    goal.get_by_label("Goal").fill("Sits through a work day")
    goal.get_by_label("Measured by").select_option("odi")
    goal.get_by_label("Target score").fill("20")
    goal.get_by_label("Target date").fill(in_six_weeks)
    course = page.get_by_role("group", name="Course 1")
    course.get_by_label("Service").select_option(label="Follow-up")
    course.get_by_label("Location").select_option(label="Pickering")
    course.get_by_label("for … weeks").fill("2")
    page.get_by_label("or after this many visits").fill("4")
    page.get_by_role("group", name="Measure 1").get_by_label("Measure").select_option("odi")
    _both_widths(page, screenshot, "plan-form")
    page.get_by_role("button", name="Make the plan").click()

    expect(page.get_by_text("The plan is made.")).to_be_visible()
    plan = TreatmentPlan.objects.get(patient=world.patient)
    assert plan.assessment_note_id == note.pk
    expect(page.get_by_text("0 of 4 planned visits attended · 0 booked")).to_be_visible()
    _both_widths(page, screenshot, "plan")
    page.get_by_role("link", name="Book the plan").click()
    page.get_by_role("heading", name="Book the plan's visits").wait_for()
    expect(page.get_by_role("checkbox")).to_have_count(5)  # the switch and four visits
    _both_widths(page, screenshot, "book-physio")

    # Meanwhile another patient takes the time of the plan's third visit.
    proposal = plan_booking_propose(plan=plan, both_locations=False, now=timezone.now())
    appointment_book(
        request=BookingRequest(
            patient=world.other_patient,
            practitioner=world.physio,
            service=world.follow_up,
            location=world.pickering,
            start=proposal.bookable[2].start,
            channel=Channel.PHONE,
        ),
        actor=personas.front_desk,
        now=timezone.now(),
    )

    # The desk books it from the patient page, seeing the times only: the third visit
    # at its nearest free time, marked.
    desk = page.context.browser.new_context(viewport=DESK)
    desk_page = desk.new_page()
    desk_page.set_default_timeout(10_000)
    sign_in(desk_page, personas.front_desk.email, PASSWORD)
    desk_page.goto(f"{live_server.url}/staff/patients/{world.patient.pk}/")
    desk_page.get_by_role("link", name="Book the treatment plan's visits").click()
    desk_page.get_by_role("heading", name="Book the plan's visits").wait_for()
    expect(desk_page.get_by_text("Sits through a work day")).to_have_count(0)
    expect(desk_page.get_by_text("Alternative")).to_be_visible()
    expect(desk_page.get_by_role("link", name="The treatment plan")).to_have_count(0)
    _both_widths(desk_page, screenshot, "book-desk")
    desk_page.get_by_role("button", name="Book the ticked visits").click()
    expect(desk_page.get_by_text("Booked 4 visits of the plan.")).to_be_visible()
    assert Appointment.objects.filter(patient=world.patient).count() == 4  # one moved
    desk.close()

    # Back on the plan: booked, then discharged.
    page.reload()
    expect(page.get_by_text("Every course of the plan is booked.")).to_be_visible()
    page.get_by_role("link", name="The treatment plan").click()
    expect(page.get_by_text("0 of 4 planned visits attended · 4 booked")).to_be_visible()
    _both_widths(page, screenshot, "plan-booked")
    page.get_by_role("link", name="Discharge").click()
    page.get_by_role("heading", name="Discharge from the plan").wait_for()
    page.get_by_label("Goals met").check()
    page.get_by_role("group", name="Sits through a work day").get_by_label("Partly met").check()
    page.get_by_label("Discharge summary").fill("Sitting two hours; back at work.")
    _both_widths(page, screenshot, "discharge")
    page.get_by_role("button", name="Discharge and close the plan").click()
    expect(page.get_by_text("The plan is closed with its discharge summary.")).to_be_visible()
    expect(page.get_by_role("link", name="Discharge")).to_have_count(0)
    _both_widths(page, screenshot, "closed")

    # The chart says so.
    page.get_by_role("link", name="Chart").first.click()
    expect(page.get_by_text(re.compile(r"Closed plans \(1\)"))).to_be_visible()
    expect(page.get_by_role("link", name="Make a plan")).to_be_visible()
    _both_widths(page, screenshot, "chart")
