"""An outcome measure as a form: the same questions whoever answers them (the patient
from the e-mailed link or the portal, the practitioner entering one in the clinic).

The words are ours for NPRS, PSFS and GROC (outcomes.scoring's wording), the clinic's
licensed ones for ODI, NDI, LEFS and QuickDASH (InstrumentWording). A practitioner may
enter a licensed instrument without them, from the paper form, by item number; a
patient never sees one without its words (the page says the clinic must enter them).

This module reads a POST into the scoring's answers and says what is wrong item by
item (not a number, outside the item's range, an activity rated but not named); which
answers are enough to score is the scoring's rule, told back by the service's refusal
(MISSING_ITEM) and shown here on every unanswered item. HTTP only: nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rehabdesk.core.bounds import has_nul
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.outcomes.scoring.types import Spec

ACTIVITY_LENGTH = 120  # the words of one PSFS activity
NOT_ANSWERED = "Please answer this question."
MODULE_TITLES = {
    "work": "Work (optional: answer all four or none)",
    "sport": "Sports or performing arts (optional: answer all four or none)",
}


@dataclass(frozen=True)
class Choice:
    value: int
    label: str  # the words of a labelled answer, or the number itself


@dataclass(frozen=True)
class Item:
    """One question as the form shows it, with what was answered and what is wrong."""

    key: str
    question: str
    choices: tuple[Choice, ...]
    # Numbers in a grid (the anchors told once, beside it), or a list of labelled answers.
    numbers: bool
    anchors: str = ""
    module: str = ""  # QuickDASH's optional modules
    activity: str | None = None  # PSFS: the activity's words (None: not an activity)
    names_activity: bool = False  # PSFS, first time: the patient writes the words
    value: int | None = None
    error: str = ""

    @property
    def optional(self) -> bool:
        return bool(self.module) or self.activity is not None


@dataclass(frozen=True)
class MeasureForm:
    """The whole form of one instrument."""

    instrument: Instrument
    title: str
    instructions: str
    items: tuple[Item, ...]
    contexts: tuple[tuple[str, str], ...] = ()  # (code, label): the staff pick one
    context: str = ""
    wording_missing: bool = False  # licensed, and the clinic has not entered its words
    by_number: bool = False  # licensed, entered by item number from the paper form
    errors: tuple[tuple[str, str], ...] = field(default=())  # (item key or "", message)

    @property
    def error_keys(self) -> set[str]:
        return {key for key, _ in self.errors}

    @property
    def summary(self) -> list[tuple[str, str, str]]:
        """The errors as the summary above the form lists them: (the item's key, what
        to call it, the message); a message about the whole form has no key."""
        names = {"context": "What the rating is about"}
        for number, item in enumerate(self.items, start=1):
            kind = "Activity" if item.activity is not None else "Question"
            names[item.key] = f"{kind} {number}"
        return [(key, names.get(key, ""), message) for key, message in self.errors]

    @property
    def sections(self) -> list[tuple[str, list[Item]]]:
        """The items under their headings: the main ones, then each optional module."""
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.module, []).append(item)
        return [(MODULE_TITLES.get(module, ""), items) for module, items in grouped.items()]


def measure_form(
    *,
    instrument: str,
    wording: Sequence[Mapping[str, Any]] | None,
    activities: Mapping[str, str] | None = None,
    by_number: bool = False,
    contexts: bool = False,
) -> MeasureForm:
    """The empty form. `wording`: the clinic's licensed items ({"text", "answers"}), or
    None; `activities`: PSFS's baseline activities to re-rate (None or empty: the
    patient names them); `by_number`: a licensed instrument without words may be
    entered by item number (the practitioner, from the paper form); `contexts`: offer
    the rating's period (NPRS) or reference point (GROC) to choose."""
    spec = SPECS[Instrument(instrument)]
    if spec.instrument is Instrument.PSFS:
        items = _psfs_items(spec, activities or {})
    elif spec.wording:
        items = _own_items(spec)
    elif wording and len(wording) >= len(spec.items):
        items = _licensed_items(spec, wording)
    elif by_number:
        items = _numbered_items(spec)
    else:
        return MeasureForm(spec.instrument, spec.instrument.label, "", (), wording_missing=True)
    numbered = spec.licensed_wording and not (wording and len(wording) >= len(spec.items))
    if contexts and spec.contexts:
        # Each period comes with its own question, to read to the patient.
        items = tuple(replace(i, question="The patient's answer") for i in items)
    return MeasureForm(
        instrument=spec.instrument,
        title=spec.instrument.label,
        instructions=spec.instructions,
        items=items,
        contexts=tuple((c.code, f"{c.label}: “{c.question}”") for c in spec.contexts)
        if contexts
        else (),
        context=spec.contexts[0].code if spec.contexts else "",
        by_number=numbered,
    )


def _range(spec: Spec) -> range:
    return range(spec.low, spec.high + 1)


def _anchors(anchors: Sequence[Any]) -> str:
    return " · ".join(f"{a.value} = {a.label}" for a in anchors)


def _own_items(spec: Spec) -> tuple[Item, ...]:
    items = []
    for wording in spec.wording:
        labels = {a.value: a.label for a in wording.anchors}
        every_value_named = all(v in labels for v in _range(spec))
        items.append(
            Item(
                key=wording.key,
                question=wording.question,
                choices=tuple(
                    Choice(v, f"{_signed(v)} {labels[v]}" if spec.low < 0 else labels[v])
                    if every_value_named
                    else Choice(v, str(v))
                    for v in _range(spec)
                ),
                numbers=not every_value_named,
                anchors="" if every_value_named else _anchors(wording.anchors),
            )
        )
    return tuple(items)


