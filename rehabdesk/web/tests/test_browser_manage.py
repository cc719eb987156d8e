"""The manage-my-booking link in a real browser: the patient's confirmation arrives over
SMTP, they follow its link on a phone, move the appointment, and the e-mail about the
change carries the same calendar entry (same UID) with SEQUENCE one higher."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import Location, Resource, ResourceKind, Service
from rehabdesk.clinic.testing import make_service, make_shift
from rehabdesk.notifications.services import deliver_due
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import BookingRequest, appointment_book
from rehabdesk.scheduling.testing import weekday_at
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.testing.smtp import smtp_server, text_of
from rehabdesk.web.tests.test_browser_online import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


def the_event(message) -> object:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(part.get_content()).events
    return event


@pytest.fixture
def follow_up(personas) -> Service:
    """The physio works weekdays at Pickering, which has a treatment room."""
    clinic_services.configuration_save(
        instance=Resource(
            location=personas.pickering,
            kind=ResourceKind.objects.get(slug="treatment-room"),
            name="Room 1",
        )
    )
    for day in WEEKDAYS:
        make_shift(personas.physio, personas.pickering, day, "09:00", "17:00")
    return make_service("Physiotherapy follow-up", minutes=30, resource_kinds=["treatment-room"])


def book(personas, service: Service, patient, start: datetime) -> Appointment:
    return appointment_book(
        request=BookingRequest(
            patient=patient,
            practitioner=personas.physio,
            service=service,
            location=Location.objects.select_related("clinic").get(pk=personas.pickering.pk),
            start=start,
            channel=Channel.PHONE,
        ),
        actor=None,
        now=timezone.now(),
    )


def deliver() -> None:
    report = deliver_due(now=timezone.now() + timedelta(seconds=5), worker="browser-test")
    assert report.sent == report.claimed == 1, str(report)


def test_a_patient_moves_their_booking_from_the_emailed_link_on_a_phone(
    chromium, live_server, personas, screenshot, settings, follow_up
):
    settings.SITE_URL = live_server.url
    grace = personas.patient_a
    with smtp_server() as inbox:
        booked = book(personas, follow_up, grace, weekday_at(10))
        deliver()
        [confirmation] = inbox.messages_to(grace.email)
        # The booking's own link, not its health form's (/manage/<token>/intake/).
        found = re.search(r"(http://\S+/manage/[^/\s]+/)(?!\S)", text_of(confirmation))
        assert found, "the confirmation carries the manage link"
        first = the_event(confirmation)

        context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        steps = Steps(page, lambda name: screenshot(name, of=page), 390)
        try:
            page.goto(found.group(1))
            steps.check("1-booking")
            expect(page.get_by_role("heading", name="Your appointment")).to_be_visible()
            page.get_by_role("link", name="Move to another time").click()
            page.wait_for_url(re.compile(r"/move/$"))
            steps.check("2-times")
            # The first free time on the second day shown: later than the booking.
            page.locator("fieldset.day").nth(1).locator("input[name=pick]").first.check()
            chosen = page.locator("input[name=pick]:checked").get_attribute("value")
            page.get_by_role("button", name="Move to this time").click()
            page.wait_for_url(re.compile(r"/manage/[^/]+/$"))
            steps.check("3-moved")
            expect(page.get_by_text("Your appointment is moved.")).to_be_visible()
        finally:
            context.close()
        assert not steps.problems, "\n".join(steps.problems)

        booked.refresh_from_db()
        assert booked.status == AppointmentStatus.BOOKED
        assert booked.start == datetime.fromisoformat(chosen.split("|")[0])
        deliver()
        changed = inbox.messages_to(grace.email)[-1]
        assert "has moved" in text_of(changed)
        event = the_event(changed)
        assert event["UID"] == first["UID"]
        assert event["SEQUENCE"] == first["SEQUENCE"] + 1
        assert event.decoded("DTSTART") == booked.start
        assert re.search(r"/manage/[^/\s]+/(?!\S)", text_of(changed)).group(0) != found.group(1)


def test_a_guardian_switches_to_their_child_and_cancels_the_childs_booking(
    page, live_server, personas, screenshot, sign_in, follow_up
):

    childs = book(personas, follow_up, personas.child, weekday_at(15))
    steps = Steps(page, screenshot, 1280)
    sign_in(page, personas.guardian.email, PASSWORD)
    page.wait_for_url(re.compile(r"/my/$"))
    steps.check("1-own")
    page.get_by_role("navigation", name="Whose appointments").get_by_role(
        "link", name=personas.child.first_name
    ).click()
    steps.check("2-child")
    page.get_by_role("link", name=re.compile("at 3:00 PM")).click()
    steps.check("3-appointment")
    page.get_by_role("link", name="Cancel this appointment").click()
    steps.check("4-cancel")
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("This appointment is cancelled.")).to_be_visible()
    steps.check("5-cancelled")
    childs.refresh_from_db()
    assert childs.status == AppointmentStatus.CANCELLED
    assert not steps.problems, "\n".join(steps.problems)
