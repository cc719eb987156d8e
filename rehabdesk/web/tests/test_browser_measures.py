"""Outcome measures in a real browser: a patient answers the pain rating from the
e-mailed link on a phone (390 px) — a question missed first, then answered with the
thumb, thanks, and the link used again —, names and rates their PSFS activities; a
guardian's questionnaires in the portal; the practitioner's chart with its line charts
and the measure entered in the clinic, at 1280 and 390 px. Every step gets a
screenshot (test-artifacts/), no sideways scroll, and axe-core with no serious or
critical violation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.testing import result_record
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.measure_world import ask, ask_by_email
from rehabdesk.web.tests.test_browser_online import PHONE, Steps, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DESK = 1280


def test_a_patient_answers_the_pain_rating_from_the_emailed_link_on_a_phone(
    chromium, live_server, personas, screenshot, settings
):
    settings.SITE_URL = live_server.url
    link = ask_by_email(personas.patient_a)
    context, page = open_page(chromium, PHONE)
    steps = Steps(page, lambda name: screenshot(name, of=page), PHONE)
    try:
        page.goto(live_server.url + link)
        expect(page.get_by_role("heading", name="Pain rating (NPRS)")).to_be_visible()
        steps.check("1-form")
        # Each answer is a target a thumb can hit: 48 px at least.
        box = page.locator(".scale .point label").first.bounding_box()
        assert box is not None
        assert box["height"] >= 44
        assert box["width"] >= 44
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Some answers need another look")).to_be_visible()
        expect(page.locator("#error-1")).to_have_text("Please answer this question.")
        steps.check("2-missed")
        page.get_by_text("6", exact=True).click()
        expect(page.get_by_role("radio", name="6", exact=True)).to_be_checked()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        steps.check("3-thanks")
        page.goto(live_server.url + link)
        expect(
            page.get_by_role("heading", name="This questionnaire is already answered")
        ).to_be_visible()
        steps.check("4-again")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    result = MeasureResult.objects.get()
    assert (result.patient_id, result.score, result.source) == (personas.patient_a.pk, 6, "link")


def test_a_patient_names_and_rates_their_activities_on_a_phone(
    chromium, live_server, personas, screenshot, settings
):
    settings.SITE_URL = live_server.url
    link = ask_by_email(personas.patient_a, "psfs")
    context, page = open_page(chromium, PHONE)
    steps = Steps(page, lambda name: screenshot(name, of=page), PHONE)
    try:
        page.goto(live_server.url + link)
        steps.check("1-psfs")
        first = page.get_by_role("group", name=re.compile(r"^Activity 1"))
        first.get_by_label("What activity?").fill("Climbing stairs")
        first.get_by_text("4", exact=True).click()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        steps.check("2-thanks")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    result = MeasureResult.objects.get()
    assert (result.activities, result.score) == ({"1": "Climbing stairs"}, 4)


@pytest.mark.parametrize("width", [PHONE, DESK])
def test_a_guardian_answers_their_childs_questionnaire_in_the_portal(
    chromium, live_server, personas, screenshot, sign_in, width
):
    ask(personas.child, "groc")
    context, page = open_page(chromium, width)
    steps = Steps(page, lambda name: screenshot(name, of=page), width)
    try:
        sign_in(page, personas.guardian.email, PASSWORD)
        page.wait_for_url(re.compile(r"/my/$"))
        page.goto(live_server.url + "/my/measures/")
        steps.check("1-list")
        page.get_by_role("link", name=re.compile("Global Rating of Change")).click()
        steps.check("2-form")
        page.get_by_text("+2 A little better").click()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Thank you: Charlie's answers")).to_be_visible()
        steps.check("3-sent")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    assert MeasureResult.objects.get().patient_id == personas.child.pk


@pytest.mark.parametrize("width", [PHONE, DESK])
def test_the_practitioner_reads_the_charts_and_enters_a_measure(
    chromium, live_server, personas, screenshot, sign_in, width
):
    now = timezone.now()
    for days, pain, odi in ((42, 8, 4), (28, 7, 3), (14, 5, 2), (2, 3, 1)):
        taken = now - timedelta(days=days)
        result_record(patient=personas.patient_a, answers={"1": pain}, now=taken)
        answers = {str(n): odi for n in range(1, 11)}
        result_record(patient=personas.patient_a, instrument="odi", answers=answers, now=taken)
    context, page = open_page(chromium, width)
    steps = Steps(page, lambda name: screenshot(name, of=page), width)
    try:
        sign_in(page, personas.physio.user.email, PASSWORD)
        page.goto(f"{live_server.url}/staff/patients/{personas.patient_a.pk}/chart/")
        measures = page.locator("section.measures")
        expect(measures.get_by_role("img", name=re.compile("Pain rating"))).to_be_visible()
        expect(measures.get_by_role("img", name=re.compile("Oswestry"))).to_be_visible()
        measures.get_by_text("The scores as a table (4)").first.click()
        expect(measures.get_by_role("cell", name=re.compile("exceeds MCID")).first).to_be_visible()
        measures.scroll_into_view_if_needed()
        steps.check("1-chart")
        measures.get_by_role("link", name="Enter a measure").click()
        page.get_by_role("link", name="Pain rating (NPRS)").click()
        page.get_by_text("On average, last 24 hours").click()
        page.get_by_text("2", exact=True).click()
        steps.check("2-form")
        page.get_by_role("button", name="Save the measure").click()
        expect(page.get_by_text("Pain rating (NPRS) saved: 2/10.")).to_be_visible()
        steps.check("3-saved")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    assert MeasureResult.objects.latest("pk").context == "24h_average"
