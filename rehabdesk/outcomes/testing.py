"""Test support for outcome measures, here and in the apps above (plans, web): answer
sets that score, the clinic's wording of a licensed instrument, requests and results
made through the services, and the guards lifted for the suite's table flush only."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.accounts.models import User
from rehabdesk.core import database
from rehabdesk.outcomes import guards
from rehabdesk.outcomes.choices import RequestPurpose, ResultSource
from rehabdesk.outcomes.models import InstrumentWording, MeasureRequest, MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.outcomes.services import (
    measure_request_create,
    measure_result_record,
    wording_publish,
)
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Drop the results' guard, run the block, put it back
    (`core.database.guards_lifted`: one transaction, the guard back before it ends)."""
    return database.guards_lifted(connection, guards.GUARDS)


def answers_all(instrument: str, value: int | None = None) -> dict[str, int | None]:
    """Every main item answered `value` (the item's lowest answer unless told)."""
    spec = SPECS[Instrument(instrument)]
    return dict.fromkeys(spec.items, spec.low if value is None else value)


def wording_items(instrument: str) -> list[dict[str, Any]]:
    """A wording that fits the scoring (placeholders, not any licensed text): one entry
    per item, one answer per score."""
    spec = SPECS[Instrument(instrument)]
    return [
        {
            "text": f"Question {number}",
            "answers": [f"Answer scored {score}" for score in range(spec.low, spec.high + 1)],
        }
        for number, _key in enumerate(spec.all_items, start=1)
    ]


def wording_enter(*, instrument: str, manager: User, now: datetime) -> InstrumentWording:
    """The clinic's wording of a licensed instrument, published by a manager."""
    return wording_publish(
        actor=manager, instrument=instrument, items=wording_items(instrument), now=now
    )


def request_make(
    *,
    patient: Patient,
    now: datetime,
    instrument: str = Instrument.NPRS,
    due_on: date | None = None,
    appointment: Appointment | None = None,
    purpose: str = RequestPurpose.BY_HAND,
    plan_id: int | None = None,
) -> MeasureRequest:
    return measure_request_create(
        patient=patient,
        instrument=instrument,
        purpose=purpose,
        due_on=due_on or now.date(),
        appointment=appointment,
        plan_id=plan_id,
        now=now,
    )


def result_record(
    *,
    patient: Patient,
    now: datetime,
    instrument: str = Instrument.NPRS,
    answers: Mapping[str, object] | None = None,
    source: str = ResultSource.PRACTITIONER,
    recorded_by: User | None = None,
    **more: Any,
) -> MeasureResult:
    """A result through the service: every main item answered its lowest unless
    `answers` says (PSFS: one activity, "Climbing stairs", rated 5)."""
    if answers is None and instrument == Instrument.PSFS:
        answers = {"1": 5}
        more.setdefault("activities", {"1": "Climbing stairs"})
    return measure_result_record(
        patient=patient,
        instrument=instrument,
        answers=answers if answers is not None else answers_all(instrument),
        source=source,
        recorded_by=recorded_by,
        now=now,
        **more,
    )
