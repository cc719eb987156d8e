"""Datasets: built once per database, then reused by every later run.

Imported by the parent without Django set up, so builders import models when called
(bench/builders.py holds them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from rehabdesk.core import database

TWO_CLINIC = "two-clinic"
TEN_LOCATION = "ten-location"
FIFTY_FREE = "fifty-free"
FIFTY_BOOKED = "fifty-booked"
OUTBOX = "outbox"


def _build_two_clinic(today: date) -> bool:
    from bench.builders import build_two_clinic

    return build_two_clinic(today)


def _build_ten_location(today: date) -> bool:
    from bench.builders import build_ten_location

    return build_ten_location(today)


def _build_fifty_free(today: date) -> bool:
    from bench.builders import build_fifty

    return build_fifty(today, booked_per_day=0)


def _build_fifty_booked(today: date) -> bool:
    from bench.builders import FIFTY_BOOKED_PER_DAY, build_fifty

    return build_fifty(today, booked_per_day=FIFTY_BOOKED_PER_DAY)


def _build_outbox(today: date) -> bool:
    """Nothing: the outbox cases queue their own messages, on the throw-away copy."""
    return False


# Name -> builder. A builder must do nothing when its data is already there, and
# return whether it built anything.
DATASETS: dict[str, Callable[[date], bool]] = {
    TWO_CLINIC: _build_two_clinic,
    TEN_LOCATION: _build_ten_location,
    FIFTY_FREE: _build_fifty_free,
    FIFTY_BOOKED: _build_fifty_booked,
    OUTBOX: _build_outbox,
}


# Bump a dataset's revision whenever its builder makes different data (the demo clinic
# gained patients in revision 2, its history of appointments in 3, a fully booked
# physiotherapist in 4, service groups for the public pages in 5, calendars leaving
# gaps a practitioner's longest visit fits, about 70 % of working time held, in 6, no
# patient in two visits at once in 7, each front desk's home location in 8, the
# clinical notes and a chart of 100 signed notes in 9, that chart's patient chosen by
# visit notes (which the writing cases never add to) in 10, the demo's books (billing:
# invoices, payments, packages, closed days) in 11; the ten-location clinic, built from
# a description
# since revision 2, gave its services the demo's "what to bring" and a display order
# without gaps, and its calendars the same gaps in 3, and one visit at a time per
# patient in 4, two years of books with the last week's visits left to invoice in 5): a
# new revision is stored under a new name and built afresh, instead
# of silently reusing data that lacks what new cases measure.
REVISIONS: dict[str, int] = {
    TWO_CLINIC: 11,
    TEN_LOCATION: 5,
    FIFTY_FREE: 1,
    FIFTY_BOOKED: 1,
    OUTBOX: 1,
}


def storage_name(dataset: str) -> str:
    return f"{dataset}-r{REVISIONS[dataset]}"


class StaleDataset(Exception):
    """The dataset was migrated by code that is gone (a branch, a squashed migration)."""


def prepare(dataset: str, *, today: date) -> bool:
    """Bring the dataset's schema up to date, then build it if it is not there yet.
    True when it was built now rather than reused."""
    loader = MigrationLoader(connection)
    gone = sorted(set(loader.applied_migrations) - set(loader.disk_migrations))
    if gone:
        names = ", ".join(f"{app}.{name}" for app, name in gone)
        raise StaleDataset(
            f"{dataset} has migrations applied that no longer exist ({names}): delete it "
            "(bench/README.md says where it is) and run again to rebuild it"
        )
    call_command("migrate", interactive=False, verbosity=0)
    built = DATASETS[dataset](today)
    if built:
        # Fresh tables: the planner's statistics as a live database would have them.
        database.catch_up_statistics()
    return built
