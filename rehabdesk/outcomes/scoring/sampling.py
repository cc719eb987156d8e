"""Random valid answer sets (every one scored): the bench's load and the tests'.
Seeded by the caller, so a run can be repeated."""

from __future__ import annotations

import random

from rehabdesk.outcomes.scoring.instruments import Instrument
from rehabdesk.outcomes.scoring.specs import SPECS


def random_answers(code: str, rng: random.Random) -> dict[str, int | None]:
    """A scoreable answer set: some items left unanswered (never more than the
    instrument allows), a QuickDASH module now and then, 1 to 5 PSFS activities."""
    spec = SPECS[Instrument(code)]
    low, high = spec.low, spec.high
    answers: dict[str, int | None] = {key: rng.randint(low, high) for key in spec.items}
    if spec.instrument is Instrument.PSFS:
        for key in spec.items[rng.randint(1, len(spec.items)) :]:
            del answers[key]
    elif spec.max_missing and rng.random() < 0.2:
        for key in rng.sample(spec.items, rng.randint(1, spec.max_missing)):
            answers[key] = None
    for keys in spec.modules.values():
        if rng.random() < 0.5:
            answers.update((key, rng.randint(low, high)) for key in keys)
    return answers
