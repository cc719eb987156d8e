"""The chart: a practitioner in the patient's care reads the clinical record — alerts
and consents on top, entries newest first, a page of them at a time, with their
signature blocks, amended originals struck through above the amendment and its reason,
addenda, entries withdrawn in error behind a toggle. Everyone else gets the same 404,
on file."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteRelation
from rehabdesk.care.services import document_upload
from rehabdesk.care.testing import pdf_bytes, uploaded
from rehabdesk.clinic.models import Clinic
from rehabdesk.safety.services import alert_add
from rehabdesk.scheduling.services import appointment_arrive, appointment_book
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.web.staff.chart_views import CHART_PAGE
from rehabdesk.web.tests.chart_record import correct, entry

pytestmark = pytest.mark.django_db
PLAN = {"plan": "Review in a week"}


def _chart(client, personas, who="physio"):
    client.force_login(personas.user(who))
    return client.get(reverse("patient-chart", args=[personas.patient_a.pk]))


def _about(note) -> str:
    """A link's description: the heading of the entry it is about."""
    return f'aria-describedby="note-{note.pk}-heading"'


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_it_shows_the_alerts_and_consents_on_top_then_entries_newest_first(client, personas):
    alert_add(
        patient=personas.patient_a,
        level="avoid_area",
        modalities=["massage"],
        reason="Recent knee surgery",
        actor=personas.physio.user,
        now=timezone.now(),
    )
    entry(personas.physio, personas.patient_a, "First call about the knee", days_ago=20)
    entry(personas.physio, personas.patient_a, "Second call, swelling down", days_ago=5)
    html = _squash(_chart(client, personas).text)
    assert html.index("Recent knee surgery") < html.index('id="consents-heading"')
    assert html.index('id="consents-heading"') < html.index("Visits and entries")
    assert html.index("Second call, swelling down") < html.index("First call about the knee")
    assert "Signed by Priya Physio" in html
    assert "registration no. PERSONA-PT-1" in html


def test_it_marks_an_entry_written_after_the_deadline_as_late(client, personas):
    entry(personas.physio, personas.patient_a, "Written late", days_ago=3)
    entry(personas.physio, personas.patient_a, "Written on time", days_ago=0)
    html = _squash(_chart(client, personas).text)
    assert html.count("Late entry</span> — written") == 1
    # The mark follows the late entry's signature block.
    assert html.index("Written on time") < html.index("Written late") < html.index("Late entry")


def test_it_strikes_through_an_amended_original_above_the_amendment_and_its_reason(
    client, personas
):
    note = entry(personas.physio, personas.patient_a, "Left knee pain", days_ago=2)
    correct(
        personas.physio,
        note,
        NoteRelation.AMENDS,
        "Wrong side recorded",
        {"complaint": "Right knee pain", "plan": "Review in a week"},
    )
    html = _squash(_chart(client, personas).text)
    assert "<del>Left knee pain</del>" in html
    assert "Replaced by the amendment below" in html
    assert "<strong>Amendment</strong> — reason: Wrong side recorded" in html
    assert html.index("<del>Left knee pain</del>") < html.index("Right knee pain")
    assert "<del>Right knee pain</del>" not in html


def test_it_strikes_through_an_amendment_replaced_by_a_later_one(client, personas):
    note = entry(personas.physio, personas.patient_a, "Left knee pain", days_ago=2)
    correct(personas.physio, note, NoteRelation.AMENDS, "Side", {**PLAN, "complaint": "Right knee"})
    correct(
        personas.physio,
        note,
        NoteRelation.AMENDS,
        "Detail",
        {**PLAN, "complaint": "Right knee, MCL"},
    )
    html = _squash(_chart(client, personas).text)
    assert "<del>Left knee pain</del>" in html
    assert "<del>Right knee</del>" in html
    assert "Right knee, MCL" in html
    assert "<del>Right knee, MCL</del>" not in html


def test_it_shows_an_addendum_below_the_note_it_adds_to(client, personas):
    note = entry(personas.physio, personas.patient_a, "Knee assessed", days_ago=2)
    correct(
        personas.physio,
        note,
        NoteRelation.APPENDS,
        "Report arrived",
        {"entry": "MRI report: no tear"},
    )
    html = _squash(_chart(client, personas).text)
    assert "<del>" not in html
    assert html.index("Knee assessed") < html.index("<strong>Addendum</strong> — reason: Report")
    assert html.index("Report arrived") < html.index("MRI report: no tear")
    # The general entry's one field, named like its section, reads as its text.
    assert '<h4 class="note-section">Entry</h4><p class="note-text">MRI report: no tear' in html


