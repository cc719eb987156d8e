"""Issue 24's walk on the demo clinic, in a real browser on a 390 px phone: the patient
who follows a home program opens the questionnaire link from the e-mail the demo sent
(the outbox holds it: demo/progress.py), answers the pain rating, then signs in and
ticks today's exercises off with a pain score; the demo practitioner then opens their
chart and finds the new score in its table, the program's tick counted. Every step gets
a screenshot (test-artifacts/), no sideways scroll, and axe-core with no serious or
critical violation.

The demo is loaded as of the real clock (the live server reads it), with a week of
history and a few days ahead."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.demo.clinic import DEMO_PASSWORD, PRACTITIONERS, load_demo
from rehabdesk.demo.patients import regular_patient_email
from rehabdesk.demo.progress import demo_measure_link
from rehabdesk.exercises.models import Program, ProgramSession
from rehabdesk.exercises.selectors import adherence
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.patients.models import Patient
from rehabdesk.web.tests.test_browser_online import PHONE, Steps, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TORONTO = ZoneInfo("America/Toronto")


def test_a_patient_answers_the_emailed_measure_ticks_today_and_the_chart_shows_it(
    chromium, live_server, screenshot, settings, sign_in
):
    settings.SITE_URL = live_server.url  # the e-mailed link points at this server
    load_demo(now=datetime.now(tz=TORONTO), history_days=7, future_days=4)
    email = regular_patient_email()
    assert email is not None, "the demo has a regular patient who signs in"
    patient = Patient.objects.get(email=email)
    link = demo_measure_link(email=email)
    assert link is not None, "the demo e-mails them a questionnaire"
    assert link.startswith(f"{live_server.url}/measure/")
    today = timezone.localdate()
    context, page = open_page(chromium, PHONE)
    steps = Steps(page, lambda name: screenshot(name, of=page), PHONE)
    try:
        # The e-mail's link: no sign-in, the token is the credential.
        page.goto(link)
        expect(page.get_by_role("heading", name="Pain rating (NPRS)")).to_be_visible()
        steps.check("1-link")
        page.get_by_text("3", exact=True).click()
        expect(page.get_by_role("radio", name="3", exact=True)).to_be_checked()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        steps.check("2-thanks")
        # Signed in: today's exercises, the one session ticked with a pain score.
        sign_in(page, email, DEMO_PASSWORD)
        page.wait_for_url(re.compile(r"/my/$"))
        page.get_by_role("link", name="Exercises").first.click()
        page.wait_for_url(re.compile(r"/my/exercises/$"))
        expect(page.get_by_role("heading", name="0 of 1 session done today")).to_be_visible()
        steps.check("3-today")
        page.get_by_label("Session 1: pain now, 0 to 10 (optional)").select_option("2")
        page.get_by_role("button", name="Done with session 1").click()
        expect(page.get_by_text("Well done: session ticked off.")).to_be_visible()
        expect(page.get_by_role("heading", name="1 of 1 session done today")).to_be_visible()
        steps.check("4-ticked")
        page.get_by_role("button", name="Sign out").click()
        # The practitioner's chart, on her phone: the new score in the pain rating's table.
        sign_in(page, PRACTITIONERS[0].email, DEMO_PASSWORD)
        page.wait_for_url(re.compile(r"/staff/"))
        page.goto(f"{live_server.url}/staff/patients/{patient.pk}/chart/")
        measures = page.locator("section.measures")
        pain = measures.locator("article.measure").filter(
            has=page.get_by_role("heading", name="Pain rating (NPRS)")
        )
        pain.get_by_text(re.compile(r"^The scores as a table")).click()
        newest = pain.get_by_role("row").last
        expect(newest.get_by_role("cell").nth(0)).to_have_text(
            f"{today:%b} {today.day}, {today.year}"
        )
        expect(newest.get_by_role("cell").nth(1)).to_have_text("3/10")
        pain.scroll_into_view_if_needed()
        steps.check("5-chart")
        # Today's tick counted in the program's last 7 days.
        program = Program.objects.get(patient=patient, stopped_at__isnull=True)
        week = adherence(program=program, today=today).last_7
        programs = page.get_by_role("region", name="Home exercises")
        expect(
            programs.get_by_text(f"({week.done} of {week.prescribed_shown} sessions)")
        ).to_be_visible()
        programs.scroll_into_view_if_needed()
        steps.check("6-chart-programs")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    answered = MeasureResult.objects.filter(patient=patient, source="link").get()
    assert (answered.instrument, answered.score) == ("nprs", 3)
    ticked = ProgramSession.objects.get(program__patient=patient, day=today)
    assert (ticked.number, ticked.pain, ticked.recorded_by_id) == (1, 2, patient.user_id)
