"""The guidance engine in pure Python: versioned rule files, red flags, contraindication
cautions and the "physiotherapy or massage therapy?" recommendation.

Nothing here imports Django or any Rehabdesk app (an import-linter contract in
`make lint` enforces it). The rules are data (rehabdesk/guidance/rulesets/v<N>.toml);
docs/algorithms/guidance.md is the specification.
"""

from rehabdesk.guidance.rules.errors import (
    AnswersIncomplete,
    RuleSetError,
    RuleSetInvalid,
    UnknownRuleSet,
)
from rehabdesk.guidance.rules.evaluate import check_answers, evaluate, screen
from rehabdesk.guidance.rules.loader import available_versions, load_ruleset, parse_ruleset
from rehabdesk.guidance.rules.types import (
    HANDS_ON,
    Answer,
    Answers,
    Caution,
    CautionLevel,
    CautionRule,
    Choice,
    Guidance,
    Level,
    Modality,
    Pathway,
    Problem,
    ProblemKind,
    Question,
    QuestionKind,
    Reason,
    Recommendation,
    RedFlag,
    RedFlagRule,
    RuleSet,
    Screen,
    Step,
    Treatment,
    TreatmentSpec,
)

__all__ = [
    "HANDS_ON",
    "Answer",
    "Answers",
    "AnswersIncomplete",
    "Caution",
    "CautionLevel",
    "CautionRule",
    "Choice",
    "Guidance",
    "Level",
    "Modality",
    "Pathway",
    "Problem",
    "ProblemKind",
    "Question",
    "QuestionKind",
    "Reason",
    "Recommendation",
    "RedFlag",
    "RedFlagRule",
    "RuleSet",
    "RuleSetError",
    "RuleSetInvalid",
    "Screen",
    "Step",
    "Treatment",
    "TreatmentSpec",
    "UnknownRuleSet",
    "available_versions",
    "check_answers",
    "evaluate",
    "load_ruleset",
    "parse_ruleset",
    "screen",
]
