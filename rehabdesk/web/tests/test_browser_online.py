"""Booking online in a real browser, at the widths each step concerns: a new patient
with back pain on a phone (390 px) with the keyboard alone, a returning patient on a
desktop (1366 px), and the practitioner and time steps on a tablet (768 px). Every step
gets a screenshot (test-artifacts/), no sideways scroll, and axe-core with no serious
or critical violation."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.clinic import loading
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility, ServiceKind, Weekday
from rehabdesk.clinic.models import Practitioner, Resource, ResourceKind
from rehabdesk.clinic.testing import make_service, make_shift, qualification, sample_service
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
PHONE, TABLET, DESKTOP = 390, 768, 1366


class Steps:
    """A screenshot and a sideways-scroll check of each step; the `screenshot` fixture
    runs axe-core on each (rehabdesk/conftest.py: the test fails on a serious or critical
    violation)."""

    def __init__(self, page, screenshot, width: int | None = None) -> None:
        self.page, self.screenshot = page, screenshot
        self.width, self.named = width or page.viewport_size["width"], width is not None
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.screenshot(f"{self.width}-{name}" if self.named else name)
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        if wide > self.width:
            self.problems.append(f"{name}: {wide} px wide on a {self.width} px screen")


def open_page(chromium, width: int):
    context = chromium.new_context(
        viewport={"width": width, "height": 844 if width == PHONE else 900},
        is_mobile=width == PHONE,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def room(location, kind: str, name: str) -> None:
    clinic_services.configuration_save(
        instance=Resource(location=location, kind=ResourceKind.objects.get(slug=kind), name=name)
    )


def physio_services() -> tuple[object, object]:
    """A first visit anyone may book, and a follow-up for returning patients only."""
    today = timezone.localdate()
    spec = sample_service("Physiotherapy assessment", minutes=45, resource_kinds=["treatment-room"])
    assessment = loading.service_load(
        service=replace(spec, kind=ServiceKind.INITIAL_ASSESSMENT, price="120.00"), today=today
    )
    follow_up = loading.service_load(
        service=replace(
            spec,
            name="Physiotherapy follow-up",
            kind=ServiceKind.FOLLOW_UP,
            minutes=30,
            eligibility=PatientEligibility.EXISTING_ONLY,
        ),
        today=today,
    )
    return assessment, follow_up


def introduce(practitioner: Practitioner, languages: str, bio: str) -> None:
    practitioner.languages, practitioner.bio = languages, bio
    clinic_services.practitioner_save(practitioner=practitioner)


def tab_to(page, selector: str, *, limit: int = 80) -> None:
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


def test_a_new_patient_with_back_pain_books_an_assessment_by_keyboard_on_a_phone(
    chromium, live_server, personas, screenshot
):
    room(personas.milton, "treatment-room", "Room 1")
    for day in WEEKDAYS:
        make_shift(personas.physio, personas.milton, day, "09:00", "17:00")
    assessment, follow_up = physio_services()
    introduce(personas.physio, "English, Hindi", "Priya treats back and neck pain.")
    context, page = open_page(chromium, PHONE)
    steps = Steps(page, lambda name: screenshot(name, of=page), PHONE)
    try:
        page.goto(f"{live_server.url}/book/")
        expect(page.locator("input:checked")).to_have_count(0)  # nothing chosen for them
        steps.check("1-service")
        tab_to(page, "#visit-new")
        page.keyboard.press("Space")
        # A new patient sees only what they may book: the follow-up is gone.
        expect(page.get_by_text(follow_up.name)).to_be_hidden()
        expect(page.get_by_text(re.compile(r"\$120\.00 HST exempt"))).to_be_visible()
        steps.check("1-service-new")
        tab_to(page, "input[name=service]")
        page.keyboard.press("Space")
        assert page.locator(f"#service-{assessment.pk}").is_checked()  # the first visit, first
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
        expect(page.get_by_text("Speaks English, Hindi")).to_be_visible()
        expect(page.get_by_text("Priya treats back and neck pain.")).to_be_visible()
        assert page.locator(".photo").first.text_content() == "PP"
        steps.check("3-practitioner")
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/book/times/"))
        steps.check("4-times")
        # The weekend is in the week too, with nothing free; each time is its own button.
        expect(page.get_by_text("No free times").first).to_be_visible()
        tab_to(page, "button[name=pick]")
        chosen = page.evaluate("document.activeElement.querySelector('.slot-time').textContent")
        page.keyboard.press("Enter")

        # Every visitor proves an e-mail address first, new or not.
        page.wait_for_url(re.compile(r"/book/details/$"))
        steps.check("5-email")
        tab_to(page, "input[name=email]")
        page.keyboard.type("dana.lee@mail.example")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/book/details/$"))
        expect(page.get_by_text("We have e-mailed a six-digit code")).to_be_visible()
        steps.check("5-code")
        tab_to(page, "input[name=code]")
        page.keyboard.type(code_sent_to("dana.lee@mail.example"))
        page.keyboard.press("Enter")

        # They said they are new on step 1: straight to their details.
        page.wait_for_url(re.compile(r"/book/details/new/"))
        steps.check("5-new-patient")
        for selector, typed in (
            ("input[name=first_name]", "Dana"),
            ("input[name=last_name]", "Lee"),
            ("input[name=date_of_birth]", "04021990"),
            ("input[name=phone]", "905-555-0177"),
        ):
            tab_to(page, selector)
            page.keyboard.type(typed)
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/review/$"))
        expect(page.get_by_text(chosen).first).to_be_visible()
        steps.check("6-review")
        held = Appointment.objects.get(patient__email="dana.lee@mail.example")
        assert held.status == AppointmentStatus.PENDING
        assert held.location == personas.milton
        tab_to(page, "input[name=consent]")
        page.keyboard.press("Space")
        tab_to(page, "form.form button[type=submit]")
        page.keyboard.press("Enter")

        page.wait_for_url(re.compile(r"/booked/$"))
        steps.check("7-booked")
        expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
        held.refresh_from_db()
        assert held.status == AppointmentStatus.BOOKED

        # Add to calendar: a calendar file of this booking.
        with page.expect_download() as download:
            page.get_by_role("link", name="Add to my calendar").click()
        path = download.value.path()
        assert path is not None
        assert "BEGIN:VEVENT" in path.read_text(encoding="utf-8")
        # A portal password: a link e-mailed to the address they confirmed.
        page.get_by_role("button", name="Set a password for my patient account").click()
        page.wait_for_url(re.compile(r"/booked/$"))
        expect(page.get_by_text("link to set your password")).to_be_visible()
        steps.check("7-booked-password")
        assert OutboxMessage.objects.filter(
            kind="password_link", recipient="dana.lee@mail.example"
        ).exists()
        # Change or cancel, without calling.
        page.get_by_role("link", name="Change or cancel this appointment").click()
        page.wait_for_url(re.compile(r"/manage/"))
        steps.check("8-manage")
        # Online until the clinic's notice starts, by phone after: which one depends on
        # the day the tests run (on a Sunday the first free time is Monday morning).
        notice = timedelta(hours=held.location.clinic.cancellation_notice_hours)
        if held.start - timezone.now() > notice:
            expect(page.get_by_role("link", name="Move to another time")).to_be_visible()
        else:
            expect(page.get_by_text("can only be changed by phone")).to_be_visible()
            phone = re.compile(r"^\d{3}-\d{3}-\d{4}$")
            expect(page.get_by_role("link", name=phone)).to_be_visible()
        expect(page.get_by_role("button", name="I will be there")).to_be_visible()
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)


def test_a_new_patient_who_picks_a_follow_up_is_told_before_typing_anything(
    chromium, live_server, personas, screenshot
):
    room(personas.pickering, "treatment-room", "Room 1")
    for day in WEEKDAYS:
        make_shift(personas.physio, personas.pickering, day, "09:00", "17:00")
    _assessment, follow_up = physio_services()
    context, page = open_page(chromium, PHONE)
    steps = Steps(page, lambda name: screenshot(name, of=page), PHONE)
    try:
        page.goto(f"{live_server.url}/book/")
        page.get_by_label(re.compile("Yes, I have been here before")).check()
        expect(page.get_by_text(follow_up.name)).to_be_visible()
        page.get_by_label(re.compile(follow_up.name)).check()
        # Then they change their mind about having been here: the follow-up goes, and
        # the server refuses it all the same.
        page.get_by_label("No, this is my first visit").check()
        expect(page.get_by_text(follow_up.name)).to_be_hidden()
        page.get_by_role("button", name="Next: location").click()
        page.wait_for_url(re.compile(r"/book/location/"))
        expect(page.get_by_text("follows a first visit")).to_be_visible()
        expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
        steps.check("refused-follow-up")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)


def test_a_tablet_shows_services_practitioners_and_a_week_of_times_in_columns(
    chromium, live_server, personas, screenshot
):
    room(personas.pickering, "treatment-room", "Room 1")
    for day in WEEKDAYS:
        make_shift(personas.physio, personas.pickering, day, "09:00", "17:00")
    assessment, _follow_up = physio_services()
    introduce(personas.physio, "English, French", "Priya treats back and neck pain. " * 12)
    context, page = open_page(chromium, TABLET)
    steps = Steps(page, lambda name: screenshot(name, of=page), TABLET)
    try:
        page.goto(f"{live_server.url}/book/")
        page.get_by_label("No, this is my first visit").check()
        steps.check("1-service-new")
        query = f"service={assessment.pk}&location={personas.pickering.pk}&visit=new"
        page.goto(f"{live_server.url}/book/practitioner/?{query}")
        bio = page.locator(".bio").first.text_content() or ""
        assert len(bio) <= 200
        steps.check("3-practitioner")
        page.get_by_label(re.compile("Priya Physio")).check()
        page.get_by_role("button", name="Next: see free times").click()
        page.wait_for_url(re.compile(r"/book/times/"))
        steps.check("4-times")
        days = page.locator(".week > .day")
        expect(days).to_have_count(7)
        monday, tuesday = days.nth(0).bounding_box(), days.nth(1).bounding_box()
        assert monday is not None
        assert tuesday is not None
        assert tuesday["y"] == monday["y"]
        assert tuesday["x"] > monday["x"]  # columns side by side
        page.get_by_role("link", name="Next week →").click()
        page.wait_for_url(re.compile(r"week="))
        expect(page.get_by_role("link", name="← Previous week")).to_be_visible()
        steps.check("4-times-next-week")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)


def test_a_returning_patient_books_massage_therapy_on_a_desktop(
    chromium, live_server, personas, screenshot
):
    room(personas.pickering, "massage-room", "Massage room")
    for day in WEEKDAYS:
        make_shift(personas.massage_therapist, personas.pickering, day, "09:00", "17:00")
    make_service(
        "Massage therapy, 60 minutes",
        discipline="massage-therapy",
        tax="massage-therapy",
        price="110.00",
        minutes=60,
        resource_kinds=["massage-room"],
        qualifications=[qualification("cmto")],
    )
    context, page = open_page(chromium, DESKTOP)
    steps = Steps(page, lambda name: screenshot(name, of=page), DESKTOP)
    bob = personas.patient_b
    try:
        page.goto(f"{live_server.url}/book/")
        # Tax from the first step: the price, the HST and what it comes to.
        expect(
            page.get_by_text(re.compile(r"\$110\.00 \+ \$14\.30 HST \(\$124\.30 in all\)"))
        ).to_be_visible()
        steps.check("1-service")
        page.get_by_label(re.compile("Yes, I have been here before")).check()
        page.get_by_label(re.compile("Massage therapy, 60 minutes")).check()
        page.get_by_role("button", name="Next: location").click()
        page.get_by_label(re.compile("^Pickering")).check()
        steps.check("2-location")
        page.get_by_role("button", name="Next: practitioner").click()
        page.get_by_label(re.compile("Olivia Massage")).check()
        steps.check("3-practitioner")
        page.get_by_role("button", name="Next: see free times").click()
        page.wait_for_url(re.compile(r"/book/times/"))
        steps.check("4-times")
        days = page.locator(".week > .day")
        expect(days).to_have_count(7)
        first, last = days.nth(0).bounding_box(), days.nth(6).bounding_box()
        assert first is not None
        assert last is not None
        assert first["y"] == last["y"]  # the whole week on one row
        page.locator("button[name=pick]").first.click()
        # Every visitor proves an e-mail address first.
        page.wait_for_url(re.compile(r"/book/details/$"))
        steps.check("5-email")
        page.get_by_label("E-mail address").fill(bob.email)
        page.get_by_role("button", name="E-mail me a code").click()
        steps.check("5-code")
        page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code_sent_to(bob.email))
        page.get_by_role("button", name="Check the code").click()
        # They said they had been here: whom this address may book for.
        page.wait_for_url(re.compile(r"/book/details/returning/"))
        steps.check("5-who")
        page.get_by_label(bob.full_name).check()
        page.get_by_role("button", name="Hold this time").click()
        page.wait_for_url(re.compile(r"/review/$"))
        steps.check("6-review")
        expect(page.get_by_text(re.compile(r"HST")).first).to_be_visible()
        page.get_by_label("I have read the privacy notice and agree to it.").check()
        page.get_by_role("button", name="Book this appointment").click()
        page.wait_for_url(re.compile(r"/booked/$"))
        steps.check("7-booked")
        expect(page.get_by_role("link", name="Add to my calendar")).to_be_visible()
        expect(page.get_by_role("link", name="Change or cancel this appointment")).to_be_visible()
    finally:
        context.close()
    booked = Appointment.objects.get(patient=bob)
    assert booked.status == AppointmentStatus.BOOKED
    assert booked.channel == "online"
    assert booked.start - timezone.now() >= timedelta(minutes=120)  # the online notice
    assert not steps.problems, "\n".join(steps.problems)