def test_it_hides_an_entry_entered_in_error_behind_a_toggle(client, personas):
    note = entry(personas.physio, personas.patient_a, "Somebody else's visit", days_ago=2)
    correct(personas.physio, note, NoteRelation.ENTERED_IN_ERROR, "Wrong patient")
    html = _squash(_chart(client, personas).text)
    assert "Entered in error: withdrawn by Priya Physio" in html
    assert "Wrong patient" in html
    details = html[html.index("<details") : html.index("</details>")]
    assert "<summary>Show the withdrawn entry</summary>" in details
    assert "Somebody else&#x27;s visit" in details


def test_it_lists_the_visits_held_with_no_signed_note_among_the_entries(client, personas):
    world = build_booking_world(personas)
    held = weekday_at(10, after_days=-7)
    booked = appointment_book(
        request=world.request(held, patient=personas.patient_a),
        actor=personas.front_desk,
        now=held - timedelta(days=1),
    )
    appointment_arrive(appointment=booked, actor=None, now=held + timedelta(minutes=5))
    entry(personas.physio, personas.patient_a, "Called the day after", days_ago=1)
    entry(personas.physio, personas.patient_a, "Called long before", days_ago=30)
    html = _squash(_chart(client, personas).text)
    visit = html[html.index(f'id="visit-{booked.pk}-heading"') :]
    assert "with Priya Physio" in visit[:300]
    assert "No signed note." in visit[:500]
    assert html.index("Called the day after") < html.index(f"visit-{booked.pk}-heading")
    assert html.index(f"visit-{booked.pk}-heading") < html.index("Called long before")
    # Its practitioner writes the note from here.
    assert f'action="{reverse("note-start", args=[booked.pk])}"' in visit[:900]


def test_a_visit_before_the_clinic_charted_here_says_it_was_charted_elsewhere(client, personas):
    world = build_booking_world(personas)
    held = weekday_at(10, after_days=-14)
    booked = appointment_book(
        request=world.request(held, patient=personas.patient_a),
        actor=personas.front_desk,
        now=held - timedelta(days=1),
    )
    appointment_arrive(appointment=booked, actor=None, now=held + timedelta(minutes=5))
    Clinic.objects.update(notes_due_from=(held + timedelta(days=7)).date())

    html = _squash(_chart(client, personas).text)
    visit = html[html.index(f'id="visit-{booked.pk}-heading"') :]

    assert "Charted elsewhere: the clinic has kept its notes here since" in visit[:600]
    assert "No signed note." not in visit[:600]


def test_it_shows_the_practitioners_own_draft_without_its_content(client, personas):
    draft = entry(personas.physio, personas.patient_a, "Half written", days_ago=0, sign=False)
    html = _squash(_chart(client, personas).text)
    assert "Draft</span> Not signed yet" in html
    assert "Half written" not in html
    link = f'href="{reverse("note-edit", args=[draft.pk])}" {_about(draft)}>Continue the draft'
    assert link in html


def test_it_leads_to_each_entry_its_corrections_and_a_new_entry(client, personas):
    note = entry(personas.physio, personas.patient_a, "Knee", days_ago=1)
    html = _chart(client, personas).text
    assert f'href="{reverse("note-edit", args=[note.pk])}" {_about(note)}>Open' in html
    correct_link = reverse("note-correct", args=[note.pk])
    assert f'href="{correct_link}" {_about(note)}>Amend or add to it' in html
    assert f'href="{reverse("note-new", args=[personas.patient_a.pk])}"' in html


def test_it_lists_the_documents_on_file_with_a_link_to_upload_more(
    client, personas, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    document = document_upload(
        actor=personas.physio.user,
        patient=personas.patient_a,
        kind="referral",
        title="Referral from Dr. Singh",
        received_on=date(2026, 1, 5),
        file=uploaded("referral.pdf", pdf_bytes()),
        now=timezone.now(),
    )
    html = _chart(client, personas).text
    assert reverse("document-download", args=[document.pk]) in html
    assert "Referral from Dr. Singh" in html
    assert reverse("document-upload", args=[personas.patient_a.pk]) in html


def test_it_puts_the_look_on_file_as_one_event(client, personas):
    entry(personas.physio, personas.patient_a, "Knee", days_ago=1)
    before = AuditEvent.objects.count()
    _chart(client, personas)
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.summary) == ("view", "clinical chart")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


