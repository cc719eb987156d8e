"""Chores that run on the scheduler's clock (`manage.py run_scheduler`), registered by
the apps that own them.

The scheduler lives in `scheduling`, below apps that have periodic work of their own
(the daily exercise reminders of `exercises`), which it may not import. So such an app
registers its chore here from its AppConfig.ready(), and the scheduler runs every
registered chore after its own, each round. A chore takes `now` and returns how many
things it did; `label` completes "N <label>" in the scheduler's report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Chore:
    name: str
    label: str
    run: Callable[[datetime], int]


_CHORES: dict[str, Chore] = {}


def chore_register(*, name: str, label: str, run: Callable[[datetime], int]) -> None:
    """Register (or replace, under the same name) a chore for every scheduler round."""
    _CHORES[name] = Chore(name=name, label=label, run=run)


def chores() -> list[Chore]:
    """The registered chores, in the order they were first registered."""
    return list(_CHORES.values())
