"""An outcome measure as a form (web/measure_forms.py): our words for NPRS, PSFS and
GROC, the clinic's for the licensed instruments (or none: the page says so), and a POST
read back item by item — a number outside the item's range, not a number, an activity
rated and not named — with the service's "too few answered" shown on every unanswered
question."""

from __future__ import annotations

from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.web.measure_forms import NOT_ANSWERED, measure_form, read_answers, with_refusal

ODI_WORDING = [
    {"text": f"Section {n}", "answers": [f"Statement {n}.{a}" for a in range(6)]}
    for n in range(1, 11)
]


def test_the_pain_rating_is_a_grid_of_numbers_with_its_anchors():
    form = measure_form(instrument="nprs", wording=None)
    [item] = form.items
    assert item.question == "How much pain do you have right now?"
    assert item.numbers
    assert [c.value for c in item.choices] == list(range(11))
    assert item.anchors == "0 = No pain · 10 = The worst pain you can imagine"
    assert not form.wording_missing
    assert form.contexts == ()  # patients are asked about "now"


def test_the_practitioner_chooses_the_period_a_pain_rating_is_for():
    form = measure_form(instrument="nprs", wording=None, contexts=True)
    assert form.contexts[0] == ("now", "Right now: “How much pain do you have right now?”")
    assert form.items[0].question == "The patient's answer"
    assert len(form.contexts) == 4
    assert form.context == "now"
    answered = read_answers(form, {"1": "4", "context": "24h_worst"})
    assert answered.valid
    assert answered.context == "24h_worst"
    refused = read_answers(form, {"1": "4", "context": "last year"})
    assert refused.form.errors == (("context", "Choose what the rating is about."),)


def test_the_global_rating_lists_every_answer_in_words_with_its_sign():
    [item] = measure_form(instrument="groc", wording=None).items
    assert not item.numbers
    labels = [c.label for c in item.choices]
    assert labels[0] == "-7 Far, far worse"
    assert labels[7] == "0 No change"
    assert labels[-1] == "+7 Far, far better"


def test_a_licensed_instrument_without_the_clinics_words_cannot_be_shown_to_a_patient():
    assert measure_form(instrument="odi", wording=None).wording_missing
    assert measure_form(instrument="odi", wording=ODI_WORDING[:4]).wording_missing


def test_the_practitioner_enters_a_licensed_instrument_by_item_number_without_its_words():
    form = measure_form(instrument="quickdash", wording=None, by_number=True)
    assert not form.wording_missing
    assert [i.key for i in form.items][:3] == ["1", "2", "3"]
    assert len(form.items) == 19  # 11 items and the two optional modules' 4 each
    headings = [heading for heading, _ in form.sections]
    assert headings[0] == ""
    assert headings[1].startswith("Work (optional")
    assert all(i.optional for i in form.items if i.module)


def test_a_licensed_instrument_reads_the_clinics_words():
    form = measure_form(instrument="odi", wording=ODI_WORDING)
    first = form.items[0]
    assert first.question == "Section 1"
    assert [c.label for c in first.choices] == [f"Statement 1.{a}" for a in range(6)]
    assert [c.value for c in first.choices] == list(range(6))
    assert not first.numbers


def test_an_answer_outside_its_items_range_or_not_a_number_is_marked_on_its_item():
    form = measure_form(instrument="odi", wording=ODI_WORDING)
    data = {str(n): "2" for n in range(1, 11)} | {"3": "6", "7": "two"}
    answered = read_answers(form, data)
    assert not answered.valid
    errors = dict(answered.form.errors)
    assert errors == {"3": "Pick an answer from 0 to 5.", "7": "Pick one of the answers shown."}
    assert answered.answers["3"] is None
    assert answered.form.items[0].value == 2  # the rest kept as answered


def test_too_few_answers_mark_every_unanswered_question():
    form = measure_form(instrument="odi", wording=ODI_WORDING)
    answered = read_answers(form, {str(n): "1" for n in range(1, 9)})
    assert answered.valid  # whether eight are enough is the scoring's rule
    refusal = OutcomeError(OutcomeErrorCode.MISSING_ITEM, "Answer at least 9.", field="9")
    again = with_refusal(answered, refusal)
    assert again.errors[0] == ("", "Answer at least 9.")
    assert {key for key, _ in again.errors[1:]} == {"9", "10"}
    assert all(i.error == NOT_ANSWERED for i in again.items if i.key in {"9", "10"})


def test_an_out_of_range_refusal_is_shown_on_its_item():
    form = measure_form(instrument="nprs", wording=None)
    answered = read_answers(form, {"1": "3"})
    refusal = OutcomeError(OutcomeErrorCode.OUT_OF_RANGE, "From 0 to 10.", field="1")
    again = with_refusal(answered, refusal)
    assert again.errors == (("1", "From 0 to 10."),)


def test_the_first_psfs_names_the_activities_and_rates_them():
    form = measure_form(instrument="psfs", wording=None)
    assert len(form.items) == 5
    assert all(i.names_activity for i in form.items)
    answered = read_answers(
        form,
        {"activity-1": "  Climbing   stairs ", "1": "3", "activity-2": "Lifting my son", "2": "5"},
    )
    assert answered.valid
    assert answered.answers == {"1": 3, "2": 5, "3": None, "4": None, "5": None}
    assert answered.activities == {"1": "Climbing stairs", "2": "Lifting my son"}


def test_an_activity_rated_but_not_named_or_named_but_not_rated_is_marked():
    form = measure_form(instrument="psfs", wording=None)
    answered = read_answers(form, {"1": "3", "activity-2": "Running"})
    assert dict(answered.form.errors) == {
        "1": "Name the activity you rated.",
        "2": "Rate this activity from 0 to 10.",
    }


def test_a_psfs_with_nothing_rated_asks_for_one_activity():
    answered = read_answers(measure_form(instrument="psfs", wording=None), {})
    assert dict(answered.form.errors) == {"1": "Name at least one activity and rate it."}


def test_an_overlong_activity_is_marked():
    form = measure_form(instrument="psfs", wording=None)
    answered = read_answers(form, {"activity-1": "x" * 200, "1": "4"})
    assert dict(answered.form.errors) == {"1": "Keep it under 120 characters."}


def test_later_psfs_re_rate_the_activities_named_the_first_time():
    form = measure_form(
        instrument="psfs", wording=None, activities={"1": "Climbing stairs", "3": "Gardening"}
    )
    assert [(i.key, i.activity, i.names_activity) for i in form.items] == [
        ("1", "Climbing stairs", False),
        ("3", "Gardening", False),
    ]
    answered = read_answers(form, {"1": "6", "3": "8", "activity-1": "Something else"})
    assert answered.valid
    assert answered.answers == {"1": 6, "3": 8}
    # The words stay those named the first time: only the ratings are new.
    assert answered.activities == {"1": "Climbing stairs", "3": "Gardening"}
    assert form.instrument is Instrument.PSFS
