"""The database's own refusal of double bookings, and of rewriting appointment history.

The booking service checks every booking with the availability engine, but two
requests can pass that check at the same moment. So the database refuses what slips
through: no two active appointments of one practitioner, and no two active holds of
one room or piece of equipment, over [start, busy_until); and no two active
appointments of one patient over [start, end) — the patient is free during the
practitioner's buffer — unless the front desk booked one over the other on purpose and
said why (`overlap_reason`), or one is a hold made online for nobody yet.
`core.database.NoOverlap` writes each for each database (an exclusion constraint on
PostgreSQL, triggers on SQLite, where writers run one at a time); either way the
conflict reaches Django as an IntegrityError. The same module makes
`scheduling_appointmentevent` append-only (`core.database.AppendOnly`).

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table, column,
constraint and trigger names hard-coded here and `install`/`remove` idempotent. A later
migration that alters these tables must `remove` before and `install` after (SQLite
rebuilds altered tables).
"""

from __future__ import annotations

from collections.abc import Sequence

from rehabdesk.core import database
from rehabdesk.core.database import Guard, SchemaTarget

ACTIVE = ("pending", "booked", "arrived", "fulfilled")
APPOINTMENTS = "scheduling_appointment"
RESOURCES = "scheduling_appointmentresource"
EVENTS = "scheduling_appointmentevent"
PRACTITIONER_MESSAGE = "appointment overlaps another of the practitioner"
PATIENT_MESSAGE = "appointment overlaps another of the patient"
RESOURCE_MESSAGE = "appointment resource is already held then"
EVENT_MESSAGE = "appointment events are append-only"
LONG_MESSAGE = "an appointment holds its time for at most a day"

PRACTITIONER_NO_OVERLAP = database.NoOverlap(
    table=APPOINTMENTS,
    owner="practitioner_id",
    start="start",
    end="busy_until",
    active="status",
    active_values=ACTIVE,
    message=PRACTITIONER_MESSAGE,
    too_long=LONG_MESSAGE,
    constraint="appointment_practitioner_no_overlap",
    triggers="practitioner_no_overlap",
)
PATIENT_NO_OVERLAP = database.NoOverlap(
    table=APPOINTMENTS,
    owner="patient_id",
    start="start",
    end="end",
    active="status",
    active_values=ACTIVE,
    unless="overlap_reason",
    message=PATIENT_MESSAGE,
    too_long=LONG_MESSAGE,
    constraint="appointment_patient_no_overlap",
    triggers="patient_no_overlap",
)
RESOURCE_NO_OVERLAP = database.NoOverlap(
    table=RESOURCES,
    owner="resource_id",
    start="start",
    end="busy_until",
    active="active",
    active_values=(),
    message=RESOURCE_MESSAGE,
    too_long=LONG_MESSAGE,
    constraint="appointment_resource_no_overlap",
    triggers="resource_no_overlap",
)
HISTORY_APPEND_ONLY = database.AppendOnly(
    tables=(EVENTS,),
    prefixes=("appointment_event",),
    message=EVENT_MESSAGE,
    function="appointment_event_refuse_rewrite",
)
# The guards as migration 0003 and 0004 put them back (the patient's came in 0005, on
# a column those migrations do not have yet), and as they are now.
FIRST_GUARDS = (PRACTITIONER_NO_OVERLAP, RESOURCE_NO_OVERLAP, HISTORY_APPEND_ONLY)
GUARDS = (*FIRST_GUARDS, PATIENT_NO_OVERLAP)


def install(target: SchemaTarget, guards: Sequence[Guard] = GUARDS) -> None:
    """Create the guards (again); safe to repeat."""
    database.install_guards(target, guards)


def remove(target: SchemaTarget, guards: Sequence[Guard] = GUARDS) -> None:
    """Drop the guards; safe when they are already gone."""
    database.remove_guards(target, guards)
