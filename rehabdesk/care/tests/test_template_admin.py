"""The manager's screens for templates and snippets: every version read, never saved
over; a new version published from a copy of the current one, its definition edited as
text and checked before anything is saved; snippets added, changed and deactivated.
Nobody else reaches them."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from rehabdesk.care.models import NoteTemplate, Snippet
from rehabdesk.clinic.models import Discipline

pytestmark = pytest.mark.django_db
ADD = reverse("admin:care_notetemplate_add")


@pytest.fixture
def manager_client(client, personas):
    client.force_login(personas.manager)
    return client


def template(code: str) -> NoteTemplate:
    return NoteTemplate.objects.get(code=code, current=True)


def publish_form(manager_client, code: str) -> dict:
    """The form "Publish a new version from this one" opens, as it would be posted."""
    source = template(code)
    response = manager_client.get(f"{ADD}?from={source.pk}")
    assert response.status_code == 200
    initial = response.context["adminform"].form.initial
    return {key: "" if value is None else value for key, value in initial.items()}


def versions(code: str) -> list[tuple[int, bool]]:
    return list(NoteTemplate.objects.filter(code=code).values_list("version", "current"))


def test_the_manager_role_may_read_and_publish_templates_and_keep_snippets():
    granted = set(
        Group.objects.get(name="Manager")
        .permissions.filter(content_type__app_label="care")
        .values_list("codename", flat=True)
    )
    assert granted == {
        "view_notetemplate",
        "add_notetemplate",
        "view_snippet",
        "add_snippet",
        "change_snippet",
    }


def test_the_manager_sees_every_template_and_reads_a_version(manager_client):
    listing = manager_client.get(reverse("admin:care_notetemplate_changelist"))
    assert listing.status_code == 200
    assert b"Physiotherapy initial assessment" in listing.content
    assert b"Massage therapy follow-up" in listing.content
    shown = manager_client.get(
        reverse("admin:care_notetemplate_change", args=[template("acupuncture").pk])
    )
    assert shown.status_code == 200
    assert "&quot;needles_out&quot;" in shown.content.decode()
    assert f"?from={template('acupuncture').pk}" in shown.content.decode()


def test_a_version_is_never_saved_over(manager_client):
    first = template("general-entry")
    url = reverse("admin:care_notetemplate_change", args=[first.pk])
    response = manager_client.post(url, {"name": "Rewritten", "definition": "{}"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.name == "General entry"
    assert versions("general-entry") == [(1, True)]


def test_nothing_is_deleted(manager_client):
    first = template("general-entry")
    url = reverse("admin:care_notetemplate_delete", args=[first.pk])
    assert manager_client.post(url, {"post": "yes"}).status_code == 403
    snippet = Snippet.objects.get(shortcut="hep")
    url = reverse("admin:care_snippet_delete", args=[snippet.pk])
    assert manager_client.post(url, {"post": "yes"}).status_code == 403
    assert NoteTemplate.objects.filter(pk=first.pk).exists()
    assert Snippet.objects.filter(pk=snippet.pk).exists()


def test_the_manager_publishes_a_new_version_from_a_copy_of_the_current_one(
    manager_client, personas
):
    form = publish_form(manager_client, "physio-discharge")
    assert form["based_on"] == 1
    definition = json.loads(form["definition"])
    definition["sections"][0]["fields"][0]["label"] = "How the patient is at discharge"
    form.update(name="Discharge summary", definition=json.dumps(definition))
    response = manager_client.post(ADD, form)
    assert response.status_code == 302
    assert versions("physio-discharge") == [(2, True), (1, False)]
    second = template("physio-discharge")
    assert second.name == "Discharge summary"
    assert second.published_by == personas.manager
    assert second.parsed.fields[0].label == "How the patient is at discharge"


def test_the_definition_may_be_written_as_toml(manager_client):
    form = publish_form(manager_client, "general-entry")
    form["definition"] = """
[[sections]]
code = "entry"
title = "Entry"

