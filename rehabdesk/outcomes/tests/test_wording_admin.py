"""The manager's screen for the clinic's licensed wording (ODI, NDI, LEFS, QuickDASH):
entered as plain text, checked against the scoring (so many questions, so many answers
each) before anything is saved, published version by version, never saved over or
deleted; the instruments whose words Rehabdesk ships are not offered. Nobody else
reaches it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import InstrumentWording
from rehabdesk.outcomes.services import wording_check
from rehabdesk.outcomes.testing import wording_items

pytestmark = pytest.mark.django_db
ADD = reverse("admin:outcomes_instrumentwording_add")


def text(questions: int, answers: int = 6, word: str = "Question") -> str:
    return "\n\n".join(
        "\n".join([f"{word} {q}", *(f"- Answer {a}" for a in range(answers))])
        for q in range(1, questions + 1)
    )


def versions(instrument: str) -> list[tuple[int, bool]]:
    return list(
        InstrumentWording.objects.filter(instrument=instrument).values_list("version", "current")
    )


def test_the_manager_role_may_read_and_enter_wording():
    granted = set(
        Group.objects.get(name="Manager")
        .permissions.filter(content_type__app_label="outcomes")
        .values_list("codename", flat=True)
    )
    assert granted == {"view_instrumentwording", "add_instrumentwording"}


def test_the_manager_enters_checks_and_publishes_versions(client, personas):
    client.force_login(personas.manager)
    form = client.get(ADD)
    offered = [
        value for value, _label in form.context["adminform"].form.fields["instrument"].choices
    ]
    assert offered == ["odi", "ndi", "lefs", "quickdash"]

    refused = client.post(ADD, {"instrument": "odi", "items": text(9)})
    assert refused.status_code == 200
    assert "has 10 questions; this wording has 9" in refused.content.decode()
    refused = client.post(ADD, {"instrument": "odi", "items": text(10, answers=5)})
    assert "Question 1: 6 answers, scored 0 to 5, lowest first." in refused.content.decode()
    refused = client.post(ADD, {"instrument": "nprs", "items": text(1, 11)})
    assert refused.status_code == 200
    assert not InstrumentWording.objects.exists()

    assert client.post(ADD, {"instrument": "odi", "items": text(10)}).status_code == 302
    first = InstrumentWording.objects.get()
    assert (first.version, first.current, first.entered_by) == (1, True, personas.manager)
    assert first.items[0] == {
        "text": "Question 1",
        "answers": [f"Answer {a}" for a in range(6)],
    }
    shown = client.get(reverse("admin:outcomes_instrumentwording_change", args=[first.pk]))
    assert shown.status_code == 200
    assert f"?from={first.pk}" in shown.content.decode()

    # "Enter a new version from this one": a copy of the text, based on version 1.
    copy = client.get(f"{ADD}?from={first.pk}").context["adminform"].form.initial
    assert (copy["instrument"], copy["based_on"]) == ("odi", 1)
    assert copy["items"] == text(10)
    unchanged = client.post(ADD, copy)
    assert "Nothing changed from version 1" in unchanged.content.decode()
    copy["items"] = copy["items"].replace("Question 1\n", "Pain intensity\n")
    assert client.post(ADD, copy).status_code == 302
    assert versions("odi") == [(2, True), (1, False)]
    # The same copy again: version 2 was entered since it was opened.
    copy["items"] = copy["items"].replace("Pain intensity", "Pain now")
    stale = client.post(ADD, copy)
    assert "Version 2 was entered since you started" in stale.content.decode()

    # A version is never saved over, nor deleted.
    change = reverse("admin:outcomes_instrumentwording_change", args=[first.pk])
    assert client.post(change, {"instrument": "odi", "items": text(10)}).status_code == 403
    delete = reverse("admin:outcomes_instrumentwording_delete", args=[first.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert versions("odi") == [(2, True), (1, False)]


def test_nobody_but_managers_reaches_the_screen(client, personas):
    for user in (personas.front_desk, personas.physio.user, personas.patient_a.user):
        client.force_login(user)
        response = client.get(ADD)
        assert response.status_code in (302, 403)
    assert not InstrumentWording.objects.exists()


def test_the_check_fits_the_wording_to_the_scoring(personas):
    # QuickDASH: the 11 questions, then the work module's 4, then the sport module's 4.
    assert len(wording_check(instrument="quickdash", items=wording_items("quickdash"))) == 19
    for instrument, items, message in [
        ("quickdash", wording_items("quickdash")[:11], "19 questions (11, then 4 for work"),
        ("lefs", wording_items("lefs")[:19], "20 questions; this wording has 19"),
        ("nprs", [], "Rehabdesk ships the wording"),
        ("odi", "Question 1", "A list of questions"),
        ("odi", [{"text": "", "answers": ["a"] * 6}] * 10, "Question 1: a text"),
        ("odi", [{"text": "Q", "answers": ["a"] * 5 + [" "]}] * 10, "the answer scored 5"),
    ]:
        with pytest.raises(OutcomeError) as caught:
            wording_check(instrument=instrument, items=items)
        assert caught.value.code == OutcomeErrorCode.INVALID
        assert message in caught.value.message, caught.value.message
    tidied = wording_check(
        instrument="ndi",
        items=json.loads(json.dumps(wording_items("ndi")).replace("Question", "  Question ")),
    )
    assert tidied[0]["text"] == "Question 1"
