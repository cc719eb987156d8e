"""The clinic's default note templates: each shipped file is a definition the format
accepts, every field of it holds a value that survives `clean_content` unchanged, the
files never change once published (their SHA-256 is pinned here), and the migration
put each one on file as version 1."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

import pytest

from rehabdesk.care.content import clean_content
from rehabdesk.care.definition import Definition, Field, FieldKind, FieldRole, definition_from_data
from rehabdesk.care.models import NoteTemplate
from rehabdesk.consents.choices import SensitiveArea

FOLDER = Path(__file__).resolve().parent.parent / "note_templates" / "v1"
# Published: never edited. A new default is a new folder (v2/) and a new migration.
PUBLISHED = {
    "acupuncture.toml": "f2a4c54a304b3d74933c27cded8f1a30138138f12d8f31bde1f35ad840371f43",
    "general-entry.toml": "eb10204e1c5b5a028e5bacf8fcbc8e4b2e55221598a307ebc9bd3f2c0e212f78",
    "massage-follow-up.toml": "f933692443e707aba4846fd6a88eefddc3b09092ba4ddaf1049c30f8d0950a7b",
    "massage-initial.toml": "4b4d124770c847b9bc30e0687772bb468f791ea82f9a08e81983c88188fb85d0",
    "pelvic-health-follow-up.toml": (
        "0386f1e6a86e273d0a5dfa9f69076ad7afb08eb48b2600f4d7478dcdaa82b078"
    ),
    "pelvic-health-initial.toml": (
        "1c2347eb2600e5847359e7f667171b9dc85e5e2c4226f72d6703c5a23df9271b"
    ),
    "physio-discharge.toml": "5bdd51737943f6da2b01590c8b347aa219c9f3391d63c4421b22df83f4efbefc",
    "physio-follow-up.toml": "5ed84c20b8e5b6323725c49c30155ce3dfef5b034094b23e3e8849725dca0174",
    "physio-initial.toml": "010c97d92bd29dc9270a7be50e72458b7e6e108fd1ebd3391ec32bb6ecaf8520",
}
NAMES = sorted(PUBLISHED)


def shipped(name: str) -> dict[str, Any]:
    return tomllib.loads((FOLDER / name).read_text("utf-8"))


def definition_of(name: str) -> Definition:
    return definition_from_data(shipped(name))


def sample(field: Field) -> Any:
    """A value every field of its kind accepts, as a practitioner's page would send it."""
    if field.kind in (FieldKind.TEXT, FieldKind.LINE):
        return f"Written in {field.label}"[: field.max_length]
    if field.kind == FieldKind.NUMBER:
        assert field.minimum is not None
        assert field.maximum is not None
        return int(field.maximum) if field.maximum.is_integer() else field.maximum
    if field.kind == FieldKind.SCALE:
        return 7
    if field.kind == FieldKind.CHOICE:
        return field.options[-1][0]
    if field.kind == FieldKind.CHOICES:
        return [code for code, _ in field.options]
    if field.kind == FieldKind.YES_NO:
        return True
    if field.kind == FieldKind.TABLE:
        return [{column.code: sample(column) for column in field.columns}] * 2
    return [{"region": "low_back", "mark": "pain"}, {"region": "hip_left", "mark": "treated"}]


