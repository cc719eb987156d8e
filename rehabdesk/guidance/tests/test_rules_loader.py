"""The loader reads a rule file whole and refuses one it cannot trust, naming the fault;
the condition language does what docs/algorithms/guidance.md says."""

import pytest

from rehabdesk.guidance.rules import RuleSetInvalid, load_ruleset, parse_ruleset
from rehabdesk.guidance.rules.conditions import compile_condition
from rehabdesk.guidance.rules.loader import ruleset_bytes
from rehabdesk.guidance.rules.types import HANDS_ON

V1 = ruleset_bytes(1).decode()
RULESET = load_ruleset(1)
QUESTIONS = {question.code: question for question in RULESET.questions}


def condition(source):
    return compile_condition(source, QUESTIONS, "test")


def test_it_reads_v1_whole():
    assert len(RULESET.questions) == 31
    assert [q.code for q in RULESET.step_questions("reason")] == [
        "reason",
        "onset_weeks",
        "cause",
        "pain_now",
        "wants_needles",
    ]
    onset = RULESET.question("onset_weeks")
    assert (onset.kind, onset.min, onset.max) == ("number", 0, 520)
    assert [c.code for c in RULESET.question("rf_fever").choices] == ["yes", "no", "not_sure"]
    assert RULESET.step_texts["red_flags"].title
    assert RULESET.treatment("acupuncture").add_on


def test_it_knows_which_modalities_each_service_of_the_demo_uses():
    assert RULESET.service_modalities("massage-therapy", "massage-therapy-60-minutes") == {
        "massage",
        "deep_pressure",
        "heat",
    }
    assert RULESET.service_modalities("electrotherapy", "electrotherapy") >= {"electrotherapy"}
    assert RULESET.service_modalities("acupuncture", "acupuncture-treatment") == {"needling"}
    assert "internal_pelvic" in RULESET.service_modalities(
        "pelvic-floor-rehabilitation", "pelvic-floor-rehabilitation-assessment"
    )
    assert RULESET.service_modalities("physiotherapy", "active-rehabilitation-in-the-gym") == {
        "exercise"
    }


def test_it_assumes_every_hands_on_modality_for_a_service_it_cannot_place():
    assert RULESET.service_modalities(None, "hot-stone-massage") == HANDS_ON
    assert RULESET.service_modalities("yoga", "yoga-class") == HANDS_ON


def test_it_offers_only_services_of_the_demo_clinic():
    """The file names the demo clinic's services by slug (clinic/loading.py slugifies
    each name): a renamed demo service must fail here, not on a visitor's result page."""
    from django.utils.text import slugify

    from rehabdesk.demo.clinic import SERVICE_GROUPS, SERVICES

    demo = {slugify(service.name): service.group for service in SERVICES}
    offered = {slug for spec in RULESET.treatments for slug in spec.services}
    assert offered <= set(demo)
    assert set(RULESET.service_overrides) <= set(demo)
    assert set(RULESET.group_modalities) == {group.slug for group in SERVICE_GROUPS}
    assert set(demo.values()) <= set(RULESET.group_modalities)


@pytest.mark.parametrize(
    ("old", "new", "fault"),
    [
        ("version = 1", 'version = "one"', "version"),
        ('level = "emergency"', 'level = "book"', "never says book"),
        ('level = "emergency"', 'level = "urgent"', "level"),
        (
            '{ answer = "rf_stroke_signs", equals = "yes" }',
            '{ answer = "rf_stroke", equals = "yes" }',
            "rf_stroke",
        ),
        (
            '{ answer = "rf_stroke_signs", equals = "yes" }',
            '{ answer = "rf_stroke_signs", equals = "maybe" }',
            "never takes",
        ),
        (
            '{ answer = "rf_stroke_signs", equals = "yes" }',
            '{ answer = "rf_stroke_signs", lt = 3 }',
            "compares a number",
        ),
        (
            '{ answer = "rf_stroke_signs", equals = "yes" }',
            '{ answer = "rf_stroke_signs" }',
            "exactly one",
        ),
        ('{ answer = "rf_stroke_signs", equals = "yes" }', "{ every = [] }", "not a condition"),
        ('{ answer = "rf_stroke_signs", equals = "yes" }', "{ any = [] }", "non-empty list"),
        (
            'modalities = ["electrotherapy"]\nreason = "Pacemaker',
            'modalities = ["laser"]\nreason = "Pacemaker',
            "laser",
        ),
        ('treatment = "massage_therapy"', 'treatment = "reiki"', "reiki"),
        ("points = 4", "points = 0", "points"),
        ('step = "screen"', 'step = "billing"', "no step"),
        ("min = 0\nmax = 10", "min = 10\nmax = 0", "min <= max"),
        (
            'services = ["physiotherapy-initial-assessment", "pelvic-floor-rehabilitation-'
            'assessment"]',
            'services = ["yoga"]',
            "yoga",
        ),
        ('rule = "night_pain"', 'rule = "weight_loss"', "listed twice"),
        ("at_least = 2", "at_least = 4", "at_least"),
        (
            'treatment = "physiotherapy"\nservices = ["physiotherapy-initial-assessment"]\ntext',
            'treatment = "acupuncture"\nservices = []\ntext',
            "not a main treatment",
        ),
        (
            'services = ["physiotherapy-initial-assessment"]\ntext = "What you asked',
            'services = ["massage-therapy-60-minutes"]\ntext = "What you asked',
            "services must be services of physiotherapy",
        ),
    ],
)
def test_it_refuses_a_rule_file_with_a_fault_and_names_it(old, new, fault):
    assert old in V1
    with pytest.raises(RuleSetInvalid, match=fault):
        parse_ruleset(V1.replace(old, new, 1).encode())


