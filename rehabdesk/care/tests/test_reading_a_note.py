"""A note reads in words, in its template's order, showing only what was written."""

from __future__ import annotations

import pytest

from rehabdesk.care.content import clean_content
from rehabdesk.care.definition import definition_from_data
from rehabdesk.care.reading import Entry, SectionText, content_sections, field_text
from rehabdesk.care.tests.test_shipped_templates import NAMES, definition_of, sample

DEFINITION = definition_from_data(
    {
        "sections": [
            {
                "code": "subjective",
                "title": "Subjective",
                "fields": [
                    {"code": "complaint", "label": "Chief complaint", "kind": "text"},
                    {"code": "nprs_now", "label": "Pain now (NPRS)", "kind": "scale"},
                    {"code": "where", "label": "Where", "kind": "body_chart"},
                    {
                        "code": "pattern",
                        "label": "24-hour pattern",
                        "kind": "choice",
                        "options": [["am", "Worse in the morning"], ["pm", "Worse at night"]],
                    },
                ],
            },
            {
                "code": "objective",
                "title": "Objective",
                "fields": [
                    {
                        "code": "rom",
                        "label": "Range of motion",
                        "kind": "table",
                        "columns": [
                            {"code": "joint", "label": "Joint", "kind": "line"},
                            {"code": "movement", "label": "Movement", "kind": "line"},
                            {
                                "code": "side",
                                "label": "Side",
                                "kind": "choice",
                                "options": [["left", "left"], ["right", "right"]],
                            },
                            {
                                "code": "active",
                                "label": "Active",
                                "kind": "number",
                                "min": 0,
                                "max": 360,
                                "unit": "°",
                            },
                            {
                                "code": "passive",
                                "label": "Passive",
                                "kind": "number",
                                "min": 0,
                                "max": 360,
                                "unit": "°",
                            },
                        ],
                    },
                    {
                        "code": "weight",
                        "label": "Weight",
                        "kind": "number",
                        "min": 0,
                        "max": 400,
                        "unit": "kg",
                    },
                ],
            },
            {
                "code": "plan",
                "title": "Plan",
                "fields": [
                    {
                        "code": "techniques",
                        "label": "Techniques",
                        "kind": "choices",
                        "options": [
                            ["swedish", "Swedish massage"],
                            ["trigger", "Trigger point release"],
                            ["stretch", "Assisted stretching"],
                        ],
                    },
                    {"code": "internal", "label": "Internal examination", "kind": "yes_no"},
                    {"code": "next", "label": "Next visit", "kind": "line"},
                ],
            },
        ]
    }
)


def test_it_reads_every_kind_of_value_in_words_in_the_templates_order():
    content = {
        "next": "One week",
        "internal": False,
        "techniques": ["swedish", "stretch"],
        "weight": 72.5,
        "rom": [
            {"joint": "Shoulder", "movement": "flexion", "side": "left", "active": 120},
            {"joint": "Shoulder", "movement": "abduction", "active": 90, "passive": 135},
        ],
        "pattern": "pm",
        "where": [
            {"region": "low_back", "mark": "pain"},
            {"region": "hip_left", "mark": "pain"},
        ],
        "nprs_now": 6,
        "complaint": "Low back pain\nsince lifting a box",
    }
    assert content_sections(DEFINITION, content) == [
        SectionText(
            "Subjective",
            [
                Entry("Chief complaint", "Low back pain\nsince lifting a box"),
                Entry("Pain now (NPRS)", "6/10"),
                Entry("Where", "Pain: Low back, Left hip"),
                Entry("24-hour pattern", "Worse at night"),
            ],
        ),
        SectionText(
            "Objective",
            [
                Entry(
                    "Range of motion",
                    "Shoulder, flexion, left: active 120°\n"
                    "Shoulder, abduction: active 90°, passive 135°",
                ),
                Entry("Weight", "72.5 kg"),
            ],
        ),
        SectionText(
            "Plan",
            [
                Entry("Techniques", "Swedish massage, Assisted stretching"),
                Entry("Internal examination", "No"),
                Entry("Next visit", "One week"),
            ],
        ),
    ]


def test_it_leaves_out_sections_with_nothing_written():
    sections = content_sections(DEFINITION, {"next": "Two weeks"})
    assert sections == [SectionText("Plan", [Entry("Next visit", "Two weeks")])]


def test_it_reads_an_empty_note_as_nothing():
    assert content_sections(DEFINITION, {}) == []


def test_it_unpacks_as_title_and_label_text_pairs():
    ((title, [(label, text)]),) = content_sections(DEFINITION, {"internal": True})
    assert (title, label, text) == ("Plan", "Internal examination", "Yes")


def test_it_reads_a_row_of_measures_only_and_a_row_of_names_only():
    rom = DEFINITION.field("rom")
    assert rom is not None
    assert field_text(rom, [{"active": 45}, {"joint": "Hip"}]) == "active 45°\nHip"


def test_it_shows_an_option_no_longer_offered_by_its_code():
    pattern = DEFINITION.field("pattern")
    assert pattern is not None
    assert field_text(pattern, "noon") == "noon"


@pytest.mark.parametrize("name", NAMES)
def test_it_reads_every_field_of_each_shipped_template_in_its_order(name):
    definition = definition_of(name)
    content = clean_content(definition, {f.code: sample(f) for f in definition.fields})
    sections = content_sections(definition, content)
    assert [title for title, _ in sections] == [s.title for s in definition.sections]
    read = [label for _, entries in sections for label, _ in entries]
    assert read == [field.label for field in definition.fields]
    assert all(text.strip() for _, entries in sections for _, text in entries)


def test_it_reads_a_shipped_range_of_motion_row_as_a_sentence():
    definition = definition_of("physio-initial.toml")
    rom = definition.field("rom")
    assert rom is not None
    row = {
        "joint": "Shoulder",
        "movement": "Flexion",
        "side": "left",
        "active": 120,
        "passive": 135,
    }
    assert field_text(rom, [row]) == "Shoulder, Flexion, Left: active 120°, passive 135°"
