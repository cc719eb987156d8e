"""The configuration stamp: one number that the database itself replaces, with a random
one, whenever anything a free-time search reads of the clinic's configuration changes —
the clinic's booking policy, locations, services, working hours and their breaks,
practitioners, registrations and their rosters, qualifications, time off, travel times,
rooms, the rooms a service needs, closures — by whatever route: the ORM, a bulk update,
the admin, a shell.

`clinic.calendar_configuration` keeps what it read under the stamp it saw and reads
again when the stamp differs. Random rather than counted: a transaction rolled back
puts the old stamp back, and a counter would then hand out the same number again for
different data. This module names the tables watched; `core.database.Restamp` writes
the triggers for each database.

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table and function
names hard-coded here and `install`/`remove` idempotent. SQLite rebuilds an altered
table without its triggers: a later migration that alters a watched table must
`install` after it: its operations go in `lifted(...)`, which does both.
`clinic/tests/test_calendar_configuration.py` fails when a watched
table has lost its triggers.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.special import RunPython

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

STAMP_TABLE = "clinic_configurationstamp"
WATCHED = (
    "clinic_clinic",
    "clinic_location",
    "clinic_service",
    "clinic_workinghours",
    "clinic_break",
    "clinic_practitioner",
    "clinic_registration",
    "clinic_registration_authorizations",
    "clinic_registrationclass",
    "clinic_qualification",
    "clinic_qualification_authorizations",
    "clinic_timeoff",
    "clinic_traveltime",
    "clinic_resource",
    "clinic_service_resource_kinds",
    "clinic_closure",
)
RESTAMP = database.Restamp(
    tables=WATCHED, stamp_table=STAMP_TABLE, column="stamp", function="clinic_configuration_restamp"
)


def install(target: SchemaTarget) -> None:
    """Create the triggers (again); safe to repeat."""
    database.install_guards(target, [RESTAMP])


def remove(target: SchemaTarget) -> None:
    """Drop the triggers; safe when they are already gone."""
    database.remove_guards(target, [RESTAMP])


def _unwatch(apps: Any, schema_editor: SchemaTarget) -> None:
    remove(schema_editor)


def _watch(apps: Any, schema_editor: SchemaTarget) -> None:
    install(schema_editor)


def lifted(*operations: Operation) -> list[Operation]:
    """A migration's `operations` with the triggers taken off before and put back after
    (undone the other way round): on SQLite, altering a watched table rebuilds it, which
    drops its triggers."""
    return [RunPython(_unwatch, _watch), *operations, RunPython(_watch, _unwatch)]
