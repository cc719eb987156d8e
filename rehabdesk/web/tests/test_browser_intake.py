"""The health form in a real browser: a patient follows the link in their booking
confirmation on a 390 px phone, answers section by section (a mistake shown beside its
question), checks the answers and sends them; every page fits the screen and passes
axe-core."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.intake.choices import IntakeStatus
from rehabdesk.intake.form import Kind, load_form
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.intake.testing import ANSWERS
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.testing import weekday_at
from rehabdesk.web.tests.test_browser_manage import book, follow_up  # noqa: F401 - a fixture
from rehabdesk.web.tests.test_browser_online import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = 390


def answer(page, section: str, answers: dict[str, object]) -> None:
    form = load_form(1)
    part = form.section(section)
    assert part is not None
    for question in part.questions:
        value = answers.get(question.code)
        if value is None:
            continue
        if question.kind in {Kind.YES_NO, Kind.CHOICE, Kind.MULTI_CHOICE}:
            for chosen in value if isinstance(value, list) else [value]:
                page.locator(f"#{question.code}-{chosen}").check()
        else:
            page.locator(f"#answer-{question.code}").fill(str(value))


def test_a_patient_fills_in_the_health_form_from_the_emailed_link_on_a_phone(
    chromium,
    live_server,
    personas,
    screenshot,
    settings,
    follow_up,  # noqa: F811
):
    settings.SITE_URL = live_server.url
    booked = book(personas, follow_up, personas.patient_a, weekday_at(10))
    assert booked.channel == Channel.PHONE
    message = OutboxMessage.objects.get(kind="booking_confirmation", related_id=str(booked.pk))
    found = re.search(r"(http://\S+/manage/\S+/intake/)", message.body_text)
    assert found, "the confirmation carries the health form's link"

    context = chromium.new_context(viewport={"width": PHONE, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    steps = Steps(page, lambda name: screenshot(name, of=page), PHONE)
    try:
        page.goto(found.group(1))
        steps.check("1-start")
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(re.compile(r"/intake/contact/$"))
        steps.check("2-contact")
        answer(page, "contact", ANSWERS["contact"])
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url(re.compile(r"/intake/reason/$"))
        answer(page, "reason", {**ANSWERS["reason"], "pain_now": "15"})
        # The browser's own check would stop 15 before the server sees it; the server's
        # message is what a phone without that check shows.
        page.locator("form.intake-form").evaluate("form => form.noValidate = true")
        page.get_by_role("button", name="Save and continue").click()
        expect(
            page.get_by_role("alert").get_by_text("Some answers need another look")
        ).to_be_visible()
        steps.check("3-a-mistake")
        page.locator("#answer-pain_now").fill("4")
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url(re.compile(r"/intake/red_flags/$"))
        steps.check("4-warning-signs")
        for section in ("red_flags", "screen", "history", "goals"):
            page.wait_for_url(re.compile(rf"/intake/{section}/$"))
            answer(page, section, ANSWERS[section])
            page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url(re.compile(r"/intake/review/$"))
        steps.check("5-review")
        expect(page.get_by_text("Garden without pain.")).to_be_visible()
        page.get_by_role("button", name="Send the health form").click()
        page.wait_for_url(re.compile(r"/manage/[^/]+/$"))
        expect(page.get_by_text("your health form is sent")).to_be_visible()
        steps.check("6-sent")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    response = IntakeResponse.objects.get(patient=personas.patient_a)
    assert response.status == IntakeStatus.SUBMITTED
    assert response.answers["pain_now"] == 4
    assert response.submitted_at <= timezone.now()
