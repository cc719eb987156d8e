"""Home exercises in a real browser. The patient, on a 390 px phone, opens today's
exercises, reads one, picks a pain score and taps "Done" for the first session; the
page says so and counts it. The physiotherapist, on a 1280 px screen, prescribes a
program from the library (a search, two exercises added with their dosage) and sees
it on the chart with its adherence, then its printable handout. Screenshots at 390 and
1280 px, each checked with axe-core; no page scrolls sideways.

The live server reads the real clock: programs start today."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.exercises.models import Program, ProgramSession
from rehabdesk.exercises.testing import program_build
from rehabdesk.testing.factors import complete_second_factor
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.test_browser_online import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _open(chromium, width: int):
    context = chromium.new_context(
        viewport={"width": width, "height": 844 if width < 768 else 900}, is_mobile=width < 768
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    complete_second_factor(page, email)
    page.wait_for_url(re.compile(r"/(my|staff)/"))


@pytest.mark.parametrize("width", [390, 1280])
def test_the_patient_ticks_today_s_first_session_with_a_pain_score(
    chromium, live_server, personas, screenshot, width
):
    program = program_build(personas, now=timezone.now(), sessions_per_day=2)
    context, page = _open(chromium, width)
    steps = Steps(page, lambda name: screenshot(f"{width}-{name}", of=page))
    try:
        _sign_in(page, live_server, personas.patient_a.email)
        page.get_by_role("link", name="Exercises").first.click()
        page.wait_for_url(re.compile(r"/my/exercises/$"))
        expect(page.get_by_role("heading", name="0 of 2 sessions done today")).to_be_visible()
        page.get_by_text("Bridge").first.click()  # opens the exercise's instructions
        expect(page.get_by_text("What you should feel: Your buttocks")).to_be_visible()
        steps.check("1-today")
        done = page.get_by_role("button", name="Done with session 1")
        box = done.bounding_box()
        assert box is not None
        assert box["height"] >= 44  # a big target on a phone
        page.get_by_label("Session 1: pain now, 0 to 10 (optional)").select_option("3")
        done.click()
        expect(page.get_by_text("Well done: session ticked off.")).to_be_visible()
        expect(page.get_by_role("heading", name="1 of 2 sessions done today")).to_be_visible()
        expect(page.get_by_text(re.compile(r"Session 1: done at .*, pain 3 of 10"))).to_be_visible()
        expect(page.get_by_role("button", name="Done with session 2")).to_be_visible()
        steps.check("2-ticked")
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    session = ProgramSession.objects.get(program=program)
    assert (session.number, session.pain) == (1, 3)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_physio_prescribes_from_the_library_and_sees_it_on_the_chart(
    chromium, live_server, personas, screenshot, width
):
    context, page = _open(chromium, width)
    steps = Steps(page, lambda name: screenshot(f"{width}-{name}", of=page))
    pid = personas.patient_a.pk
    try:
        _sign_in(page, live_server, personas.physio.user.email)
        page.goto(f"{live_server.url}/staff/patients/{pid}/exercises/new/")
        page.get_by_label("Body region").select_option("knee")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("button", name="Add Chin tuck")).to_have_count(0)
        page.get_by_role("button", name="Add Straight leg raise").click()
        expect(page.get_by_role("group", name="1. Straight leg raise")).to_be_visible()
        page.get_by_label("Search the library").fill("calf")
        page.get_by_label("Body region").select_option("")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Add Heel raise").click()
        second = page.get_by_role("group", name="2. Heel raise")
        expect(second.get_by_label("Sets")).to_have_value("3")
        second.get_by_label("Reps").fill("15")
        page.get_by_label("Sessions a day").select_option("2")
        steps.check("1-editor")
        page.get_by_role("button", name="Prescribe the program").click()
        page.wait_for_url(re.compile(r"/exercises/$"))
        expect(page.get_by_text("The program is prescribed.")).to_be_visible()
        expect(page.get_by_text("3 sets of 15 reps").first).to_be_visible()
        steps.check("2-programs")
        page.goto(f"{live_server.url}/staff/patients/{pid}/chart/")
        section = page.get_by_role("region", name="Home exercises")
        expect(section.get_by_text("Last 28 days")).to_be_visible()
        expect(section.get_by_text("Heel raise: 3 sets of 15 reps")).to_be_visible()
        steps.check("3-chart")
        page.goto(f"{live_server.url}/staff/patients/{pid}/exercises/")
        page.get_by_role("link", name="Printable handout").click()
        expect(page.get_by_role("heading", name="Home exercises for Alice Anders")).to_be_visible()
        steps.check("4-handout")
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
    finally:
        context.close()
    assert not steps.problems, "\n".join(steps.problems)
    program = Program.objects.get()
    assert program.sessions_per_day == 2
