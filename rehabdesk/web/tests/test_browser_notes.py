"""A physiotherapist writes today's note from "my day": a SOAP note typed with a
snippet and the body chart, the connection lost mid-typing and the page closed, the
draft found again on reopening and saved once back online; then signed, amended (the
original kept, struck through) and printed. Screenshots at 1280 and 390 px, each
checked with axe-core.

The live server reads the real clock, so the clinic is open around the clock and the
visit booked an hour ago, today."""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.care.models import VisitNote
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Location
from rehabdesk.clinic.testing import make_service, make_shift
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.services import BookingRequest, appointment_book
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.tests.test_browser_desk import today_at_quarter

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def visit(personas):
    """The physio's visit with patient A, an hour ago today, at Pickering (open all day)."""
    pickering = Location.objects.select_related("clinic").get(pk=personas.pickering.pk)
    clinic_services.location_set_opening_hours(
        location=pickering,
        hours=[clinic_services.WeeklySpan(day, time(0), time(23, 59)) for day in range(7)],
        today=timezone.localdate(),
    )
    for day in range(7):
        make_shift(personas.physio, pickering, day, "00:00", "23:59")
    start = today_at_quarter(pickering.zone)
    return appointment_book(
        request=BookingRequest(
            patient=personas.patient_a,
            practitioner=personas.physio,
            service=make_service("Physiotherapy assessment"),
            location=pickering,
            start=start,
            channel=Channel.STAFF,
        ),
        actor=personas.front_desk,
        now=start - timedelta(hours=1),
    )


