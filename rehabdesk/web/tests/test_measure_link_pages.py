"""The e-mailed questionnaire link, `/measure/<token>/`, answered without signing in:
the instrument in our words (or the clinic's licensed ones), each question's problem
beside it, thanks once sent; the same link used again says "already answered" (409); an
unknown, cancelled or lapsed link gets one plain page with the clinic's name (404).
Each look and each answer is on file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.services import measure_request_send, measure_requests_cancel
from rehabdesk.outcomes.testing import wording_enter
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.web.tests.measure_world import ask, ask_by_email, link_of

pytestmark = pytest.mark.django_db


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_link_shows_the_pain_rating_and_thanks_once_answered(client, personas):
    link = ask_by_email(personas.patient_a)

    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = squash(page.text)
    assert "How much pain do you have right now?" in html
    assert "0 = No pain · 10 = The worst pain you can imagine" in html
    assert len(re.findall(r'<input type="radio" name="1"', html)) == 11
    looked = AuditEvent.objects.filter(summary="measure to answer (e-mailed link)").get()
    assert looked.actor_id is None
    assert list(looked.patient_links.values_list("patient_id", flat=True)) == [
        personas.patient_a.pk
    ]

    sent = client.post(link, {"1": "6"})
    assert sent.status_code == 200
    assert "<h1>Thank you</h1>" in sent.text
    result = MeasureResult.objects.get()
    assert (result.patient_id, result.instrument, result.score) == (
        personas.patient_a.pk,
        "nprs",
        6,
    )
    assert (result.source, result.context, result.recorded_by_id) == (
        ResultSource.LINK,
        "now",
        None,
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(result.pk)).exists()


def test_the_same_link_used_again_says_it_is_answered_already(client, personas):
    link = ask_by_email(personas.patient_a)
    client.post(link, {"1": "6"})

    again = client.get(link)
    resent = client.post(link, {"1": "2"})

    for response in (again, resent):
        assert response.status_code == 409
        assert "This questionnaire is already answered" in response.text
    assert MeasureResult.objects.get().score == 6


def test_an_unknown_or_cancelled_link_is_a_plain_page_naming_the_clinic(client, personas):
    world = build_booking_world(personas)
    visit = appointment_book(
        request=world.request(weekday_at(10), patient=personas.patient_a),
        actor=personas.front_desk,
        now=timezone.now(),
    )
    request = ask(personas.patient_a, appointment=visit)
    measure_request_send(request=request, now=timezone.now())
    link = link_of(request)
    measure_requests_cancel(appointment=visit, now=timezone.now())

    for path in (link, "/measure/not-a-token/", "/measure/" + "x" * 300 + "/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "This questionnaire link does not work" in response.text
        assert "Persona Clinic" in response.text
        assert "Pain" not in response.text
    # Each refusal on file, alike: a link names no one until it works.
    denied = AuditEvent.objects.filter(action=AuditAction.DENY)
    assert [event.outcome for event in denied] == ["not_found"] * 3
    assert client.post(link, {"1": "3"}).status_code == 404
    assert not MeasureResult.objects.exists()


def test_a_link_past_its_last_day_no_longer_opens(client, personas, monkeypatch):
    link = ask_by_email(personas.patient_a, due_on=timezone.localdate())
    later = timezone.localdate() + timedelta(days=30)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"1": "11"}, "Pick an answer from 0 to 10."),
        ({"1": "six"}, "Pick one of the answers shown."),
        ({}, "Please answer this question."),
    ],
)
def test_a_bad_answer_is_shown_beside_its_question_and_nothing_is_saved(
    client, personas, answer, message
):
    link = ask_by_email(personas.patient_a)
    response = client.post(link, answer)
    assert response.status_code == 200
    html = squash(response.text)
    assert "<title>Error: " in html
    assert 'role="alert"' in html
    assert f'<p class="error" id="error-1">{message}</p>' in html
    assert 'aria-describedby="anchors-1 error-1"' in html
    assert not MeasureResult.objects.exists()
    # The form shown again is on file too.
    assert AuditEvent.objects.filter(summary="measure shown again").count() == 1


def test_the_first_psfs_names_activities_and_the_next_re_rates_them(client, personas):
    first = ask_by_email(personas.patient_a, "psfs")
    html = squash(client.get(first).text)
    assert html.count('name="activity-') == 5
    response = client.post(
        first,
        {"activity-1": "Climbing stairs", "1": "3", "activity-2": "Lifting my son", "2": "5"},
    )
    assert "<h1>Thank you</h1>" in response.text

    second = ask_by_email(personas.patient_a, "psfs")
    html = squash(client.get(second).text)
    assert 'name="activity-' not in html
    assert "Activity 1: Climbing stairs" in html
    assert "Activity 2: Lifting my son" in html
    assert 'name="3"' not in html  # only the activities named the first time
    client.post(second, {"1": "7", "2": "8"})

    latest = MeasureResult.objects.latest("pk")
    assert latest.activities == {"1": "Climbing stairs", "2": "Lifting my son"}
    assert latest.score == 7.5


def test_an_activity_rated_but_not_named_is_marked(client, personas):
    link = ask_by_email(personas.patient_a, "psfs")
    html = squash(client.post(link, {"1": "3"}).text)
    assert "Name the activity you rated." in html
    assert not MeasureResult.objects.exists()


def test_a_licensed_instrument_reads_in_the_clinics_words(client, personas):
    wording_enter(instrument="odi", manager=personas.manager, now=timezone.now())
    link = ask_by_email(personas.patient_a, "odi")
    html = squash(client.get(link).text)
    assert "Question 10" in html
    assert "Answer scored 5" in html
    client.post(link, {str(n): "2" for n in range(1, 11)})
    result = MeasureResult.objects.get()
    assert (result.score, result.band) == (40, "moderate")


def test_a_childs_link_goes_to_the_guardian_and_names_the_child(client, personas):
    link = ask_by_email(personas.child)
    assert "Charlie&#x27;s care" in client.get(link).text
