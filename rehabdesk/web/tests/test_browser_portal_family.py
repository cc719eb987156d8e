"""A parent on their phone: the family's upcoming visits on the first page, each named;
they open their son's, find no time that suits with his physiotherapist, follow the page
to the other location and move him there — never a dead end. Screenshots and axe at
each step, on a 390 px phone and a 1366 px laptop."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.clinic import loading
from rehabdesk.clinic.description import TimeOffSpec
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.test_browser_online import Steps
from rehabdesk.web.tests.test_move_ways_on import booked, milton_physio
from rehabdesk.web.tests.test_portal_pages import book

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [390, 1366])
def test_a_parent_sees_the_family_s_visits_and_moves_a_child_to_the_other_location(
    chromium, live_server, personas, screenshot, width
):
    world = build_booking_world(personas)
    paul = milton_physio(world)
    childs = book(world, weekday_at(15), personas.child)
    book(world, weekday_at(11), personas.guardian)
    booked(world, weekday_at(9))  # someone else's: not on the family's page
    day = timezone.localtime(childs.start).date()
    loading.time_off_load(
        practitioner=world.physio,
        time_off=TimeOffSpec(day + timedelta(days=1), 30),
        today=timezone.localdate(),
    )

    context = chromium.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 768)
    page = context.new_page()
    page.set_default_timeout(10_000)
    steps = Steps(page, lambda name: screenshot(f"{width}-{name}", of=page))

    def fits() -> None:
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), page.url

    try:
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("E-mail address").fill(personas.guardian.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/my/$"))
        steps.check("1-family")
        fits()
        visits = page.locator("li.visit")
        expect(visits).to_have_count(2)
        assert visits.nth(0).locator(".who").inner_text() == "You"
        assert visits.nth(1).locator(".who").inner_text() == "Charlie"
        assert not page.get_by_text("Alice").count()

        visits.nth(1).get_by_role("link", name=re.compile(r"^Move or cancel")).click()
        expect(page.get_by_role("heading", name="Charlie's appointment", level=1)).to_be_visible()
        page.get_by_role("link", name="Move to another time").click()
        page.wait_for_url(re.compile(r"/move/$"))
        # Later than the booking, Priya is away: her days after it have no time.
        page.goto(f"{page.url}?from={day + timedelta(days=1)}")
        steps.check("2-no-times")
        fits()
        ways = page.get_by_role("navigation", name="Look elsewhere")
        expect(ways.get_by_role("link", name=re.compile(r"^The two weeks from"))).to_be_visible()
        expect(
            ways.get_by_role("link", name="Join the waitlist for an earlier time")
        ).to_be_visible()
        ways.get_by_role("link", name="At Milton, with anyone").click()
        page.wait_for_url(re.compile(r"location="))
        steps.check("3-milton")
        fits()
        page.locator("input[name=pick]").first.check()
        page.get_by_role("button", name="Move to this time").click()
        page.wait_for_url(re.compile(r"/my/appointments/\d+/$"))
        steps.check("4-moved")
        expect(page.get_by_text("Charlie's appointment is moved.")).to_be_visible()
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    childs.refresh_from_db()
    assert childs.status == AppointmentStatus.BOOKED
    assert (childs.location, childs.practitioner) == (world.milton, paul)
