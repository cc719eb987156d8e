"""A practitioner in the patient's care enters an outcome measure
(`/staff/patients/<id>/measures/new/`, for a visit with `?appointment=`), sees the
patient's line charts on the chart, and a visit's scores beside its note. The desk,
managers and practitioners not in care get the same 404, on file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteKind
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.testing import result_record, wording_enter
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.models import PlanGoal, TreatmentPlan
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.web.tests.note_world import SIGNABLE, note_world

pytestmark = pytest.mark.django_db


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def new(patient_id: int, **query: object) -> str:
    url = reverse("measure-new", args=[patient_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_practitioner_chooses_a_measure_then_enters_it(client, personas):
    client.force_login(personas.physio.user)
    patient = personas.patient_a

    choose = squash(client.get(new(patient.pk)).text)
    assert "Which measure?" in choose
    assert 'href="?instrument=odi">Oswestry Disability Index (ODI)</a>' in choose

    form = squash(client.get(new(patient.pk, instrument="nprs")).text)
    assert "What is the rating about?" in form
    assert 'value="24h_worst"' in form

    saved = client.post(new(patient.pk), {"instrument": "nprs", "1": "7", "context": "24h_worst"})
    assert saved.status_code == 302
    assert saved["Location"] == reverse("patient-chart", args=[patient.pk]) + "#measures-heading"
    result = MeasureResult.objects.get()
    assert (result.score, result.context, result.source) == (7, "24h_worst", "practitioner")
    assert result.recorded_by_id == personas.physio.user_id
    assert result.appointment_id is None
    chart = squash(client.get(saved["Location"]).text)
    assert "Pain rating (NPRS) saved: 7/10." in chart


def test_a_measure_for_a_visit_is_recorded_with_it(client, personas):
    world = build_booking_world(personas)
    held = weekday_at(10, after_days=-7)
    visit = appointment_book(
        request=world.request(held, patient=personas.patient_a),
        actor=personas.front_desk,
        now=held - timedelta(days=1),
    )
    other = appointment_book(
        request=world.request(held + timedelta(hours=1), patient=personas.patient_b),
        actor=personas.front_desk,
        now=held - timedelta(days=1),
    )
    client.force_login(personas.physio.user)
    page = client.get(new(personas.patient_a.pk, appointment=visit.pk))
    assert "at the visit of" in page.text
    client.post(new(personas.patient_a.pk, appointment=visit.pk), {"instrument": "nprs", "1": "4"})
    assert MeasureResult.objects.get().appointment_id == visit.pk
    # Another patient's visit, or an id that is no id, names no visit of this patient.
    for bad in (other.pk, "x1", "99999999999999999999"):
        assert client.get(new(personas.patient_a.pk, appointment=bad)).status_code == 404


def test_a_licensed_instrument_is_entered_by_number_until_the_clinic_enters_its_words(
    client, personas
):
    client.force_login(personas.physio.user)
    url = new(personas.patient_a.pk, instrument="odi")
    page = squash(client.get(url).text)
    assert "enter each item's answer by its number, from the paper form" in page
    assert "Item 10" in page
    client.post(url, {"instrument": "odi", **{str(n): "1" for n in range(1, 11)}})
    assert MeasureResult.objects.get().score == 20

    wording_enter(instrument="odi", manager=personas.manager, now=timezone.now())
    worded = squash(client.get(url).text)
    assert "from the paper form" not in worded
    assert "Answer scored 3" in worded


def test_bad_answers_are_shown_beside_their_questions_and_nothing_is_saved(client, personas):
    client.force_login(personas.physio.user)
    url = new(personas.patient_a.pk, instrument="odi")
    answers = {str(n): "1" for n in range(1, 9)}  # two left out: one more than allowed
    missing = squash(client.post(url, {"instrument": "odi", **answers}).text)
    assert "Please answer this question: at most 1 may be left out." in missing
    for item in ("9", "10"):
        assert f'<p class="error" id="error-{item}">Please answer this question.</p>' in missing
    assert missing.count('<p class="error"') == 2
    wrong = squash(client.post(url, {"instrument": "odi", **answers, "9": "9", "10": "1"}).text)
    assert '<p class="error" id="error-9">Pick an answer from 0 to 5.</p>' in wrong
    assert client.get(new(personas.patient_a.pk, instrument="sf36")).status_code == 404
    assert not MeasureResult.objects.exists()


@pytest.mark.parametrize("who", ["front_desk", "manager", "massage_therapist", "patient_a"])
def test_anyone_not_caring_for_the_patient_is_refused_alike_and_on_file(client, personas, who):
    client.force_login(personas.user(who))
    url = new(personas.patient_a.pk, instrument="nprs")
    assert client.get(url).status_code == 404
    assert client.post(url, {"instrument": "nprs", "1": "3"}).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENY).exists()
    assert not MeasureResult.objects.exists()


def test_the_chart_shows_a_line_chart_per_measure_with_its_table(client, personas):
    now = timezone.now()
    for days, value in ((40, 8), (20, 6), (1, 3)):
        result_record(
            patient=personas.patient_a,
            instrument="nprs",
            answers={"1": value},
            now=now - timedelta(days=days),
        )
    result_record(patient=personas.patient_a, instrument="lefs", now=now)
    result_record(patient=personas.patient_b, instrument="groc", now=now)  # not A's
    client.force_login(personas.physio.user)
    html = squash(client.get(reverse("patient-chart", args=[personas.patient_a.pk])).text)
    section = html[html.index('id="measures-heading"') : html.index('id="history-heading"')]
    assert section.count('role="img"') == 2
    assert "Pain rating (NPRS)" in section
    assert "Lower Extremity Functional Scale (LEFS)" in section
    assert "Global Rating of Change" not in section
    assert "<td>-5/10" not in section  # changes are written as changes, not scores
    assert "-5 (improved) · exceeds MCID · exceeds MDC" in section
    assert "Within 2 of the first score" in section
    assert f'href="{new(personas.patient_a.pk)}">Enter a measure' in section
    # The chart's own event covers the scores: still one look on file.
    assert AuditEvent.objects.filter(summary="clinical chart").count() == 1
    assert not AuditEvent.objects.filter(summary="outcome measures").exists()


def test_a_visits_scores_show_beside_its_note_in_the_editor_and_once_signed(personas):
    nw = note_world(personas)
    visit = nw.visit()
    note = nw.draft({"progress": "Stairs easier"}, visit=visit)
    result_record(
        patient=personas.patient_a,
        instrument="odi",
        answers={str(n): 2 for n in range(1, 11)},
        appointment=visit,
        recorded_by=personas.physio.user,
        now=timezone.now(),
    )
    html = squash(nw.client().get(reverse("note-edit", args=[note.pk])).text)
    assert "Outcome measures at this visit" in html
    assert "<strong>Oswestry Disability Index (ODI)</strong>: 40% — Moderate disability" in html
    assert f"?appointment={visit.pk}" in html
    assert AuditEvent.objects.filter(summary="outcome measures of a visit").count() == 1
    assert MeasureResult.objects.get().source == ResultSource.PRACTITIONER

    signed = note_sign(
        actor=nw.physio,
        note=note_draft_save(
            actor=nw.physio, note=note, content=SIGNABLE, revision=note.revision, now=timezone.now()
        ),
        now=timezone.now(),
    )
    read = squash(nw.client().get(reverse("note-edit", args=[signed.pk])).text)
    assert "Signed by" in read
    assert "<strong>Oswestry Disability Index (ODI)</strong>: 40% — Moderate disability" in read
    assert AuditEvent.objects.filter(summary="outcome measures of a visit").count() == 2


def test_an_entry_without_a_visit_shows_no_measures(personas):
    nw = note_world(personas)
    result_record(patient=personas.patient_a, now=timezone.now())  # taken with no visit
    entry = note_start(
        actor=nw.physio,
        template=nw.template("general-entry"),
        patient=personas.patient_a,
        kind=NoteKind.PHONE,
        encounter_at=timezone.now() - timedelta(hours=1),
        now=timezone.now(),
    )
    html = nw.client().get(reverse("note-edit", args=[entry.pk])).text
    assert "Outcome measures at this visit" not in html
    assert "Enter a measure for this visit" not in html


def test_the_charts_queries_do_not_grow_with_the_scores(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.physio.user)
    url = reverse("patient-chart", args=[personas.patient_a.pk])

    def scores(count: int) -> None:
        now = timezone.now()
        for n in range(count):
            for instrument in ("nprs", "odi", "lefs"):
                result_record(
                    patient=personas.patient_a,
                    instrument=instrument,
                    now=now - timedelta(days=60 - n),
                )

    scores(1)
    client.get(url)  # the session and the clinic's header, once
    with django_assert_num_queries(26) as few:  # no entries: test_chart_page pins 28 with them
        client.get(url)
    scores(19)  # three measures with twenty scores each
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).text
    assert html.count('role="img"') == 3


def test_the_goals_of_plans_under_way_are_marked_on_their_measures_chart(client, personas):
    # Plans are written through plans.services (another part of issue 24); rows suffice here.
    now = timezone.now()
    for days, odi in ((30, 4), (2, 3)):
        answers = {str(n): odi for n in range(1, 11)}
        result_record(
            patient=personas.patient_a,
            instrument="odi",
            answers=answers,
            now=now - timedelta(days=days),
        )

    def plan(**fields: object) -> TreatmentPlan:
        return TreatmentPlan.objects.create(
            patient=personas.patient_a,
            practitioner=personas.physio,
            starts_on=timezone.localdate() - timedelta(days=30),
            created_by=personas.physio.user,
            **fields,
        )

    under_way = plan()
    PlanGoal.objects.create(
        plan=under_way,
        position=1,
        text="Back to work",
        instrument="odi",
        target=20,
        target_on=timezone.localdate() + timedelta(days=30),
    )
    PlanGoal.objects.create(
        plan=under_way, position=2, text="Walk the dog", target_on=timezone.localdate()
    )
    closed = plan(status=PlanStatus.DISCHARGED, discharged_at=now)
    PlanGoal.objects.create(
        plan=closed,
        position=1,
        text="An old goal",
        instrument="odi",
        target=10,
        target_on=timezone.localdate(),
    )
    client.force_login(personas.physio.user)
    html = squash(client.get(reverse("patient-chart", args=[personas.patient_a.pk])).text)
    section = html[html.index('id="measures-heading"') : html.index('id="history-heading"')]
    assert "Goal: Back to work (20 by " in section
    assert ">Back to work: 20</text>" in section
    assert 'class="chart-goal-mark"' in section
    assert "An old goal" not in section
    assert "Walk the dog" not in section
