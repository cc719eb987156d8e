"""The editor's input read into a note's content: the script's JSON and a plain form's
fields end in the same content, and what cannot be read is passed on as typed (the
service's check then names the field)."""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict

from rehabdesk.care.content import clean_content
from rehabdesk.care.definition import definition_from_data
from rehabdesk.care.errors import CareError
from rehabdesk.web.staff.note_forms import (
    SaveBodyError,
    content_from_post,
    editor_sections,
    revision_from_post,
    save_body,
)

DEFINITION = definition_from_data(
    {
        "sections": [
            {
                "code": "s",
                "title": "Subjective",
                "fields": [
                    {"code": "complaint", "label": "Chief complaint", "kind": "text"},
                    {"code": "onset", "label": "Onset", "kind": "line"},
                    {"code": "pain_now", "label": "Pain now", "kind": "scale"},
                    {"code": "chart", "label": "Body chart", "kind": "body_chart"},
                ],
            },
            {
                "code": "o",
                "title": "Objective",
                "copy_forward": True,
                "fields": [
                    {
                        "code": "weight",
                        "label": "Weight",
                        "kind": "number",
                        "min": 1,
                        "max": 400,
                        "unit": "kg",
                    },
                    {
                        "code": "side",
                        "label": "Side",
                        "kind": "choice",
                        "options": [["left", "Left"], ["right", "Right"]],
                    },
                    {
                        "code": "techniques",
                        "label": "Techniques",
                        "kind": "choices",
                        "options": [["swedish", "Swedish"], ["trigger", "Trigger point"]],
                    },
                    {"code": "internal", "label": "Internal exam", "kind": "yes_no"},
                    {
                        "code": "rom",
                        "label": "Range of motion",
                        "kind": "table",
                        "max_rows": 3,
                        "columns": [
                            {"code": "joint", "label": "Joint", "kind": "line"},
                            {
                                "code": "active",
                                "label": "Active",
                                "kind": "number",
                                "min": 0,
                                "max": 360,
                            },
                        ],
                    },
                ],
            },
        ]
    }
)


def post(**fields: str | list[str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name.replace("__", "-"), value if isinstance(value, list) else [value])
    return data


def test_it_reads_every_kind_of_field_from_a_plain_form():
    content = content_from_post(
        DEFINITION,
        post(
            complaint="Left knee pain\r\nwhen climbing stairs",
            onset="  Two weeks ago  ",
            pain_now="6",
            chart=json.dumps([{"region": "knee_left", "mark": "pain"}]),
            weight="72.5",
            side="left",
            techniques=["swedish", "trigger"],
            internal="no",
            rom__0__joint="Knee",
            rom__0__active="120",
            rom__1__joint="",
            rom__1__active="",
            revision="3",
        ),
    )
    assert content == {
        "complaint": "Left knee pain\r\nwhen climbing stairs",
        "onset": "Two weeks ago",
        "pain_now": 6,
        "chart": [{"region": "knee_left", "mark": "pain"}],
        "weight": 72.5,
        "side": "left",
        "techniques": ["swedish", "trigger"],
        "internal": False,
        "rom": [{"joint": "Knee", "active": 120}],
    }
    assert clean_content(DEFINITION, content)["complaint"] == (
        "Left knee pain\nwhen climbing stairs"
    )


def test_it_leaves_empty_fields_out():
    assert content_from_post(DEFINITION, post(complaint="", internal="", chart="")) == {}


def test_it_passes_on_what_it_cannot_read_so_the_check_names_the_field():
    content = content_from_post(DEFINITION, post(weight="seventy", internal="maybe"))
    assert content == {"weight": "seventy", "internal": "maybe"}
    with pytest.raises(CareError) as refused:
        clean_content(DEFINITION, content)
    assert refused.value.field == "weight"


def test_it_ignores_cells_of_columns_the_table_does_not_have():
    content = content_from_post(DEFINITION, post(rom__0__joint="Hip", rom__0__colour="red"))
    assert content == {"rom": [{"joint": "Hip"}]}


def test_it_reads_a_revision_only_when_it_is_a_number():
    assert revision_from_post(post(revision="12")) == 12
    assert revision_from_post(post(revision="-1")) is None
    assert revision_from_post(post()) is None


def test_it_reads_an_autosave_body():
    body = json.dumps({"revision": 4, "content": {"onset": "Monday"}}).encode()
    assert save_body(body) == (4, {"onset": "Monday"})


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"content": {}}',
        b'{"revision": true, "content": {}}',
        b'{"revision": -1, "content": {}}',
        b'{"revision": 1, "content": "text"}',
        b"\xff\xfe",
    ],
)
def test_it_refuses_an_autosave_body_of_the_wrong_shape(body):
    with pytest.raises(SaveBodyError) as refused:
        save_body(body)
    assert refused.value.status == 400


def test_it_refuses_a_body_larger_than_any_note():
    with pytest.raises(SaveBodyError) as refused:
        save_body(b"x" * 300_000)
    assert refused.value.status == 413


def test_it_shows_a_table_with_one_empty_row_below_the_filled_ones_up_to_its_most():
    sections = editor_sections(DEFINITION, {"rom": [{"joint": "Knee"}]})
    rom = sections[1].fields[-1]
    assert [[cell.value for cell in row] for row in rom.rows] == [["Knee", ""], ["", ""]]
    assert rom.rows[1][0].name == "rom-1-joint"
    full = editor_sections(DEFINITION, {"rom": [{"joint": str(n)} for n in range(3)]})
    assert len(full[1].fields[-1].rows) == 3


def test_it_shows_a_refusal_beside_its_field():
    sections = editor_sections(DEFINITION, {"weight": "seventy"}, errors={"weight": "a number"})
    weight = sections[1].fields[0]
    assert (weight.text, weight.error) == ("seventy", "a number")
    assert weight.template == "web/care/fields/number.html"


def test_it_describes_a_body_chart_in_words():
    sections = editor_sections(DEFINITION, {"chart": [{"region": "knee_left", "mark": "pain"}]})
    assert sections[0].fields[-1].marks_text == "Pain: Left knee"


def test_it_starts_a_chart_of_areas_treated_on_the_treated_mark():
    symptoms = editor_sections(DEFINITION, {})[0].fields[-1]
    assert symptoms.first_mark == "pain"
    treated = definition_from_data(
        {
            "sections": [
                {
                    "code": "t",
                    "title": "Treatment",
                    "fields": [{"code": "areas", "label": "Areas treated", "kind": "body_chart"}],
                }
            ]
        }
    )
    assert editor_sections(treated, {})[0].fields[0].first_mark == "treated"
