"""The manager's hours, in a real browser on a phone (390 px), a tablet (768 px) and a
laptop (1366 px): everyone's week and one practitioner's week read without sideways
scrolling and write times one way ("9:00 AM"); a change of a shift from a chosen day
is previewed, naming the booking it would leave out, then saved; the patient left out
is told. Every page passes axe-core with no serious or critical issue."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from rehabdesk.clinic.models import WorkingHours
from rehabdesk.demo.clinic import DEMO_PASSWORD, load_demo
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.testing.factors import complete_second_factor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (390, 768, 1366)
MANAGER = "manager@profusion.example"
TORONTO = ZoneInfo("America/Toronto")


# The innermost element reaching furthest past the right edge, to name in a failure.
WIDEST = """() => {
  let found = null, right = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect().right;
    if (r > right && clipped(el)) continue;
    if (r > right) { right = r; found = el; }
  }
  if (!found) return '';
  return `${found.tagName.toLowerCase()}.${found.className} ends at ${Math.round(right)}px`;
}"""


class Checks:
    """Screenshots, sideways scrolling and axe-core for each page a test visits."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        from axe_playwright_python.sync_playwright import Axe

        from rehabdesk.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        self.folder = ARTIFACTS
        self.test = request.node.name
        self.axe = Axe()
        self.problems: list[str] = []

    def look(self, page, name: str) -> None:
        page.screenshot(path=str(self.folder / f"{self.test}-{name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            widest = page.evaluate(WIDEST)
            self.problems.append(f"{name}: scrolls sideways by {overflow}px ({widest})")
        for violation in self.axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                self.problems.append(f"{name}: {violation['id']} ({violation['impact']})")


def one_time_format(page) -> None:
    """Times read "9:00 AM–5:00 PM": never "17:00" or Django's "5 p.m."."""
    text = page.locator("main").inner_text()
    assert re.search(r"\b\d{1,2}:\d\d [AP]M–\d{1,2}:\d\d [AP]M\b", text)
    assert not re.search(r"\d ?[ap]\.m\.|\b(1[3-9]|2[0-3]):[0-5]\d\b", text)


def signed_in(chromium, live_server, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("E-mail address").fill(MANAGER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    complete_second_factor(page, MANAGER)
    return context, page


def test_the_weeks_fit_every_width_and_pass_axe(chromium, live_server, request):
    load_demo(now=datetime.now(tz=TORONTO), history_days=0, future_days=0)
    shift = WorkingHours.objects.select_related("practitioner").order_by("pk").first()
    checks = Checks(request)
    for width in WIDTHS:
        context, page = signed_in(chromium, live_server, width)
        try:
            page.goto(f"{live_server.url}/staff/hours/")
            grid = page.get_by_role("table", name="Weekly hours of each practitioner")
            expect(grid).to_have_count(1)
            expect(page.locator("table")).to_have_count(1)
            one_time_format(page)
            checks.look(page, f"everyone-{width}")
            page.get_by_role("link", name=shift.practitioner.display_name).first.click()
            page.wait_for_url(f"**/staff/hours/{shift.practitioner_id}/")
            expect(page.locator("table.week-grid")).to_have_count(1)
            checks.look(page, f"one-{width}")
        finally:
            context.close()
    assert not checks.problems, "\n".join(checks.problems)


def an_afternoon_booking() -> tuple[Appointment, WorkingHours]:
    """A booked afternoon visit at least two days ahead, and the shift it lies in."""
    soon = datetime.now(tz=TORONTO) + timedelta(days=2)
    for appointment in (
        Appointment.objects.filter(status=AppointmentStatus.BOOKED, start__gte=soon)
        .exclude(patient__email="")
        .select_related("location", "patient")
        .order_by("start")
    ):
        local = appointment.start.astimezone(appointment.location.zone)
        if local.time() < time(13):
            continue
        shift = WorkingHours.objects.filter(
            practitioner_id=appointment.practitioner_id,
            location_id=appointment.location_id,
            weekday=local.weekday(),
            starts__lt=time(12),
        ).first()
        if shift is not None and shift.applies_on(local.date()):
            return appointment, shift
    raise AssertionError("the demo has no afternoon booking to leave out")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_change_from_a_day_is_previewed_saved_and_the_patient_told(
    chromium, live_server, request, width
):
    load_demo(now=datetime.now(tz=TORONTO), history_days=0, future_days=10)
    appointment, shift = an_afternoon_booking()
    day = appointment.start.astimezone(appointment.location.zone).date()
    checks = Checks(request)
    context, page = signed_in(chromium, live_server, width)
    try:
        page.goto(f"{live_server.url}/staff/hours/{shift.practitioner_id}/?edit={shift.pk}")
        page.get_by_label("Takes effect from").fill(day.isoformat())
        page.get_by_label("Ends", exact=False).first.fill("12:00")
        for n in (1, 2):
            page.get_by_label(f"Break {n} starts").fill("")
            page.get_by_label(f"Break {n} ends").fill("")
        page.get_by_role("button", name="Preview the change").click()
        preview = page.locator(".hours-preview")
        expect(preview.get_by_text(appointment.patient.full_name)).not_to_have_count(0)
        assert WorkingHours.objects.get(pk=shift.pk).effective_until is None  # nothing saved
        checks.look(page, "preview")

        page.get_by_role("button", name="Save this change").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Working hours saved.")).to_be_visible()
        assert WorkingHours.objects.get(pk=shift.pk).effective_until == day - timedelta(days=1)
        outside = page.get_by_role("table", name="outside changed hours")
        expect(
            outside.get_by_role("rowheader", name=appointment.patient.full_name)
        ).not_to_have_count(0)
        checks.look(page, "saved")

        page.get_by_label(f"Choose {appointment.patient.full_name}'s appointment").first.check()
        page.get_by_role("button", name="Tell the patients and offer other times").click()
        page.wait_for_load_state()
        expect(page.get_by_text("told by e-mail, with other free times")).to_be_visible()
        assert OutboxMessage.objects.filter(
            kind="booking_outside_hours", related_id=str(appointment.pk)
        ).exists()
        checks.look(page, "told")
    finally:
        context.close()
    assert not checks.problems, "\n".join(checks.problems)
