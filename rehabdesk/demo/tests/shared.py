"""One demo clinic shared by the tests of a module.

Loading the demo takes a second or two; most of its tests only read what it loaded. So
a module loads it once, inside a transaction that it rolls back when the module ends,
and each test runs in a savepoint of its own within it (pytest-django's `db`): what a
test writes — a sign-in's session, a booking — is undone after it, and the next test
finds the demo as it was loaded. Tests in such a module must not use
`transactional_db` (its flush would empty the shared demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction
from pytest_django import DjangoDbBlocker

from rehabdesk.demo.clinic import DemoSummary, load_demo

TORONTO = ZoneInfo("America/Toronto")
# A Wednesday noon in Toronto; the demo's calendars run two weeks either side of it.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=TORONTO)
# Two weeks either side stand for the two years and 90 days `make run` loads.
DAYS_BACK = DAYS_AHEAD = 14


@contextmanager
def demo_for_module(blocker: DjangoDbBlocker, now: datetime) -> Iterator[DemoSummary]:
    """The demo loaded as of `now`, until the block ends; then none of it is left."""
    with blocker.unblock(), transaction.atomic():
        yield load_demo(now=now, history_days=DAYS_BACK, future_days=DAYS_AHEAD)
        transaction.set_rollback(True)


def rows_in_every_table() -> dict[str, int]:
    """How many rows each of the project's tables holds, by model label."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}