def _signed(value: int) -> str:
    """+3, 0, -3 (GROC's answers read with their sign)."""
    return f"{value:+d}" if value else "0"


def _psfs_items(spec: Spec, activities: Mapping[str, str]) -> tuple[Item, ...]:
    wording = {w.key: w for w in spec.wording}
    keys = [k for k in spec.items if activities.get(k)] if activities else list(spec.items)
    return tuple(
        Item(
            key=key,
            question=wording[key].question,
            choices=tuple(Choice(v, str(v)) for v in _range(spec)),
            numbers=True,
            anchors=_anchors(wording[key].anchors),
            activity=activities.get(key, ""),
            names_activity=not activities,
        )
        for key in keys
    )


def _licensed_items(spec: Spec, wording: Sequence[Mapping[str, Any]]) -> tuple[Item, ...]:
    items = []
    for key, entered in zip(spec.all_items, wording, strict=False):
        answers = [str(a) for a in entered.get("answers", [])]
        values = list(_range(spec))
        named = len(answers) == len(values)
        items.append(
            Item(
                key=key,
                question=str(entered.get("text", "")) or f"Item {key}",
                choices=tuple(
                    Choice(v, answers[i] if named else str(v)) for i, v in enumerate(values)
                ),
                numbers=not named,
                module=_module_of(spec, key),
            )
        )
    return tuple(items)


def _numbered_items(spec: Spec) -> tuple[Item, ...]:
    return tuple(
        Item(
            key=key,
            question=f"Item {key}",
            choices=tuple(Choice(v, str(v)) for v in _range(spec)),
            numbers=True,
            anchors=f"{spec.low} to {spec.high}, as on the paper form",
            module=_module_of(spec, key),
        )
        for key in spec.all_items
    )


def _module_of(spec: Spec, key: str) -> str:
    return next((name for name, keys in spec.modules.items() if key in keys), "")


@dataclass(frozen=True)
class Answered:
    """A POST read: the answers in the scoring's format, PSFS's activities' words, the
    context chosen, and the form again with each item's answer and error."""

    form: MeasureForm
    answers: dict[str, int | None]
    activities: dict[str, str]
    context: str

    @property
    def valid(self) -> bool:
        return not self.form.errors


def read_answers(form: MeasureForm, data: Mapping[str, str]) -> Answered:
    """The answers of a POST, each checked to be one of its item's choices."""
    answers: dict[str, int | None] = {}
    activities: dict[str, str] = {}
    items = []
    for item in form.items:
        value, error = _value(item, data.get(item.key, ""))
        words = item.activity or ""
        if item.names_activity:
            words, words_error = _activity_words(data.get(f"activity-{item.key}", ""))
            error = error or words_error
            if value is not None and not words and not error:
                error = "Name the activity you rated."
            elif words and value is None and not error:
                error = "Rate this activity from 0 to 10."
        answers[item.key] = value
        if words:
            activities[item.key] = words
        items.append(replace(item, value=value, error=error, activity=words or item.activity))
    context = data.get("context", form.context)
    errors = [(i.key, i.error) for i in items if i.error]
    if form.contexts and context not in {code for code, _ in form.contexts}:
        errors.append(("context", "Choose what the rating is about."))
    if form.instrument is Instrument.PSFS and not any(v is not None for v in answers.values()):
        items[0] = replace(items[0], error=items[0].error or _none_rated(form))
        errors.append((items[0].key, items[0].error))
    checked = replace(form, items=tuple(items), context=context, errors=tuple(errors))
    return Answered(checked, answers, activities, context)


def _none_rated(form: MeasureForm) -> str:
    if form.items and form.items[0].names_activity:
        return "Name at least one activity and rate it."
    return "Rate at least one of the activities."


def _value(item: Item, raw: str) -> tuple[int | None, str]:
    raw = raw.strip()
    if not raw:
        return None, ""
    try:
        value = int(raw)
    except ValueError:
        return None, "Pick one of the answers shown."
    if value not in {choice.value for choice in item.choices}:
        low, high = item.choices[0].value, item.choices[-1].value
        return None, f"Pick an answer from {low} to {high}."
    return value, ""


def _activity_words(raw: str) -> tuple[str, str]:
    words = " ".join(raw.split())
    if has_nul(raw):
        return "", "Write the activity in plain words."
    if len(words) > ACTIVITY_LENGTH:
        return words[:ACTIVITY_LENGTH], f"Keep it under {ACTIVITY_LENGTH} characters."
    return words, ""


def with_refusal(answered: Answered, refusal: OutcomeError) -> MeasureForm:
    """The form again with the service's refusal beside the items it is about: every
    unanswered one when too few are answered, the item named otherwise."""
    form = answered.form
    named = next((i for i in form.items if i.key == refusal.field), None)
    if refusal.code == OutcomeErrorCode.MISSING_ITEM and not (named and named.optional):
        items = tuple(
            replace(i, error=i.error or NOT_ANSWERED) if i.value is None and not i.optional else i
            for i in form.items
        )
    elif refusal.field:
        items = tuple(
            replace(i, error=refusal.message) if i.key == refusal.field else i for i in form.items
        )
    else:
        items = form.items
    errors = [(i.key, i.error) for i in items if i.error]
    if not errors or refusal.code == OutcomeErrorCode.MISSING_ITEM:
        errors.insert(0, ("", refusal.message))
    return replace(form, items=items, errors=tuple(errors))