[[sections.fields]]
code = "entry"
label = "What happened"
kind = "text"
required_to_sign = true
"""
    assert manager_client.post(ADD, form).status_code == 302
    assert template("general-entry").parsed.fields[0].label == "What happened"


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ('{"sections": [', "Not readable as JSON: Expecting value (line 1, column 15)."),
        ("[[sections]\ncode = 1", "Not readable as TOML: "),
        ("[1, 2]", "Not readable as TOML: "),
        ('{"sections": NaN}', "Not readable: NaN is not a number a template may hold."),
        ("[[sections]]\ncode = 'x'\n[[sections.fields]]\nmax = nan", "Numbers in a template"),
        ('{"sections": []}', "template: a definition has at least one section"),
        (
            '{"sections": [{"code": "s", "title": "S", "fields": [{"code": "q", "label": "Q", '
            '"kind": "choice"}]}]}',
            "s.q: a choice needs &#x27;options&#x27;",
        ),
    ],
)
def test_a_definition_that_does_not_read_is_refused_next_to_it(manager_client, definition, message):
    form = publish_form(manager_client, "general-entry")
    form["definition"] = definition
    response = manager_client.post(ADD, form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["definition"]
    assert message in str(errors["definition"])
    assert versions("general-entry") == [(1, True)]


def test_a_version_published_meanwhile_is_not_overwritten(manager_client):
    mine = publish_form(manager_client, "general-entry")
    theirs = publish_form(manager_client, "general-entry")
    theirs["name"] = "Their entry"
    assert manager_client.post(ADD, theirs).status_code == 302
    mine["name"] = "My entry"
    response = manager_client.post(ADD, mine)
    assert response.status_code == 200
    assert "Version 2 was published since you started from version 1" in str(
        response.context["adminform"].form.errors["code"]
    )
    assert template("general-entry").name == "Their entry"


def test_a_new_template_is_published_as_version_one(manager_client):
    form = publish_form(manager_client, "physio-follow-up")
    form.update(code="sports-follow-up", name="Sports injury follow-up", based_on="")
    assert manager_client.post(ADD, form).status_code == 302
    assert versions("sports-follow-up") == [(1, True)]
    assert versions("physio-follow-up") == [(1, True)]


def test_a_new_template_may_not_take_an_existing_code(manager_client):
    form = publish_form(manager_client, "physio-follow-up")
    form.update(based_on="", name="Copy")
    response = manager_client.post(ADD, form)
    assert response.status_code == 200
    assert "publish from its current version" in str(response.context["adminform"].form.errors)


def test_a_new_version_keeps_its_discipline(manager_client):
    form = publish_form(manager_client, "physio-follow-up")
    form["discipline"] = Discipline.objects.get(slug="massage-therapy").pk
    response = manager_client.post(ADD, form)
    assert response.status_code == 200
    assert "keeps the template" in str(response.context["adminform"].form.errors["discipline"])


def test_an_unknown_source_opens_an_empty_form(manager_client):
    for source in ("999999", "abc", ""):
        response = manager_client.get(f"{ADD}?from={source}")
        assert response.status_code == 200
        assert not response.context["adminform"].form.initial.get("definition")


def test_the_manager_adds_changes_and_deactivates_a_snippet(manager_client):
    add = manager_client.post(
        reverse("admin:care_snippet_add"),
        {
            "shortcut": "Ice",
            "text": "Ice 10 minutes after exercise.",
            "discipline": "",
            "active": "on",
        },
    )
    assert add.status_code == 302
    snippet = Snippet.objects.get(shortcut="ice")
    change = manager_client.post(
        reverse("admin:care_snippet_change", args=[snippet.pk]),
        {"shortcut": "ice", "text": "Ice 15 minutes.", "discipline": ""},
    )
    assert change.status_code == 302
    snippet.refresh_from_db()
    assert (snippet.text, snippet.active) == ("Ice 15 minutes.", False)


def test_a_snippet_taking_a_shortcut_is_refused_next_to_it(manager_client):
    response = manager_client.post(
        reverse("admin:care_snippet_add"),
        {"shortcut": "HEP", "text": "Another.", "discipline": "", "active": "on"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "The shortcut ;hep is taken" in str(errors["shortcut"])


@pytest.mark.parametrize("persona", ["front_desk", "physio", "outsider"])
def test_nobody_else_reaches_the_screens(client, personas, persona):
    client.force_login(personas.user(persona))
    source = template("general-entry")
    for url in (
        reverse("admin:care_notetemplate_changelist"),
        reverse("admin:care_notetemplate_change", args=[source.pk]),
        f"{ADD}?from={source.pk}",
        reverse("admin:care_snippet_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    response = client.post(ADD, {"code": "general-entry", "name": "Sneaky", "definition": "{}"})
    assert response.status_code == 302
    assert versions("general-entry") == [(1, True)]
