"""Every signed-in page fits the screen it is used on: the portal on a 390 px phone, the
staff pages on a 768 px tablet and a 1366 px laptop (and "my day", which a practitioner
opens on their phone, at 390 px too). No page scrolls sideways, and each passes an
automated accessibility check (axe-core) with no serious or critical issue.

The demo clinic, with a day of history and a few days of bookings, gives the pages
realistic content: names, services and notes of real lengths, several practitioners
and rooms, a family."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.demo.clinic import DEMO_PASSWORD, FRONT_DESK, MANAGER, load_demo
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.manage_links import manage_token
from rehabdesk.scheduling.models import Appointment
from rehabdesk.testing.factors import complete_second_factor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE, TABLET, LAPTOP = 390, 768, 1366
GRACE = "grace.green@mail.example"


@dataclass
class Tour:
    """One browser at one width, signed in as one person: visit pages, screenshot each,
    and note sideways scrolling and axe's serious or critical findings."""

    chromium: Any
    base: str
    width: int
    name: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        from rehabdesk.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        self.artifacts = ARTIFACTS
        self.axe = Axe()
        self.context = self.chromium.new_context(
            viewport={"width": self.width, "height": 900}, is_mobile=self.width < TABLET
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)

    def sign_in(self, email: str) -> None:
        self.page.goto(f"{self.base}/sign-in/")
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        complete_second_factor(self.page, email)

    def visit(self, label: str, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None, path
        assert response.status == 200, f"{path}: {response.status}"
        self.check(label)

    def check(self, label: str) -> None:
        page = self.page
        page.screenshot(
            path=str(self.artifacts / f"widths-{self.name}-{self.width}-{label}.png"),
            full_page=True,
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems = page.evaluate(WIDEST)
            self.problems.append(
                f"{self.width}px {label} ({page.url}): scrolls sideways by {overflow}px; "
                f"widest: {problems}"
            )
        for violation in self.axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(
                    f"{self.width}px {label}: {violation['id']} ({violation['impact']}) {targets}"
                )

    def close(self) -> None:
        self.context.close()


# What sticks out past the window: the outermost elements wider than the viewport that
# are not inside a scroll region of their own.
WIDEST = """
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body, body *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 0.5) continue;
    let inner = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inner = true; break; }
    }
    if (inner) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.documentElement &&
        parent.getBoundingClientRect().right > width + 0.5) continue;
    out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
             ' right=' + Math.round(box.right));
  }
  return out.slice(0, 5);
}
"""


@pytest.fixture
def demo(live_server) -> dict[str, Any]:
    now = datetime.now(tz=ZoneInfo("America/Toronto"))
    # A week back, so the practitioner's tour finds a last day of visits whatever day the
    # tests run (two days back from a Sunday or a Monday held none).
    load_demo(now=now, history_days=7, future_days=4)
    grace = Patient.objects.get(email=GRACE)
    charlie = Patient.objects.get(first_name="Charlie", last_name="Green")
    return {
        "grace": grace,
        "charlie": charlie,
        "today": timezone.localdate(),
        "base": live_server.url,
    }


@pytest.fixture
def tours(chromium, live_server) -> Iterator[list[Tour]]:
    made: list[Tour] = []
    yield made
    for tour in made:
        tour.close()


def test_the_portal_fits_a_phone_for_a_parent_and_their_child(chromium, demo, tours):
    grace, charlie = demo["grace"], demo["charlie"]
    visit = (
        Appointment.objects.filter(patient=charlie, status=AppointmentStatus.BOOKED)
        .order_by("start")
        .first()
    )
    assert visit is not None, "the demo books Charlie a visit"
    milton = Location.objects.get(slug="milton")
    tour = Tour(chromium, demo["base"], PHONE, "portal")
    tours.append(tour)
    tour.sign_in(GRACE)
    for label, path in (
        ("my", "/my/"),
        ("child", f"/my/people/{charlie.pk}/"),
        ("details", f"/my/people/{grace.pk}/details/"),
        ("child-details", f"/my/people/{charlie.pk}/details/"),
        ("consents", f"/my/people/{grace.pk}/consents/"),
        ("waitlist", f"/my/people/{charlie.pk}/waitlist/"),
        ("appointment", f"/my/appointments/{visit.pk}/"),
        ("move", f"/my/appointments/{visit.pk}/move/"),
        ("move-anyone", f"/my/appointments/{visit.pk}/move/?anyone=1"),
        ("move-milton", f"/my/appointments/{visit.pk}/move/?anyone=1&location={milton.pk}"),
        (
            "move-far",
            f"/my/appointments/{visit.pk}/move/?from={demo['today'] + timedelta(days=400)}",
        ),
        ("cancel", f"/my/appointments/{visit.pk}/cancel/"),
        ("home", "/"),
    ):
        tour.visit(label, path)
    # Sign out is on the screen, not past its edge.
    box = tour.page.get_by_role("button", name="Sign out").bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= PHONE, box
    # The password pages, signed out.
    tour.page.get_by_role("button", name="Sign out").click()
    tour.visit("password", "/my/password/")
    # The same pages through the e-mailed link.
    token = manage_token(visit)
    tour.visit("link", f"/manage/{token}/")
    tour.visit("link-move", f"/manage/{token}/move/")
    assert not tour.problems, "\n".join(tour.problems)


def _next_weekday(today: date) -> date:
    """The first weekday after today: the demo books it fully."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _last_day_worked(practitioner: Practitioner, today: date) -> date:
    """The practitioner's last day of visits before today: the demo's notes for them are
    signed, drafts, or still to write."""
    visits = Appointment.objects.filter(
        practitioner=practitioner,
        status__in=[AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW],
        start__lt=datetime.combine(today, time(0), tzinfo=timezone.get_current_timezone()),
    )
    last = visits.order_by("-start").first()
    assert last is not None, "the demo's practitioners have past visits"
    return timezone.localdate(last.start)


def _staff_pages(demo: dict[str, Any]) -> list[tuple[str, str]]:
    grace = demo["grace"]
    pickering = Location.objects.get(slug="pickering")
    physio = Practitioner.objects.filter(active=True).order_by("pk").first()
    assert physio is not None
    day = _next_weekday(demo["today"])
    visit = (
        Appointment.objects.filter(status=AppointmentStatus.BOOKED, patient__isnull=False)
        .order_by("start")
        .first()
    )
    assert visit is not None
    return [
        ("desk", "/staff/desk/"),
        ("schedule", f"/staff/schedule/{pickering.slug}/{day.isoformat()}/"),
        ("schedule-rooms", f"/staff/schedule/{pickering.slug}/{day.isoformat()}/?by=room"),
        ("week", f"/staff/practitioners/{physio.pk}/week/{day.isoformat()}/"),
        ("sheet", f"/staff/schedule/{pickering.slug}/{day.isoformat()}/sheet/"),
        ("patients", "/staff/patients/?q=green"),
        ("patient", f"/staff/patients/{grace.pk}/"),
        ("consent-tablet", f"/staff/patients/{grace.pk}/consent/?topic=sensitive_areas"),
        ("patient-book", f"/staff/patients/{grace.pk}/book/"),
        ("appointment", f"/staff/appointments/{visit.pk}/"),
        ("reschedule", f"/staff/appointments/{visit.pk}/reschedule/"),
        ("waitlist", f"/staff/patients/{grace.pk}/waitlist/"),
        ("series", f"/staff/patients/{grace.pk}/series/"),
        ("waitlist-desk", "/staff/waitlist/"),
    ]


@pytest.mark.parametrize("width", [PHONE, TABLET, LAPTOP])
def test_the_desk_s_pages_fit_a_tablet_and_a_laptop(chromium, demo, tours, width):
    tour = Tour(chromium, demo["base"], width, "desk")
    tours.append(tour)
    tour.sign_in(FRONT_DESK)
    for label, path in _staff_pages(demo):
        tour.visit(label, path)
        if label == "schedule" and width < LAPTOP:
            # The grid is wider than the screen: it scrolls inside its own region, which
            # is named and reached by the keyboard, where → scrolls it (not the day).
            region = tour.page.get_by_role("region", name=re.compile(r"by practitioner$"))
            region.focus()
            tour.page.keyboard.press("ArrowRight")
            assert tour.page.url.endswith(path)
            # A function, not an expression: Playwright evals an expression in the page,
            # which the Content-Security-Policy refuses (no 'unsafe-eval').
            tour.page.wait_for_function("() => document.querySelector('.schedule').scrollLeft > 0")
    # Booking a caller: the free times, then the confirmation step.
    service = Service.objects.get(slug="physiotherapy-initial-assessment")
    tour.visit("find", f"/staff/patients/{demo['grace'].pk}/book/?service={service.pk}")
    tour.page.locator(".time-list").first.get_by_role("button").first.click()
    tour.page.get_by_role("heading", name="Confirm the booking").wait_for()
    tour.check("confirm")
    assert not tour.problems, "\n".join(tour.problems)


@pytest.mark.parametrize("width", [PHONE, TABLET, LAPTOP])
def test_the_manager_s_pages_fit_a_tablet_and_a_laptop(chromium, demo, tours, width):
    physio = Practitioner.objects.filter(active=True).order_by("pk").first()
    assert physio is not None
    tour = Tour(chromium, demo["base"], width, "manager")
    tours.append(tour)
    tour.sign_in(MANAGER)
    for label, path in (
        ("hours", "/staff/hours/"),
        ("hours-practitioner", f"/staff/hours/{physio.pk}/"),
        ("registrations", "/staff/registrations/expiring/"),
        ("overdue-notes", "/staff/notes/overdue/"),
        ("patients", "/staff/patients/?q=green"),
        ("reports", "/staff/reports/"),
        ("revenue-by-service", "/staff/reports/revenue/?by=service"),
        ("utilization", "/staff/reports/utilization/"),
    ):
        tour.visit(label, path)
    assert not tour.problems, "\n".join(tour.problems)


@pytest.mark.parametrize("width", [PHONE, TABLET])
def test_a_practitioner_s_day_fits_their_phone_and_a_tablet(chromium, demo, tours, width):
    # The next weekday's busiest practitioner, so the page has rows to fit.
    day = _next_weekday(demo["today"])
    on_day = [
        a.practitioner_id
        for a in Appointment.objects.filter(status=AppointmentStatus.BOOKED)
        if timezone.localdate(a.start) == day
    ]
    assert on_day, "the demo books the next weekday"
    physio = Practitioner.objects.get(pk=max(set(on_day), key=on_day.count))
    tour = Tour(chromium, demo["base"], width, "practitioner")
    tours.append(tour)
    tour.sign_in(physio.user.email)
    tour.visit("my-day-today", "/staff/my-day/")
    tour.visit("my-day", f"/staff/my-day/?day={day.isoformat()}")
    # Each visit reads whole on the phone: the table reflows rather than scrolls.
    region = tour.page.get_by_role("region", name=re.compile(r"^Your patients on "))
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    # A day gone by: each visit's note (signed, draft, or to write) under its status.
    past = _last_day_worked(physio, demo["today"])
    tour.visit("my-day-past", f"/staff/my-day/?day={past.isoformat()}")
    region = tour.page.get_by_role("region", name=re.compile(r"^Your patients on "))
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert "Note: " in region.inner_text()
    assert not tour.problems, "\n".join(tour.problems)
