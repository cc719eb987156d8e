"""The patient's exercises in the portal: today's sessions with a "Done" per session
and an optional pain score, a double tap kept once (409), a tick undone the same day,
the reminder on at a time and off, a guardian following a child's program, and the
printable handout — which the practitioner in the patient's care opens too."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.exercises.models import ProgramSession
from rehabdesk.exercises.services import program_stop
from rehabdesk.exercises.testing import program_build

pytestmark = pytest.mark.django_db


def test_the_patient_ticks_a_session_with_a_pain_score_then_undoes_it(client, personas):
    program = program_build(personas, now=timezone.now(), sessions_per_day=2)
    client.force_login(personas.patient_a.user)
    page = client.get(reverse("my-exercises"))
    assert page.status_code == 200
    assert page.text.count('class="done"') == 2
    assert "0 of 2 sessions done today" in page.text
    assert "Bridge" in page.text
    assert "What you should feel" in page.text
    tick = reverse("my-exercise-tick", args=[program.pk])
    today = timezone.localdate().isoformat()
    done = client.post(tick, {"number": "1", "day": today, "pain": "3"})
    assert done.status_code == 302
    session = ProgramSession.objects.get()
    assert (session.number, session.pain, session.recorded_by) == (1, 3, personas.patient_a.user)
    again = client.post(tick, {"number": "1", "day": today, "pain": ""})
    assert again.status_code == 409
    assert "ticked off already" in again.text
    page = client.get(reverse("my-exercises"))
    assert "1 of 2 sessions done today" in page.text
    assert "pain 3 of 10" in page.text
    bad = client.post(tick, {"number": "2", "day": today, "pain": "eleven"})
    assert bad.status_code == 200
    assert "could not be ticked" in bad.text
    assert ProgramSession.objects.count() == 1
    undo = reverse("my-exercise-undo", args=[program.pk, session.pk])
    assert client.post(undo).status_code == 302
    session.refresh_from_db()
    assert session.undone_at is not None
    assert "0 of 2 sessions done today" in client.get(reverse("my-exercises")).text
    # Each page that showed the programs (three, and the two refusals shown on it).
    assert AuditEvent.objects.filter(summary="home exercise programs (portal)").count() == 5


def test_the_patient_turns_the_reminder_on_at_a_time_and_off(client, personas):
    program = program_build(personas, now=timezone.now())
    client.force_login(personas.patient_a.user)
    url = reverse("my-exercise-reminder", args=[program.pk])
    assert client.post(url, {"action": "set", "at": "07:45"}).status_code == 302
    program.refresh_from_db()
    assert program.reminder_at == time(7, 45)
    assert "An e-mail each day at 7:45 AM." in client.get(reverse("my-exercises")).text
    missing = client.post(url, {"action": "set", "at": ""})
    assert "Choose the time of your reminder." in missing.text
    assert client.post(url, {"action": "off"}).status_code == 302
    program.refresh_from_db()
    assert program.reminder_at is None


def test_a_guardian_follows_their_child_s_program_and_nobody_else_s(client, personas):
    now = timezone.now()
    childs = program_build(personas, now=now, patient=personas.child)
    own = program_build(personas, now=now)
    client.force_login(personas.guardian.user)
    page = client.get(reverse("my-exercises"))
    assert "Charlie Green: today" in page.text
    assert f'id="program-{own.pk}"' not in page.text
    today = timezone.localdate().isoformat()
    tick = reverse("my-exercise-tick", args=[childs.pk])
    assert client.post(tick, {"number": "1", "day": today}).status_code == 302
    not_theirs = reverse("my-exercise-tick", args=[own.pk])
    assert client.post(not_theirs, {"number": "1", "day": today}).status_code == 404
    client.force_login(personas.patient_b.user)
    assert "No home exercises for now." in client.get(reverse("my-exercises")).text
    assert ProgramSession.objects.filter(program=own).count() == 0


def test_a_stopped_program_is_no_longer_shown_and_takes_no_tick(client, personas):
    program = program_build(personas, now=timezone.now())
    program_stop(program=program, user=personas.physio.user, now=timezone.now())
    client.force_login(personas.patient_a.user)
    assert "No home exercises for now." in client.get(reverse("my-exercises")).text
    tick = reverse("my-exercise-tick", args=[program.pk])
    refused = client.post(tick, {"number": "1", "day": timezone.localdate().isoformat()})
    assert refused.status_code == 409
    assert "stopped" in refused.text


def test_the_handout_prints_the_program_for_the_patient_and_their_practitioner(client, personas):
    program = program_build(personas, now=timezone.now(), codes=("pelvic-floor-slow-squeeze",))
    url = reverse("my-exercise-handout", args=[program.pk])
    for who in ("patient_a", "physio"):
        client.force_login(personas.user(who))
        page = client.get(url)
        assert page.status_code == 200
        assert "Persona Clinic" in page.text
        assert "Home exercises for Alice Anders" in page.text
        assert "1 set of 10 reps, hold 5 s" in page.text
        assert "1. Sit, stand or lie down comfortably" in page.text
        assert "@media print" not in page.text  # the print rules are in the stylesheet
    for who in ("patient_b", "guardian", "front_desk", "manager", "massage_therapist"):
        client.force_login(personas.user(who))
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["front_desk", "manager", "physio", "outsider"])
def test_staff_and_strangers_have_no_portal_exercises(client, personas, who):
    program = program_build(personas, now=timezone.now())
    client.force_login(personas.user(who))
    assert client.get(reverse("my-exercises")).status_code == 404
    tick = reverse("my-exercise-tick", args=[program.pk])
    assert client.post(tick, {"number": "1", "day": "2027-03-10"}).status_code == 404
    assert not ProgramSession.objects.exists()