def test_it_refuses_a_file_that_is_not_toml():
    with pytest.raises(RuleSetInvalid, match="unreadable"):
        parse_ruleset(b"version = = 1")
    with pytest.raises(RuleSetInvalid, match="unreadable"):
        parse_ruleset(b"\xff\xfe")


def test_it_gives_the_codes_that_made_a_condition_true():
    either = condition(
        {"any": [{"answer": "rf_fever", "equals": "yes"}, {"answer": "clot", "equals": "yes"}]}
    )
    assert either({"rf_fever": "yes", "clot": "yes"}) == {"rf_fever", "clot"}
    assert either({"rf_fever": "yes", "clot": "no"}) == {"rf_fever"}
    assert either({"rf_fever": "no"}) is None
    assert either({}) is None


def test_it_needs_every_part_of_all_and_enough_of_at_least():
    both = condition(
        {"all": [{"answer": "reason", "equals": "injury"}, {"answer": "onset_weeks", "lt": 6}]}
    )
    assert both({"reason": "injury", "onset_weeks": 5}) == {"reason", "onset_weeks"}
    assert both({"reason": "injury", "onset_weeks": 6}) is None
    assert both({"reason": "injury"}) is None
    two = condition(
        {
            "at_least": 2,
            "of": [
                {"answer": "rf_weight_loss", "equals": "yes"},
                {"answer": "rf_night_pain", "equals": "yes"},
                {"answer": "rf_cancer_history", "equals": "yes"},
            ],
        }
    )
    assert two({"rf_weight_loss": "yes"}) is None
    assert two({"rf_weight_loss": "yes", "rf_cancer_history": "yes"}) == {
        "rf_weight_loss",
        "rf_cancer_history",
    }


@pytest.mark.parametrize(
    ("test", "true_for", "false_for"),
    [
        ({"lt": 6}, 5, 6),
        ({"lte": 6}, 6, 7),
        ({"gt": 6}, 7, 6),
        ({"gte": 6}, 6, 5),
    ],
)
def test_it_compares_numbers(test, true_for, false_for):
    compare = condition({"answer": "onset_weeks", **test})
    assert compare({"onset_weeks": true_for}) == {"onset_weeks"}
    assert compare({"onset_weeks": false_for}) is None
    assert compare({"onset_weeks": True}) is None
    assert compare({}) is None


def test_it_tests_membership_negation_and_whether_answered():
    member = condition({"answer": "reason", "in": ["injury", "surgery"]})
    assert member({"reason": "surgery"}) == {"reason"}
    assert member({"reason": "tension"}) is None
    negated = condition({"not": {"answer": "pregnant", "equals": "yes"}})
    assert negated({"pregnant": "no"}) == frozenset()
    assert negated({}) == frozenset()
    assert negated({"pregnant": "yes"}) is None
    answered = condition({"answer": "pregnant", "answered": True})
    assert answered({"pregnant": "no"}) == {"pregnant"}
    assert answered({}) is None
    assert condition({"answer": "pregnant", "answered": False})({}) == frozenset()


def test_it_reads_every_red_flag_question_in_a_red_flag_rule():
    read = {code for rule in RULESET.red_flag_rules for code in rule.when.codes}
    assert {q.code for q in RULESET.step_questions("red_flags")} <= read


def test_it_reads_every_health_question_in_a_caution_rule():
    read = {code for rule in RULESET.caution_rules for code in rule.when.codes}
    assert {q.code for q in RULESET.step_questions("screen")} <= read


def test_it_gives_every_reason_a_weight():
    reasons = [c.code for c in RULESET.question("reason").choices]
    for reason in reasons:
        answers = {"reason": reason, "onset_weeks": 1, "cause": "other", "pain_now": 0}
        assert any(rule.when(answers) is not None for rule in RULESET.weights), reason


def test_it_keeps_notes_for_clinicians_out_of_what_a_visitor_reads():
    visitor_texts = (
        [q.text for q in RULESET.questions]
        + [q.help for q in RULESET.questions]
        + [rule.patient_text for rule in RULESET.red_flag_rules]
        + [rule.reason for rule in RULESET.caution_rules]
        + [rule.text for rule in RULESET.weights]
        + [rule.text for rule in RULESET.limits]
        + [rule.text for rule in RULESET.pathways]
        + [RULESET.fallback.text]
    )
    for text in visitor_texts:
        assert "UNCONFIRMED" not in text
        assert "design choice" not in text.lower()
    for rule in RULESET.red_flag_rules:
        assert "[S" not in rule.patient_text
