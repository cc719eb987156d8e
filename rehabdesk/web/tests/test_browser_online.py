"""Booking online in a real browser: a new patient on a phone with the keyboard alone,
a returning patient on a desktop, and axe-core on every step (no serious or critical
violation)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Resource, ResourceKind
from rehabdesk.clinic.testing import make_service, make_shift, qualification
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


class Steps:
    """A screenshot of each step of the flow; the `screenshot` fixture runs axe-core on
    each (rehabdesk/conftest.py: the test fails on a serious or critical violation)."""

    def __init__(self, page, screenshot) -> None:
        self.page, self.screenshot = page, screenshot
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.screenshot(name)


def room(location, kind: str, name: str) -> None:
    clinic_services.configuration_save(
        instance=Resource(location=location, kind=ResourceKind.objects.get(slug=kind), name=name)
    )


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` — the keyboard, nothing else."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def code_sent_to(email: str) -> str:
    message = OutboxMessage.objects.filter(kind="online_code", recipient=email).latest("pk")
    found = re.search(r"\b(\d{6})\b", message.body_text)
    assert found, message.body_text
    return found.group(1)


def test_a_new_patient_books_physiotherapy_at_milton_by_keyboard_on_a_phone(
    chromium, live_server, personas, screenshot
):
    room(personas.milton, "treatment-room", "Room 1")
    for day in WEEKDAYS:
        make_shift(personas.physio, personas.milton, day, "09:00", "17:00")
    make_service("Physiotherapy assessment", minutes=45, resource_kinds=["treatment-room"])
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    steps = Steps(page, lambda name: screenshot(name, of=page))
    try:
        page.goto(f"{live_server.url}/book/")
        steps.check("1-service")
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/book/location/"))
        steps.check("2-location")
        tab_to(page, "input[name=location]")
        milton = page.locator(f"#location-{personas.milton.pk}")
        for _ in range(3):
            if milton.is_checked():
                break
            page.keyboard.press("ArrowDown")
        assert milton.is_checked()
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/book/practitioner/"))
        steps.check("3-practitioner")
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/book/times/"))
        steps.check("4-times")
        tab_to(page, "input[name=pick]")
        page.keyboard.press("Space")
        chosen = page.evaluate("document.activeElement.labels[0].textContent").split()[0:2]
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/book/details/"))
        steps.check("5-details")
        tab_to(page, "a[href='/book/details/new/']")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/book/details/new/"))
        steps.check("6-new-patient")
        for selector, typed in (
            ("input[name=first_name]", "Dana"),
            ("input[name=last_name]", "Lee"),
            ("input[name=date_of_birth]", "04021990"),
            ("input[name=email]", "dana.lee@mail.example"),
            ("input[name=phone]", "905-555-0177"),
        ):
            tab_to(page, selector)
            page.keyboard.type(typed)
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/review/$"))
        assert page.get_by_text(" ".join(chosen)).first.is_visible()
        steps.check("7-review")
        tab_to(page, "input[name=consent]")
        page.keyboard.press("Space")
        tab_to(page, "form.form button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/confirm/$"))
        steps.check("8-confirm-email")
        held = Appointment.objects.get(patient__email="dana.lee@mail.example")
        assert held.status == AppointmentStatus.PENDING
        assert held.location == personas.milton
        tab_to(page, "input[name=code]")
        page.keyboard.type(code_sent_to("dana.lee@mail.example"))
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/booked/$"))
        steps.check("9-booked")
        assert page.get_by_role("heading", name="You are booked").is_visible()
        held.refresh_from_db()
        assert held.status == AppointmentStatus.BOOKED
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)


def test_a_returning_patient_books_massage_therapy_on_a_desktop(
    page, live_server, personas, screenshot
):
    room(personas.pickering, "massage-room", "Massage room")
    for day in WEEKDAYS:
        make_shift(personas.massage_therapist, personas.pickering, day, "09:00", "17:00")
    make_service(
        "Massage therapy, 60 minutes",
        discipline="massage-therapy",
        tax="massage-therapy",
        minutes=60,
        resource_kinds=["massage-room"],
        qualifications=[qualification("cmto")],
    )
    steps = Steps(page, screenshot)
    bob = personas.patient_b
    page.goto(f"{live_server.url}/book/")
    steps.check("1-service")
    page.get_by_role("button", name="Next: location").click()
    page.get_by_label(re.compile("^Pickering")).check()
    steps.check("2-location")
    page.get_by_role("button", name="Next: practitioner").click()
    page.get_by_label("Olivia Massage").check()
    page.get_by_role("button", name="Next: see free times").click()
    steps.check("4-times")
    page.locator("input[name=pick]").first.check()
    page.get_by_role("button", name="Choose this time").click()
    page.get_by_role("link", name=re.compile("I have been here before")).click()
    steps.check("5-returning")
    page.get_by_label("E-mail address").fill(bob.email)
    page.get_by_role("button", name="E-mail me a code").click()
    steps.check("6-code")
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code_sent_to(bob.email))
    page.get_by_role("button", name="Check the code").click()
    page.get_by_label(bob.full_name).check()
    page.get_by_role("button", name="Hold this time").click()
    page.wait_for_url(re.compile(r"/review/$"))
    steps.check("7-review")
    assert page.get_by_text(re.compile(r"HST")).first.is_visible()
    page.get_by_label("I have read the privacy notice and agree to it.").check()
    page.get_by_role("button", name="Book this appointment").click()
    page.wait_for_url(re.compile(r"/booked/$"))
    steps.check("8-booked")
    booked = Appointment.objects.get(patient=bob)
    assert booked.status == AppointmentStatus.BOOKED
    assert booked.channel == "online"
    assert booked.start - timezone.now() >= timedelta(minutes=120)  # the online notice
    assert not steps.problems, "\n".join(steps.problems)
