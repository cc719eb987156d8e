"""A manager publishes a template version by version: the new one current, the previous
kept for the notes written on it, and a definition the format does not accept refused
with a message that says where — nothing half-published."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from rehabdesk.care.choices import NoteKind, VisitType
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.services import definition_as_data, note_template_publish
from rehabdesk.clinic.models import Discipline

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def current(code: str) -> NoteTemplate:
    return NoteTemplate.objects.get(code=code, current=True)


def publish(source: str = "physio-follow-up", /, **changes):
    """Publish template `source` again from its current version, with `changes`."""
    template = current(source)
    arguments = {
        "actor": None,
        "code": source,
        "name": template.name,
        "discipline": template.discipline,
        "visit_type": template.visit_type,
        "definition": copy.deepcopy(template.definition),
        "now": NOW,
    }
    return note_template_publish(**{**arguments, **changes})


def with_hint(definition: dict, hint: str) -> dict:
    changed = copy.deepcopy(definition)
    changed["sections"][0]["fields"][0]["hint"] = hint
    return changed


def refused(expected: CareErrorCode, /, **changes) -> CareError:
    before = list(NoteTemplate.objects.values_list("code", "version", "current"))
    with pytest.raises(CareError) as error:
        publish(**changes)
    assert error.value.code == expected
    assert list(NoteTemplate.objects.values_list("code", "version", "current")) == before
    return error.value


def test_it_publishes_the_next_version_current_and_keeps_the_previous(personas):
    first = current("physio-follow-up")
    definition = with_hint(first.definition, "How the patient has been")
    second = publish(actor=personas.manager, definition=definition, name="Physio follow-up")
    assert (second.version, second.current, second.name) == (2, True, "Physio follow-up")
    assert (second.published_at, second.published_by) == (NOW, personas.manager)
    assert second.definition == definition
    assert second.discipline == first.discipline
    first.refresh_from_db()
    assert (first.version, first.current) == (1, False)
    assert first.parsed.fields[0].hint != "How the patient has been"
    third = publish(definition=with_hint(definition, "Third wording"))
    assert list(
        NoteTemplate.objects.filter(code="physio-follow-up").values_list("version", "current")
    ) == [(3, True), (2, False), (1, False)]
    assert third.parsed.fields[0].hint == "Third wording"


def test_notes_written_on_a_version_keep_it(personas):
    first = current("general-entry")
    note = VisitNote.objects.create(
        patient=personas.patient_a,
        kind=NoteKind.PHONE,
        author=personas.physio,
        discipline=Discipline.objects.get(slug="physiotherapy"),
        template=first,
        encounter_at=NOW,
        content={"entry": "Called about the home program."},
        created_at=NOW,
        updated_at=NOW,
    )
    second = publish("general-entry", definition=with_hint(first.definition, "Who, what, why"))
    note.refresh_from_db()
    assert note.template == first
    assert note.template.version == 1
    assert second.version == 2


def test_a_new_code_is_a_new_template_at_version_one():
    template = note_template_publish(
        actor=None,
        code="sports-follow-up",
        name="Sports injury follow-up",
        discipline=Discipline.objects.get(slug="physiotherapy"),
        visit_type=VisitType.FOLLOW_UP,
        definition=current("physio-follow-up").definition,
        now=NOW,
        based_on=0,
    )
    assert (template.code, template.version, template.current) == ("sports-follow-up", 1, True)


def test_it_stores_the_definition_as_read_without_keys_the_format_does_not_know():
    definition = copy.deepcopy(current("general-entry").definition)
    definition["published"] = "2027-03-10"
    definition["sections"][0]["colour"] = "blue"
    definition["sections"][0]["fields"][0]["required_to_sign"] = False
    template = publish("general-entry", definition=definition)
    assert template.definition == {
        "sections": [
            {
                "code": "entry",
                "title": "Entry",
                "fields": [
                    {
                        "code": "entry",
                        "label": "Entry",
                        "kind": "text",
                        "hint": "What happened, what was said or advised, and what follows",
                        "max_length": 10000,
                    }
                ],
            }
        ]
    }


def test_the_shipped_definitions_read_back_to_themselves():
    for template in NoteTemplate.objects.all():
        assert definition_as_data(template.parsed) == template.definition, template.code


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({}, "template: a definition has 'sections'"),
        ({"sections": []}, "template: a definition has at least one section"),
        (
            {"sections": [{"code": "s", "title": "S", "fields": [{"code": "a", "kind": "x"}]}]},
            "s.a: unknown kind 'x'",
        ),
        (
            {
                "sections": [
                    {
                        "code": "s",
                        "title": "S",
                        "fields": [{"code": "n", "label": "N", "kind": "number", "min": 0}],
                    }
                ]
            },
            "s.n: a number needs 'min' and 'max', min <= max",
        ),
        (
            {
                "sections": [
                    {
                        "code": "s",
                        "title": "S",
                        "fields": [
                            {
                                "code": "n",
                                "label": "N",
                                "kind": "number",
                                "min": 0,
                                "max": float("nan"),
                            }
                        ],
                    }
                ]
            },
            "s.n: 'max' is a number",
        ),
    ],
)
def test_it_refuses_a_definition_the_format_does_not_accept_saying_where(definition, message):
    error = refused(CareErrorCode.INVALID, definition=definition)
    assert (error.message, error.field) == (message, "definition")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "Physio Follow-up"}, "code", "A code is lower-case letters and digits"),
        ({"code": "x" * 61}, "code", "A code is lower-case letters and digits"),
        ({"name": "   "}, "name", "A name of 1 to 120 characters."),
        ({"visit_type": "weekly"}, "visit_type", "Choose a kind of visit."),
    ],
)
def test_it_refuses_a_code_name_or_kind_of_visit_that_is_not_one(changes, field, message):
    error = refused(CareErrorCode.INVALID, **changes)
    assert error.field == field
    assert error.message.startswith(message)


def test_a_new_version_keeps_the_discipline():
    error = refused(
        CareErrorCode.INVALID, discipline=Discipline.objects.get(slug="massage-therapy")
    )
    assert error.field == "discipline"
    assert "publish a template with a new code" in error.message
    refused(CareErrorCode.INVALID, discipline=None)


def test_publishing_an_unchanged_version_is_refused():
    error = refused(CareErrorCode.INVALID)
    assert error.message == "Nothing changed from version 1: nothing to publish."


def test_a_version_published_meanwhile_refuses_the_older_edit():
    template = current("physio-follow-up")
    publish(definition=with_hint(template.definition, "Mine"), based_on=1)
    error = refused(
        CareErrorCode.TEMPLATE_CHANGED,
        definition=with_hint(template.definition, "Theirs"),
        based_on=1,
    )
    assert error.message == (
        "Version 2 was published since you started from version 1: start again from version 2."
    )
    assert error.field == "code"


def test_a_new_template_may_not_take_an_existing_code():
    error = refused(
        CareErrorCode.TEMPLATE_CHANGED,
        definition=with_hint(current("physio-follow-up").definition, "New"),
        based_on=0,
    )
    assert error.message == "A template with this code exists: publish from its current version."
