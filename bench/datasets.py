"""Datasets: built once per database, then reused by every later run.

Imported by the parent without Django set up, so builders import models when called.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.management import call_command

TWO_CLINIC = "two-clinic"


def _build_two_clinic(today: date) -> bool:
    from django.utils import timezone

    from rehabdesk.demo.clinic import load_demo

    return load_demo(now=timezone.now()).created


# Name -> builder. A builder must do nothing when its data is already there, and
# return whether it built anything.
DATASETS: dict[str, Callable[[date], bool]] = {
    TWO_CLINIC: _build_two_clinic,
}


# Bump a dataset's revision whenever its builder makes different data (the demo clinic
# gained patients in revision 2, its history of appointments in 3): a new revision is
# stored under a new name and built afresh, instead of silently reusing data that lacks
# what new cases measure.
REVISIONS: dict[str, int] = {
    TWO_CLINIC: 3,
}


def storage_name(dataset: str) -> str:
    return f"{dataset}-r{REVISIONS[dataset]}"


def prepare(dataset: str, *, today: date) -> bool:
    """Bring the dataset's schema up to date, then build it if it is not there yet.
    True when it was built now rather than reused."""
    call_command("migrate", interactive=False, verbosity=0)
    return DATASETS[dataset](today)