@pytest.mark.parametrize("who", ["front_desk", "manager", "massage_therapist", "patient_a"])
def test_it_refuses_anyone_not_in_the_patients_care_alike_and_on_file(client, personas, who):
    entry(personas.physio, personas.patient_a, "Knee", days_ago=1)
    response = _chart(client, personas, who)
    assert response.status_code == 404
    assert "Knee" not in response.text
    assert "Anders" not in response.text
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")


def test_it_refuses_the_chart_of_a_patient_in_someone_elses_care(client, personas):
    client.force_login(personas.physio.user)
    response = client.get(reverse("patient-chart", args=[personas.patient_b.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.latest("pk")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_b.pk]


def _queries(client, personas) -> int:
    client.force_login(personas.physio.user)
    url = reverse("patient-chart", args=[personas.patient_a.pk])
    client.get(url)  # the session and the clinic's header, once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_its_query_count_does_not_grow_with_the_number_of_entries(client, personas):
    for day in range(3):
        note = entry(personas.physio, personas.patient_a, f"Visit {day}", days_ago=day)
    correct(personas.physio, note, NoteRelation.AMENDS, "Typo", {**PLAN, "complaint": "Visit two"})
    few = _queries(client, personas)
    for day in range(3, 30):
        note = entry(personas.physio, personas.patient_a, f"Visit {day}", days_ago=day)
        correct(personas.physio, note, NoteRelation.APPENDS, "More", {"entry": "Added"})
    # 22, the exercise programs' one, the outcome measures' two (every score in one
    # query, the plans' goals in one), the treatment plans' one (the patient's plans, none
    # here), the visits whose notes the patient's lockbox withholds (one) and the
    # patient's open corrections and statements of disagreement (one): the three sections
    # read what the chart's own check authorized. That check reads the care relationship
    # and the lockbox in one query (access/lockbox.py care_and_lockbox).
    assert _queries(client, personas) == few == 28


def test_it_shows_the_newest_entries_in_full_and_older_ones_a_page_at_a_time(client, personas):
    for day in range(CHART_PAGE + 3):
        entry(personas.physio, personas.patient_a, f"Call number {day:02d}", days_ago=day + 1)
    client.force_login(personas.physio.user)
    path = reverse("patient-chart", args=[personas.patient_a.pk])

    first = _squash(client.get(path).text)
    older = _squash(client.get(path, {"page": "2"}).text)
    beyond = _squash(client.get(path, {"page": "nine"}).text)

    assert "Call number 00" in first
    assert f"Call number {CHART_PAGE - 1:02d}" in first
    assert f"Call number {CHART_PAGE:02d}" not in first
    assert f"1–{CHART_PAGE} of {CHART_PAGE + 3}, newest first" in first
    assert 'href="?page=2#history-heading">Older entries' in first
    assert f"Call number {CHART_PAGE + 2:02d}" in older
    assert "Call number 00" not in older
    assert "Newer entries" in older
    assert "Call number 00" in beyond  # a page that is not one shows the newest


def test_it_opens_the_newest_three_notes_and_folds_the_older_ones(client, personas):
    for day in range(5):
        entry(personas.physio, personas.patient_a, f"Call number {day}", days_ago=day + 1)

    html = _squash(_chart(client, personas).text)

    assert html.count('<details class="note-body" open>') == 3
    assert html.count('<details class="note-body">') == 2
    assert "The note, signed by Priya Physio" in html


@pytest.mark.parametrize(
    ("who", "shown"), [("physio", True), ("front_desk", False), ("manager", False)]
)
def test_the_patient_page_links_to_the_chart_for_a_practitioner_in_care_only(
    client, personas, who, shown
):
    client.force_login(personas.user(who))
    response = client.get(reverse("patient-detail", args=[personas.patient_a.pk]))
    chart = reverse("patient-chart", args=[personas.patient_a.pk])
    assert (f'href="{chart}"' in response.text) is shown


def test_it_escapes_whatever_a_note_holds_and_keeps_its_line_breaks(client, personas):
    entry(personas.physio, personas.patient_a, "<script>alert(1)</script> & more\nnext", days_ago=1)
    html = _chart(client, personas).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more<br>next" in html