def test_the_folder_holds_exactly_the_published_files():
    assert sorted(path.name for path in FOLDER.glob("*.toml")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_a_published_file_never_changes(name):
    digest = hashlib.sha256((FOLDER / name).read_bytes()).hexdigest()
    assert digest == PUBLISHED[name], f"{name} was edited: publish a new version instead"


@pytest.mark.parametrize("name", NAMES)
def test_it_reads_each_file_as_a_definition_named_after_its_file(name):
    data = shipped(name)
    assert data["code"] == name.removesuffix(".toml")
    assert set(data) == {"code", "name", "discipline", "visit_type", "sections"}
    assert definition_of(name).fields


@pytest.mark.parametrize("name", NAMES)
def test_every_field_filled_in_survives_cleaning_and_signing_unchanged(name):
    definition = definition_of(name)
    content = {field.code: sample(field) for field in definition.fields}
    assert clean_content(definition, content, for_signing=True) == content


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_note_is_a_draft_that_cannot_be_signed(name):
    definition = definition_of(name)
    assert clean_content(definition, {}) == {}
    assert any(field.required_to_sign for field in definition.fields)


def test_a_field_code_means_the_same_in_every_template():
    # Copy forward fills a field from the last note by its code, whichever template
    # that note was written on: one code, one shape.
    shapes: dict[str, tuple[str, Field]] = {}
    for name in NAMES:
        for field in definition_of(name).fields:
            shape = (
                field.kind,
                field.options,
                tuple((c.code, c.kind, c.options) for c in field.columns),
            )
            seen = shapes.setdefault(field.code, (name, field))
            first = seen[1]
            assert shape == (
                first.kind,
                first.options,
                tuple((c.code, c.kind, c.options) for c in first.columns),
            ), f"{field.code} differs between {seen[0]} and {name}"


def test_the_sensitive_areas_are_the_consents_own_codes():
    for name in ("massage-initial.toml", "massage-follow-up.toml"):
        field = definition_of(name).with_role(FieldRole.SENSITIVE_AREAS)
        assert field is not None
        assert field.kind == FieldKind.CHOICES
        assert [code for code, _ in field.options] == list(SensitiveArea.values)


def test_acupuncture_counts_needles_and_records_adverse_events():
    definition = definition_of("acupuncture.toml")
    needles_in = definition.with_role(FieldRole.NEEDLES_IN)
    needles_out = definition.with_role(FieldRole.NEEDLES_OUT)
    events = definition.with_role(FieldRole.ADVERSE_EVENTS)
    assert needles_in is not None
    assert needles_out is not None
    assert events is not None
    assert needles_in.kind == needles_out.kind == FieldKind.NUMBER
    assert needles_in.required_to_sign
    assert needles_out.required_to_sign
    assert [code for code, _ in events.options] == [
        "none",
        "bruising",
        "bleeding",
        "fainting",
        "broken_needle",
        "flare",
        "other",
    ]


@pytest.mark.parametrize("name", ["pelvic-health-initial.toml", "pelvic-health-follow-up.toml"])
def test_pelvic_health_records_an_internal_examination_outside_what_is_copied_forward(name):
    definition = definition_of(name)
    exam = definition.with_role(FieldRole.INTERNAL_EXAM)
    assert exam is not None
    assert exam.kind == FieldKind.YES_NO
    assert exam not in definition.copied_forward


def test_only_pelvic_health_asks_about_an_internal_examination():
    with_exam = {name for name in NAMES if definition_of(name).with_role(FieldRole.INTERNAL_EXAM)}
    assert with_exam == {"pelvic-health-initial.toml", "pelvic-health-follow-up.toml"}


@pytest.mark.parametrize(
    "name", ["physio-initial.toml", "physio-follow-up.toml", "physio-discharge.toml"]
)
def test_physiotherapy_copies_forward_the_objective_findings(name):
    copied = {field.code for field in definition_of(name).copied_forward}
    assert {"rom", "strength", "special_tests", "outcome_scores"} <= copied


def test_the_general_entry_is_one_text_for_any_discipline():
    data = shipped("general-entry.toml")
    assert (data["discipline"], data["visit_type"]) == ("", "other")
    (field,) = definition_of("general-entry.toml").fields
    assert (field.code, field.kind, field.required_to_sign) == ("entry", FieldKind.TEXT, True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_the_migration_put_each_file_on_file_as_version_one(name):
    data = shipped(name)
    template = NoteTemplate.objects.select_related("discipline").get(code=data["code"])
    assert (template.version, template.current, template.name, template.visit_type) == (
        1,
        True,
        data["name"],
        data["visit_type"],
    )
    assert (template.discipline.slug if template.discipline else "") == data["discipline"]
    assert template.definition == {"sections": data["sections"]}
    assert template.parsed == definition_of(name)