def test_a_physio_writes_loses_the_connection_finds_the_draft_signs_and_amends(
    page, live_server, sign_in, screenshot, personas, visit
):
    context = page.context
    sign_in(page, personas.physio.user.email, PASSWORD)
    page.goto(f"{live_server.url}/staff/my-day/")
    page.get_by_role("button", name=re.compile("Write note")).first.click()
    page.get_by_role("heading", name=re.compile("Visit note")).wait_for()
    note = VisitNote.objects.get(appointment=visit)
    editor_url = page.url
    assert editor_url.endswith(f"/staff/notes/{note.pk}/")

    # Subjective, with the body chart; the draft saves itself a second after typing.
    page.get_by_label("Chief complaint").fill("Left knee pain on stairs for three weeks")
    page.get_by_label("Pain now (NPRS 0–10)").select_option("6")
    page.get_by_role("button", name="Left knee", exact=True).click()
    expect(page.get_by_text("Pain: Left knee")).to_be_visible()
    page.get_by_label("Red-flag screen").select_option("negative")
    page.get_by_label("Health, family and social history").fill("Healthy; runs twice a week")
    page.locator("#save-status").filter(has_text=re.compile(r"Saved \d")).wait_for()
    screenshot("editor", of=page)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot("editor-phone", of=page)
    page.set_viewport_size(DESK)

    # The connection drops mid-typing: the words stay on this device.
    context.set_offline(True)
    impression = page.get_by_label("Clinical impression")
    impression.click()
    impression.press_sequentially("Patellofemoral pain, irritable")
    page.get_by_text("Offline — kept on this device").wait_for()
    screenshot("offline", of=page)
    page.close()

    # Reopened once back online: the draft comes back from the device and saves.
    context.set_offline(False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(editor_url)
    impression = page.get_by_label("Clinical impression")
    assert impression.input_value() == "Patellofemoral pain, irritable"
    page.locator("#save-status").filter(has_text=re.compile(r"Saved \d")).wait_for()
    note.refresh_from_db()
    assert note.content["impression"] == "Patellofemoral pain, irritable"
    assert note.content["symptom_map"] == [{"region": "knee_left", "mark": "pain"}]

    # A snippet, then Ctrl+Enter to sign.
    interventions = page.get_by_label("Interventions this visit")
    interventions.click()
    interventions.press_sequentially(";tolerated")
    interventions.press("Tab")
    assert interventions.input_value().startswith("Tolerated treatment well")
    interventions.press("Control+Enter")
    page.get_by_role("heading", name="Sign this note?").wait_for()
    expect(page.get_by_text("PERSONA-PT-1")).to_be_visible()
    screenshot("sign", of=page)
    page.get_by_role("button", name="Sign the note").click()
    page.get_by_text("Signed. The note can no longer change.").wait_for()
    note.refresh_from_db()
    assert note.signed
    assert note.content["interventions"].startswith("Tolerated treatment well")

    # An amendment: the original kept, struck through, the amendment below it.
    page.get_by_role("link", name="Amend or add to this note").click()
    page.get_by_label("Amendment").check()
    page.get_by_label("Reason (part of the record)").fill("Right knee, not left")
    screenshot("correct", of=page)
    page.get_by_role("button", name="Continue").click()
    complaint = page.get_by_label("Chief complaint")
    complaint.fill("Right knee pain on stairs for three weeks")
    page.get_by_role("button", name="Save, then sign…").click()
    page.get_by_role("button", name="Sign the note").click()
    page.get_by_text("Signed. The note can no longer change.").wait_for()
    page.get_by_role("link", name=re.compile("the note signed")).click()
    struck = page.locator("del.note-struck")
    assert "Left knee pain on stairs" in struck.inner_text()
    amendment = page.get_by_role("article", name="The amendment in force")
    assert "Right knee pain on stairs" in amendment.inner_text()
    assert "Reason: Right knee, not left" in amendment.inner_text()
    screenshot("amended", of=page)

    # The chart shows it too, and its printed copy is a click away.
    page.get_by_role("link", name="Chart", exact=True).click()
    page.get_by_role("heading", name="Chart: Alice Anders").wait_for()
    expect(page.locator("del").filter(has_text="Left knee pain on stairs")).not_to_have_count(0)
    page.get_by_role("link", name="Print a copy (PDF)").click()
    page.get_by_role("heading", name="Print a copy of Alice Anders's chart").wait_for()
    screenshot("print", of=page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.go_back()
    page.go_back()

    # The same pages on a phone: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot("amended-phone", of=page)
    page.goto(f"{live_server.url}/staff/patients/{personas.patient_a.pk}/notes/new/")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot("new-entry-phone", of=page)
    page.get_by_role("button", name="Start writing").click()
    page.get_by_role("heading", name=re.compile("consult note")).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot("standalone-phone", of=page)


def test_a_tab_left_open_cannot_overwrite_a_newer_draft_and_the_keyboard_does_the_rest(
    page, live_server, sign_in, screenshot, personas, visit
):
    """Two tabs on one draft: the older one's save is refused and says why. Ctrl+S saves
    at once; the body chart is marked from the keyboard alone."""
    sign_in(page, personas.physio.user.email, PASSWORD)
    page.goto(f"{live_server.url}/staff/my-day/")
    page.get_by_role("button", name=re.compile("Write note")).first.click()
    page.get_by_role("heading", name=re.compile("Visit note")).wait_for()
    editor_url = page.url
    other = page.context.new_page()
    other.set_default_timeout(10_000)
    other.set_viewport_size(PHONE)
    other.goto(editor_url)

    # The keyboard alone: Tab to an area of the figure, Enter marks it; Ctrl+S saves now.
    page.get_by_label("Stiffness").check()
    page.get_by_role("button", name="Low back", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Stiffness: Low back")).to_be_visible()
    complaint = page.get_by_label("Chief complaint")
    complaint.click()
    complaint.press_sequentially("Stiff low back mornings")
    complaint.press("Control+s")
    page.locator("#save-status").filter(has_text=re.compile(r"Saved \d")).wait_for()
    note = VisitNote.objects.get(appointment=visit)
    assert note.content["symptom_map"] == [{"region": "low_back", "mark": "stiffness"}]

    # A value the note cannot take is refused, naming the field, and saved once put right.
    active = page.get_by_label("Active, row 1", exact=True)
    active.fill("lots")
    active.blur()
    page.get_by_text(re.compile("Not saved: Range of motion .* a number expected")).wait_for()
    active.fill("110")
    active.blur()
    page.locator("#save-status").filter(has_text=re.compile(r"Saved \d")).wait_for()
    note.refresh_from_db()
    assert note.content["rom"] == [{"active": 110}]

    # The phone's tab still holds the page as it was first opened: its save is refused.
    onset = other.get_by_label("Onset and mechanism")
    onset.click()
    onset.press_sequentially("Lifting a box")
    other.get_by_text("Saved meanwhile from another tab or device").wait_for()
    assert other.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot("stale-phone", of=other)
    note.refresh_from_db()
    assert "onset" not in note.content
    assert note.content["chief_complaint"] == "Stiff low back mornings"

    # Reloaded, the phone shows the draft as saved, and offers its own copy instead.
    other.reload()
    assert other.get_by_label("Chief complaint").input_value() == "Stiff low back mornings"
    assert other.get_by_label("Onset and mechanism").input_value() == ""
    other.get_by_role("button", name="Replace the draft with this device's copy").click()
    assert other.get_by_label("Onset and mechanism").input_value() == "Lifting a box"
    other.locator("#save-status").filter(has_text=re.compile(r"Saved \d")).wait_for()
    note.refresh_from_db()
    assert note.content["onset"] == "Lifting a box"
    other.close()
