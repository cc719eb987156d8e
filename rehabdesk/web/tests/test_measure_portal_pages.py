"""The portal's questionnaires, `/my/measures/`: the open requests of the signed-in
patient and of the dependents whose bookings they manage, each answered on the link's
form. Nobody else's (another patient's, the desk's, a practitioner's) — 404, on file."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.web.tests.measure_world import ask

pytestmark = pytest.mark.django_db


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_patient_answers_their_own_request_from_the_list(client, personas):
    request = ask(personas.patient_a, "groc")
    ask(personas.patient_b)  # someone else's: not listed
    signed_in(client, personas.patient_a.user)

    listed = squash(client.get(reverse("my-measures")).text)
    assert "Global Rating of Change (GROC)" in listed
    assert listed.count('class="visit"') == 1
    looked = AuditEvent.objects.filter(summary="measures to answer").get()
    assert looked.object_type == "outcomes.measurerequest"
    assert list(looked.patient_links.values_list("patient_id", flat=True)) == [
        personas.patient_a.pk
    ]

    form = squash(client.get(reverse("my-measure", args=[request.pk])).text)
    assert "Since your first visit, how has your condition changed overall?" in form
    opened = AuditEvent.objects.filter(summary="measure to answer (portal)").get()
    assert (opened.actor_id, opened.object_id) == (personas.patient_a.user_id, str(request.pk))
    assert "+3 Somewhat better" in form
    sent = client.post(reverse("my-measure", args=[request.pk]), {"1": "3"}, follow=True)
    assert sent.redirect_chain[-1][0] == reverse("my-measures")
    assert "Thank you: your answers to the Global Rating of Change (GROC) are sent." in sent.text
    assert "Nothing to answer at the moment." in sent.text
    result = MeasureResult.objects.get()
    assert (result.source, result.recorded_by_id, result.score) == (
        ResultSource.PORTAL,
        personas.patient_a.user_id,
        3,
    )
    assert result.request_id == request.pk
    assert result.context == "since_first_visit"


def test_a_guardian_answers_for_their_child(client, personas):
    request = ask(personas.child)
    signed_in(client, personas.guardian.user)
    listed = squash(client.get(reverse("my-measures")).text)
    assert "<strong>Charlie</strong>" in listed
    assert "Charlie&#x27;s care" in client.get(reverse("my-measure", args=[request.pk])).text
    sent = client.post(reverse("my-measure", args=[request.pk]), {"1": "2"}, follow=True)
    assert "Thank you: Charlie&#x27;s answers" in sent.text
    assert MeasureResult.objects.get().patient_id == personas.child.pk


@pytest.mark.parametrize("who", ["patient_b", "front_desk", "physio", "manager", "outsider"])
def test_anyone_else_is_refused_alike_and_on_file(client, personas, who):
    request = ask(personas.child)
    signed_in(client, personas.user(who))
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("my-measure", args=[request.pk]), {"1": "2"})
        assert response.status_code == 404
    denied = AuditEvent.objects.filter(action=AuditAction.DENY).latest("pk")
    assert denied.outcome == "denied"
    assert not MeasureResult.objects.exists()


@pytest.mark.parametrize("who", ["front_desk", "physio", "outsider"])
def test_staff_have_no_questionnaire_list(client, personas, who):
    signed_in(client, personas.user(who))
    assert client.get(reverse("my-measures")).status_code == 404


def test_an_answered_request_says_so(client, personas):
    request = ask(personas.patient_a)
    signed_in(client, personas.patient_a.user)
    client.post(reverse("my-measure", args=[request.pk]), {"1": "4"})
    again = client.post(reverse("my-measure", args=[request.pk]), {"1": "5"})
    assert again.status_code == 409
    assert "already answered" in again.text
    assert MeasureResult.objects.get().score == 4


def test_a_licensed_instrument_without_the_clinics_words_says_the_clinic_must_enter_them(
    client, personas
):
    request = ask(personas.patient_a, "odi")
    signed_in(client, personas.patient_a.user)
    response = client.get(reverse("my-measure", args=[request.pk]))
    assert response.status_code == 409
    html = squash(response.text)
    assert "This questionnaire is not ready yet" in html
    assert "the clinic must enter the licensed wording" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]
