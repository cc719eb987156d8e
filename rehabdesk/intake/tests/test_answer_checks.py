"""Each kind of answer is checked for what it is, with a message a patient can act on;
a section with any problem keeps nothing (the service refuses it whole)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabdesk.intake.errors import IntakeError
from rehabdesk.intake.form import clean_answer, clean_section, load_form, missing
from rehabdesk.intake.testing import ANSWERS

TODAY = date(2026, 12, 5)
FORM = load_form(1)


def q(code):
    question = FORM.question(code)
    assert question is not None
    return question


def check(code, raw):
    return clean_answer(q(code), raw, today=TODAY)


def refused(code, raw) -> str:
    with pytest.raises(ValueError, match=".") as error:
        check(code, raw)
    return str(error.value)


@pytest.mark.parametrize("value", ["yes", "no", "not_sure"])
def test_it_takes_yes_no_and_not_sure(value):
    assert check("rf_fever", value) == value


def test_it_refuses_an_answer_not_offered():
    assert "one of the answers offered" in refused("rf_fever", "maybe")
    assert "one of the answers offered" in refused("reason", "knitting")


def test_it_takes_a_choice_by_its_code():
    assert check("reason", "back_neck") == "back_neck"


def test_it_keeps_multiple_choices_in_the_forms_order_once_each():
    assert check("body_areas", ["neck", "lower_back", "neck"]) == ["neck", "lower_back"]
    assert check("body_areas", []) is None
    assert "answers offered" in refused("body_areas", ["neck", "tail"])


def test_it_refuses_none_of_these_together_with_a_condition():
    assert check("conditions", ["none"]) == ["none"]
    assert "cannot go with other answers" in refused("conditions", ["none", "heart"])


@pytest.mark.parametrize(("raw", "kept"), [("0", 0), ("10", 10), (" 7 ", 7), (3, 3)])
def test_it_takes_whole_numbers_within_bounds(raw, kept):
    assert check("pain_now", raw) == kept


@pytest.mark.parametrize("raw", ["11", "-1", "9999999"])
def test_it_refuses_numbers_out_of_bounds(raw):
    assert "from 0 to 10" in refused("pain_now", raw) or "whole number" in refused("pain_now", raw)


@pytest.mark.parametrize("raw", ["4.5", "four", "1e3", "0x10"])
def test_it_refuses_what_is_not_a_whole_number(raw):
    assert "whole number" in refused("pain_now", raw)


def test_it_takes_dates_in_iso_form_and_keeps_them_so():
    assert check("onset_date", "2026-11-30") == "2026-11-30"
    assert "year-month-day" in refused("onset_date", "30/11/2026")
    assert "year-month-day" in refused("onset_date", "2026-02-30")


def test_it_refuses_a_start_in_the_future_and_a_due_date_in_the_past():
    assert "not in the future" in refused("onset_date", "2026-12-06")
    assert "not in the future" in refused("onset_date", "1899-12-31")
    assert check("due_date", "2027-03-01") == "2027-03-01"
    assert "within the coming year" in refused("due_date", "2026-12-04")
    assert "within the coming year" in refused("due_date", "2028-12-04")


def test_it_takes_an_email_address_in_lower_case():
    assert check("contact_email", " Alice@Example.COM ") == "alice@example.com"
    assert "e-mail address" in refused("contact_email", "alice at example")


@pytest.mark.parametrize("raw", ["905-555-0123", "+1 (905) 555-0123", "905.555.0123 ext. 12"])
def test_it_takes_phone_numbers_as_people_write_them(raw):
    assert check("contact_phone", raw) == raw


@pytest.mark.parametrize("raw", ["call me", "12", "905-555-0123; drop table"])
def test_it_refuses_what_is_not_a_phone_number(raw):
    assert "phone number" in refused("contact_phone", raw)


def test_it_bounds_texts_and_refuses_control_characters():
    assert check("reason_detail", "  Sore back.  ") == "Sore back."
    assert check("reason_detail", "   ") is None
    assert "under 2000" in refused("reason_detail", "x" * 2001)
    assert "under 200" in refused("emergency_name", "x" * 201)
    assert "ordinary letters" in refused("reason_detail", "nul\x00byte")


def test_it_refuses_a_value_of_the_wrong_shape():
    assert "could not be read" in refused("reason_detail", {"a": 1})
    assert "could not be read" in refused("body_areas", [1, 2])
    assert "could not be read" in refused("pain_now", True)


def test_a_section_reports_every_problem_at_once_and_keeps_nothing():
    section = FORM.section("reason")
    raw = {**ANSWERS["reason"], "pain_now": "11", "reason": "", "onset_weeks": "x"}
    with pytest.raises(IntakeError) as error:
        clean_section(FORM, section, raw, earlier={}, today=TODAY, partial=False)
    codes = {problem.code for problem in error.value.problems}
    assert codes == {"pain_now", "reason", "onset_weeks"}
    assert error.value.field == "reason" or error.value.field in codes


def test_a_draft_saved_to_finish_later_may_leave_required_questions_blank():
    section = FORM.section("reason")
    kept = clean_section(FORM, section, {"reason": "injury"}, earlier={}, today=TODAY, partial=True)
    assert kept == {"reason": "injury"}
    with pytest.raises(IntakeError):
        clean_section(FORM, section, {"reason": "injury"}, earlier={}, today=TODAY, partial=False)


def test_a_later_question_is_asked_only_when_its_condition_is_met():
    screen = FORM.section("screen")
    pregnant = {**ANSWERS["screen"], "pregnant": "yes"}
    with pytest.raises(IntakeError) as error:
        clean_section(FORM, screen, pregnant, earlier={}, today=TODAY, partial=False)
    assert [p.code for p in error.value.problems] == ["pregnancy_high_risk"]
    kept = clean_section(
        FORM,
        screen,
        {**pregnant, "pregnancy_high_risk": "no"},
        earlier={},
        today=TODAY,
        partial=False,
    )
    assert kept["pregnancy_high_risk"] == "no"


def test_a_contradiction_is_sent_back_and_a_harmless_no_dropped():
    screen = FORM.section("screen")
    contradictory = {**ANSWERS["screen"], "pregnancy_high_risk": "yes"}
    with pytest.raises(IntakeError) as error:
        clean_section(FORM, screen, contradictory, earlier={}, today=TODAY, partial=False)
    assert error.value.problems[0].code == "pregnancy_high_risk"
    assert "does not fit your answer" in error.value.problems[0].message
    harmless = {**ANSWERS["screen"], "pregnancy_high_risk": "no"}
    kept = clean_section(FORM, screen, harmless, earlier={}, today=TODAY, partial=False)
    assert "pregnancy_high_risk" not in kept


def test_it_refuses_a_question_of_another_page():
    with pytest.raises(IntakeError):
        clean_section(
            FORM,
            FORM.section("goals"),
            {"rf_fever": "yes"},
            earlier={},
            today=TODAY,
            partial=True,
        )


def test_it_lists_the_sections_with_required_questions_unanswered():
    everything = {}
    for section in FORM.sections:
        everything.update(
            clean_section(
                FORM, section, ANSWERS[section.code], earlier=everything, today=TODAY, partial=False
            )
        )
    assert missing(FORM, everything) == {}
    del everything["rf_fever"]
    assert missing(FORM, everything) == {"red_flags": ["rf_fever"]}
    assert set(missing(FORM, {})) == {s.code for s in FORM.sections}


@given(st.text(max_size=300))
def test_any_text_is_either_kept_as_a_bounded_clean_string_or_refused_with_a_reason(text):
    for code in (
        "reason_detail",
        "emergency_name",
        "contact_phone",
        "contact_email",
        "pain_now",
        "onset_date",
        "rf_fever",
    ):
        try:
            kept = check(code, text)
        except ValueError as problem:
            reason = str(problem)
            assert reason.startswith("Please") or "could not" in reason
        else:
            assert kept is None or isinstance(kept, str | int)
            if isinstance(kept, str):
                assert "\x00" not in kept
                assert len(kept) <= 2000
