"""What a practitioner writes into a plan, as the services take it: plain values the
edges fill from a form, checked by the services (plans/services/writing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class GoalInput:
    """A measurable goal: its words and a target date, and optionally the outcome
    measure and the score that says it is reached ("ODI 20 or less by March 1")."""

    text: str
    target_on: date
    instrument: str = ""
    target: Decimal | None = None


@dataclass(frozen=True)
class CourseInput:
    """`visits` visits every `every_weeks` weeks for `weeks` weeks, of `discipline`,
    with this practitioner and service at this location. `id`: the course it changes
    (plan_update), None for a new one."""

    discipline_id: int
    service_id: int
    practitioner_id: int
    location_id: int
    visits: int
    weeks: int
    every_weeks: int = 1
    id: int | None = None


@dataclass(frozen=True)
class MeasureInput:
    """An outcome measure on the plan's schedule: at the first visit, every N visits,
    at the last planned visit (any combination, at least one)."""

    instrument: str
    at_start: bool = True
    every_visits: int | None = None
    at_discharge: bool = True
