"""The practitioner's home exercise pages: prescribe from the library (search, add with
the library's dosage, change it, save), change with a stale page refused, stop; the
programs and their adherence on the chart. Only practitioners in the patient's care
reach them; nothing is half-saved by a bad request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.exercises.models import Exercise, Program, ProgramExercise
from rehabdesk.exercises.services import session_tick
from rehabdesk.exercises.testing import program_build

pytestmark = pytest.mark.django_db


def rows(*items: dict) -> dict[str, str]:
    data = {
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for i, item in enumerate(items):
        data.update({f"form-{i}-{k}": "" if v is None else str(v) for k, v in item.items()})
    return data


def row(code: str, **dosage) -> dict:
    exercise = Exercise.objects.get(code=code)
    values = {
        "exercise": exercise.pk,
        "sets": exercise.default_sets,
        "reps": exercise.default_reps,
        "hold_seconds": exercise.default_hold_seconds,
        "notes": "",
    }
    return {**values, **dosage}


def frequency(**changes) -> dict[str, str]:
    values = {
        "sessions_per_day": "2",
        "days_per_week": "5",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": "",
        "notes": "",
    }
    return {**values, **changes}


def test_the_practitioner_finds_adds_doses_and_prescribes(client, personas):
    client.force_login(personas.physio.user)
    url = reverse("exercise-program-new", args=[personas.patient_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Chin tuck" in page.text
    assert "Pelvic floor squeeze and hold" in page.text
    searched = client.post(url, {"action": "search", "region": "knee", "q": "", **rows()})
    assert "Straight leg raise" in searched.text
    assert "Chin tuck" not in searched.text
    searched = client.post(url, {"action": "search", "region": "", "q": "towel", **rows()})
    assert "Towel scrunch" in searched.text
    assert "Thigh tightening" in searched.text
    bridge = Exercise.objects.get(code="hip-bridge")
    added = client.post(url, {"add": str(bridge.pk), **frequency(), **rows()})
    assert added.status_code == 200
    assert 'name="form-0-sets" value="3"' in added.text
    assert 'name="form-0-reps" value="10"' in added.text
    assert 'name="form-0-hold_seconds" value="3"' in added.text
    assert "1. Bridge" in added.text
    assert "Added" in added.text
    assert not Program.objects.exists()
    saved = client.post(
        url,
        {
            "action": "save",
            **frequency(notes="Mornings are best"),
            **rows(row("hip-bridge", sets=4, notes="Slowly"), row("whole-body-walk")),
        },
    )
    assert saved.status_code == 302
    program = Program.objects.get()
    assert (program.sessions_per_day, program.days_per_week, program.notes) == (
        2,
        5,
        "Mornings are best",
    )
    items = list(ProgramExercise.objects.filter(program=program).order_by("position"))
    assert [(i.exercise.code, i.sets, i.notes) for i in items] == [
        ("hip-bridge", 4, "Slowly"),
        ("whole-body-walk", 1, ""),
    ]
    listing = client.get(saved["Location"])
    assert "<strong>4 sets of 10 reps, hold 3 s</strong> — Slowly" in listing.text
    assert "Last 7 days" in listing.text
    assert "0%" in listing.text


def test_a_bad_prescription_is_shown_again_with_its_errors_and_nothing_is_saved(client, personas):
    client.force_login(personas.physio.user)
    url = reverse("exercise-program-new", args=[personas.patient_a.pk])
    too_many = client.post(
        url, {"action": "save", **frequency(), **rows(row("hip-bridge", sets=11))}
    )
    assert too_many.status_code == 200
    assert "less than or equal to 10" in too_many.text
    empty = client.post(url, {"action": "save", **frequency(), **rows()})
    assert "Choose at least one exercise." in empty.text
    neither = client.post(
        url,
        {"action": "save", **frequency(), **rows(row("hip-bridge", reps=None, hold_seconds=None))},
    )
    assert "Say the repetitions or the hold" in neither.text
    past = client.post(
        url,
        {
            "action": "save",
            **frequency(starts_on=(timezone.localdate() - timedelta(days=3)).isoformat()),
            **rows(row("hip-bridge")),
        },
    )
    assert "A program starts today or within the coming year." in past.text
    unknown = client.post(
        url, {"action": "save", **frequency(), **rows(row("hip-bridge", exercise="999999"))}
    )
    assert "not in the library" in unknown.text
    hostile = client.post(
        url,
        {"action": "save", **frequency(sessions_per_day="9"), "form-TOTAL_FORMS": "x"},
    )
    assert hostile.status_code == 200
    assert not Program.objects.exists()
    assert not ProgramExercise.objects.exists()


def test_a_change_from_a_stale_page_is_refused_and_a_stopped_program_stays_stopped(
    client, personas
):
    program = program_build(personas, now=timezone.now())
    client.force_login(personas.physio.user)
    change = reverse("exercise-program-change", args=[personas.patient_a.pk, program.pk])
    page = client.get(change)
    assert 'name="form-0-sets" value="3"' in page.text
    assert 'name="revision" value="1"' in page.text
    data = {"action": "save", **frequency(sessions_per_day="1"), **rows(row("knee-heel-slide"))}
    assert client.post(change, {**data, "revision": "1"}).status_code == 302
    stale = client.post(change, {**data, "revision": "1"})
    assert stale.status_code == 409
    assert "changed meanwhile" in stale.text
    program.refresh_from_db()
    assert (program.revision, program.sessions_per_day) == (2, 1)
    stop = reverse("exercise-program-stop", args=[personas.patient_a.pk, program.pk])
    assert "Stop the program" in client.get(stop).text
    assert client.post(stop, {"reason": "Goals met"}).status_code == 302
    program.refresh_from_db()
    assert program.stop_reason == "Goals met"
    assert program.stopped_at is not None
    assert client.post(stop, {"reason": "Again"}).status_code == 409
    assert client.get(change).status_code == 302
    other = reverse("exercise-program-change", args=[personas.patient_b.pk, program.pk])
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("who", ["front_desk", "manager", "massage_therapist", "patient_a"])
def test_anyone_not_in_the_patient_s_care_is_refused_alike_and_on_file(client, personas, who):
    program = program_build(personas, now=timezone.now())
    client.force_login(personas.user(who))
    pid = personas.patient_a.pk
    for url in (
        reverse("exercise-programs", args=[pid]),
        reverse("exercise-program-new", args=[pid]),
        reverse("exercise-program-change", args=[pid, program.pk]),
        reverse("exercise-program-stop", args=[pid, program.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Bridge" not in response.text
    assert client.post(reverse("exercise-program-stop", args=[pid, program.pk])).status_code == 404
    program.refresh_from_db()
    assert program.stopped_at is None
    assert AuditEvent.objects.filter(action="deny").count() == 5


def test_the_chart_shows_each_program_in_force_with_its_adherence(client, personas):
    now = timezone.now()
    program = program_build(personas, now=now, sessions_per_day=1)
    today = timezone.localdate()
    session_tick(
        program=program, day=today, number=1, pain=2, user=personas.patient_a.user, now=now
    )
    client.force_login(personas.physio.user)
    chart = client.get(reverse("patient-chart", args=[personas.patient_a.pk]))
    section = chart.text[chart.text.index('id="exercises-heading"') :]
    assert "Last 7 days" in section
    assert "100%" in section
    assert "(1 of 1 sessions)" in section
    assert "Bridge: 3 sets of 10 reps, hold 3 s" in section
    # One look on file, the chart's: it covers the programs it shows.
    assert AuditEvent.objects.filter(action="view", summary="clinical chart").count() == 1
    assert not AuditEvent.objects.filter(action="view", object_type="exercises.program").exists()


def _chart_queries(client, personas) -> int:
    url = reverse("patient-chart", args=[personas.patient_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_chart_s_programs_cost_the_same_queries_for_one_program_or_four(client, personas):
    now = timezone.now()
    client.force_login(personas.physio.user)
    program_build(personas, now=now)
    one = _chart_queries(client, personas)
    for codes in (("neck-chin-tuck",), ("ankle-calf-raise", "knee-mini-squat"), ("core-dead-bug",)):
        program_build(personas, now=now, codes=codes)
    assert _chart_queries(client, personas) == one


def test_each_page_of_a_program_puts_one_look_on_file(client, personas):
    program = program_build(personas, now=timezone.now())
    program_build(personas, now=timezone.now(), patient=personas.child)
    pid = personas.patient_a.pk
    pages = [
        ("physio", reverse("exercise-program-change", args=[pid, program.pk])),
        ("physio", reverse("exercise-program-stop", args=[pid, program.pk])),
        ("physio", reverse("my-exercise-handout", args=[program.pk])),
        ("patient_a", reverse("my-exercise-handout", args=[program.pk])),
        ("patient_a", reverse("my-exercises")),
    ]
    for who, url in pages:
        client.force_login(personas.user(who))
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200
        (event,) = AuditEvent.objects.order_by("pk")[before:]
        assert (event.action, event.actor) == ("view", personas.user(who))
        assert list(event.patient_links.values_list("patient_id", flat=True)) == [pid]
    client.force_login(personas.guardian.user)
    before = AuditEvent.objects.count()
    client.get(reverse("my-exercises"))
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.child.pk]
