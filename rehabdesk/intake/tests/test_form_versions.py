"""Published intake forms never change: each file's SHA-256 is pinned here. A change
is a new version (forms/v2.toml, and its line below), never an edit."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from rehabdesk.intake.form import Kind, UnknownForm, load_form, published_versions

PUBLISHED = {
    1: "d83a20c9248eeb2ea61b1b7294d86e5097f2b7d34b31bbb24a989477ef2edd3f",
}
RULESET_V1_CODES = {
    "rf_bladder_bowel",
    "rf_saddle_numbness",
    "rf_legs_weakening",
    "rf_stroke_signs",
    "rf_chest_breath",
    "rf_belly_back_sudden",
    "rf_calf_swollen",
    "rf_fever",
    "rf_major_trauma",
    "rf_fall_fragile_bones",
    "rf_weight_loss",
    "rf_night_pain",
    "rf_cancer_history",
    "reason",
    "onset_weeks",
    "cause",
    "pain_now",
    "wants_needles",
    "pregnant",
    "pregnancy_high_risk",
    "pacemaker",
    "metal_implant",
    "anticoagulants",
    "clot",
    "skin_open",
    "cancer_treatment",
    "osteoporosis",
    "epilepsy",
    "diabetes_neuropathy",
    "high_blood_pressure_uncontrolled",
    "contagious",
}


def test_it_keeps_every_published_version_byte_for_byte():
    assert set(published_versions()) == set(PUBLISHED), "a new version needs its line here"
    for version, digest in PUBLISHED.items():
        data = (resources.files("rehabdesk.intake") / "forms" / f"v{version}.toml").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"forms/v{version}.toml changed"


def test_it_ships_the_forms_with_the_package():
    pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
    package_data = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]
    assert "forms/*.toml" in package_data["rehabdesk.intake"]


def test_it_loads_the_latest_version_by_default_and_refuses_an_unknown_one():
    assert load_form().version == max(PUBLISHED)
    assert load_form(1).version == 1
    with pytest.raises(UnknownForm):
        load_form(99)


def test_it_asks_the_guidance_rule_sets_questions_under_their_own_codes():
    form = load_form(1)
    assert form.codes >= RULESET_V1_CODES
    for code in RULESET_V1_CODES:
        question = form.question(code)
        assert question is not None
        if code.startswith("rf_") or form.section("screen").questions.count(question):
            assert question.kind == Kind.YES_NO
    assert {q.code for q in form.section("red_flags").questions} == {
        code for code in RULESET_V1_CODES if code.startswith("rf_")
    }


def test_every_question_code_is_unique_and_every_kind_is_used():
    form = load_form(1)
    codes = [q.code for s in form.sections for q in s.questions]
    assert len(codes) == len(set(codes))
    assert {q.kind for s in form.sections for q in s.questions} == set(Kind)
    for section in form.sections:
        for question in section.questions:
            for code in question.shown_when:
                assert form.question(code) is not None, f"{question.code} depends on {code}"
            if question.kind in {Kind.CHOICE, Kind.MULTI_CHOICE, Kind.YES_NO}:
                assert question.choices
            if question.kind == Kind.NUMBER:
                assert question.minimum is not None
                assert question.maximum is not None


def test_it_asks_about_allergies_to_massage_oils_and_latex_implants_and_pregnancy():
    form = load_form(1)
    for code in (
        "allergy_oils",
        "allergy_latex",
        "implants",
        "pregnant",
        "medications",
        "surgeries",
        "conditions",
        "goals",
        "heard_from",
        "insurance",
        "emergency_phone",
        "body_areas",
        "mechanism",
    ):
        assert form.question(code) is not None, code
