"""The clinic's licensed wording of the instruments Rehabdesk scores but ships no words
for (ODI, NDI, LEFS, QuickDASH), entered by a manager in the admin.

Published version by version, like note templates: a new version is current from then
on, the earlier ones kept (not current). The wording must fit the scoring: one entry per
item in `Spec.all_items` order, each with its question and exactly one answer per score
the item can take, lowest first. Wording holds no health information, so it is not on
the audit trail; who entered a version is on the version (`entered_by`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Clinic
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import InstrumentWording
from rehabdesk.outcomes.scoring import SPECS, Spec
from rehabdesk.outcomes.services.requests import instrument_of

TEXT_MAX = 500
ANSWER_MAX = 300


def wording_check(
    *, instrument: str, items: Any, based_on: int | None = None
) -> list[dict[str, Any]]:
    """The wording as it will be stored ([{"text": ..., "answers": [...]}, ...], spaces
    tidied), or INVALID naming "instrument" (one whose words Rehabdesk ships) or
    "items": the first item or answer at fault, a wording identical to the current
    version, or — when `based_on` names the version the manager started from (0: none)
    — a version entered since. (The admin's form asks first, so a refusal shows beside
    the text; `wording_publish` asks again under a lock.)"""
    spec = SPECS[instrument_of(instrument)]
    if not spec.licensed_wording:
        raise OutcomeError(
            OutcomeErrorCode.INVALID,
            f"Rehabdesk ships the wording of the {spec.instrument.label}: nothing to enter.",
            field="instrument",
        )
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise _items("A list of questions, each with its answers.")
    keys = spec.all_items
    if len(items) != len(keys):
        raise _items(
            f"The {spec.instrument.label} has {len(keys)} questions"
            f"{_modules(spec)}; this wording has {len(items)}."
        )
    cleaned = [_item(spec, number, item) for number, item in enumerate(items, start=1)]
    clinic = clinic_current()
    if clinic is None:
        raise OutcomeError(OutcomeErrorCode.INVALID, "Set up the clinic first.")
    _check_new(_latest(clinic, instrument), cleaned, based_on)
    return cleaned


def wording_publish(
    *, actor: User, instrument: str, items: Any, now: datetime, based_on: int | None = None
) -> InstrumentWording:
    """Publish the next version of the clinic's wording of `instrument` (version 1 the
    first time), current from now on. Refuses what `wording_check` refuses."""
    cleaned = wording_check(instrument=instrument, items=items, based_on=based_on)
    clinic = clinic_current()
    assert clinic is not None  # wording_check refuses without one
    try:
        with transaction.atomic():
            # Locking the versions makes a second manager wait, then read theirs.
            versions = InstrumentWording.objects.filter(clinic=clinic, instrument=instrument)
            list(versions.select_for_update().only("pk"))
            latest = _latest(clinic, instrument)
            _check_new(latest, cleaned, based_on)
            versions.filter(current=True).update(current=False)
            return InstrumentWording.objects.create(
                clinic=clinic,
                instrument=instrument,
                version=(latest.version if latest else 0) + 1,
                items=cleaned,
                current=True,
                entered_by=actor,
                entered_at=now,
            )
    except IntegrityError:
        # Two first versions at once: nothing to lock yet; the unique key decides.
        raise _items("Another version was entered meanwhile: start again from it.") from None


def _latest(clinic: Clinic, instrument: str) -> InstrumentWording | None:
    versions = InstrumentWording.objects.filter(clinic=clinic, instrument=instrument)
    return versions.order_by("-version").first()


def _check_new(
    latest: InstrumentWording | None, cleaned: list[dict[str, Any]], based_on: int | None
) -> None:
    version = latest.version if latest else 0
    if based_on is not None and based_on != version:
        raise _items(f"Version {version} was entered since you started: start again from it.")
    if latest is not None and latest.current and latest.items == cleaned:
        raise _items(f"Nothing changed from version {version}: nothing to publish.")


def _item(spec: Spec, number: int, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _items(f"Question {number}: its text and its answers.")
    text = " ".join(str(item.get("text") or "").split())
    if not text or len(text) > TEXT_MAX:
        raise _items(f"Question {number}: a text of 1 to {TEXT_MAX} characters.")
    answers = item.get("answers")
    wanted = spec.high - spec.low + 1
    if not isinstance(answers, list) or len(answers) != wanted:
        raise _items(
            f"Question {number}: {wanted} answers, scored {spec.low} to {spec.high}, lowest first."
        )
    tidied = [" ".join(str(answer or "").split()) for answer in answers]
    for score, answer in enumerate(tidied, start=spec.low):
        if not answer or len(answer) > ANSWER_MAX:
            raise _items(
                f"Question {number}, the answer scored {score}: 1 to {ANSWER_MAX} characters."
            )
    return {"text": text, "answers": tidied}


def _modules(spec: Spec) -> str:
    if not spec.modules:
        return ""
    counts = ", ".join(f"{len(keys)} for {name}" for name, keys in spec.modules.items())
    return f" ({len(spec.items)}, then {counts})"


def _items(message: str) -> OutcomeError:
    return OutcomeError(OutcomeErrorCode.INVALID, message, field="items")
