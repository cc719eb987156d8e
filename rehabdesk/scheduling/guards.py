"""The database's own refusal of double bookings, and of rewriting appointment history.

The booking service checks every booking with the availability engine, but two
requests can pass that check at the same moment. So the database refuses what slips
through:

- PostgreSQL: exclusion constraints (btree_gist) on the practitioner and on each held
  resource, over tstzrange(start, busy_until, '[)'), for active statuses only. A
  conflicting insert waits for the other transaction and then fails.
- SQLite: writers are serialized (BEGIN IMMEDIATE), so a BEFORE INSERT/UPDATE trigger
  that looks for an overlapping active row cannot race.

Either way the conflict reaches Django as an IntegrityError. The same module makes
`scheduling_appointmentevent` append-only.

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table and column
names hard-coded here and `install`/`remove` idempotent. A later migration that alters
these tables must `remove` before and `install` after (SQLite rebuilds altered tables).
"""

from __future__ import annotations

from rehabdesk.core.migration_helpers import SchemaTarget, run_vendor_sql

ACTIVE = "('pending', 'booked', 'arrived', 'fulfilled')"
APPOINTMENTS = "scheduling_appointment"
RESOURCES = "scheduling_appointmentresource"
EVENTS = "scheduling_appointmentevent"
PRACTITIONER_MESSAGE = "appointment overlaps another of the practitioner"
RESOURCE_MESSAGE = "appointment resource is already held then"
EVENT_MESSAGE = "appointment events are append-only"
LONG_MESSAGE = "an appointment holds its time for at most a day"


def install(target: SchemaTarget) -> None:
    """Create the guards (again); safe to repeat."""
    run_vendor_sql(target, lambda vendor: _remove_sql(vendor) + _install_sql(vendor))


def remove(target: SchemaTarget) -> None:
    """Drop the guards; safe when they are already gone."""
    run_vendor_sql(target, _remove_sql)


def _install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "CREATE EXTENSION IF NOT EXISTS btree_gist",
            f"ALTER TABLE {APPOINTMENTS} ADD CONSTRAINT appointment_practitioner_no_overlap "
            "EXCLUDE USING gist (practitioner_id WITH =, "
            "tstzrange(start, busy_until, '[)') WITH &&) "
            f"WHERE (status IN {ACTIVE})",
            f"ALTER TABLE {RESOURCES} ADD CONSTRAINT appointment_resource_no_overlap "
            "EXCLUDE USING gist (resource_id WITH =, "
            "tstzrange(start, busy_until, '[)') WITH &&) WHERE (active)",
            "CREATE OR REPLACE FUNCTION appointment_event_refuse_rewrite() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{EVENT_MESSAGE}' "
            "USING ERRCODE = 'restrict_violation'; END $$",
            f"CREATE TRIGGER appointment_event_append_only BEFORE UPDATE OR DELETE ON {EVENTS} "
            "FOR EACH ROW EXECUTE FUNCTION appointment_event_refuse_rewrite()",
            f"CREATE TRIGGER appointment_event_no_truncate BEFORE TRUNCATE ON {EVENTS} "
            "FOR EACH STATEMENT EXECUTE FUNCTION appointment_event_refuse_rewrite()",
        ]
    if vendor == "sqlite":
        return [
            *_sqlite_overlap_triggers(
                APPOINTMENTS,
                "practitioner",
                "practitioner_id",
                f"NEW.status IN {ACTIVE}",
                f"other.status IN {ACTIVE}",
                PRACTITIONER_MESSAGE,
            ),
            *_sqlite_overlap_triggers(
                RESOURCES,
                "resource",
                "resource_id",
                "NEW.active",
                "other.active",
                RESOURCE_MESSAGE,
            ),
            f"CREATE TRIGGER appointment_event_no_update BEFORE UPDATE ON {EVENTS} "
            f"BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END",
            f"CREATE TRIGGER appointment_event_no_delete BEFORE DELETE ON {EVENTS} "
            f"BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END",
        ]
    raise NotImplementedError(f"No booking guards for {vendor}.")


def _sqlite_overlap_triggers(
    table: str, name: str, owner: str, new_active: str, other_active: str, message: str
) -> list[str]:
    # Datetimes are stored as UTC text in one fixed format, so text order is time order.
    # Nothing held lasts more than a day (the first statement makes sure), so only rows
    # starting in the day before can overlap: the (owner, start) index finds them fast.
    too_long = (
        f"SELECT RAISE(ABORT, '{LONG_MESSAGE}') "
        "WHERE julianday(NEW.busy_until) - julianday(NEW.start) > 1"
    )
    overlap = (
        f"SELECT RAISE(ABORT, '{message}') FROM {table} AS other "  # noqa: S608 - constants only
        f"WHERE other.{owner} = NEW.{owner} AND {other_active} AND other.id != NEW.id "
        "AND other.start > datetime(NEW.start, '-1 day') "
        "AND other.start < NEW.busy_until AND NEW.start < other.busy_until LIMIT 1"
    )
    return [
        f"CREATE TRIGGER {name}_no_overlap_insert BEFORE INSERT ON {table} WHEN {new_active} "
        f"BEGIN {too_long}; {overlap.replace('other.id != NEW.id AND ', '')}; END",
        f"CREATE TRIGGER {name}_no_overlap_update BEFORE UPDATE ON {table} WHEN {new_active} "
        f"BEGIN {too_long}; {overlap}; END",
    ]


def _remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"ALTER TABLE {APPOINTMENTS} DROP CONSTRAINT IF EXISTS "
            "appointment_practitioner_no_overlap",
            f"ALTER TABLE {RESOURCES} DROP CONSTRAINT IF EXISTS appointment_resource_no_overlap",
            f"DROP TRIGGER IF EXISTS appointment_event_append_only ON {EVENTS}",
            f"DROP TRIGGER IF EXISTS appointment_event_no_truncate ON {EVENTS}",
            "DROP FUNCTION IF EXISTS appointment_event_refuse_rewrite()",
        ]
    if vendor == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS practitioner_no_overlap_insert",
            "DROP TRIGGER IF EXISTS practitioner_no_overlap_update",
            "DROP TRIGGER IF EXISTS resource_no_overlap_insert",
            "DROP TRIGGER IF EXISTS resource_no_overlap_update",
            "DROP TRIGGER IF EXISTS appointment_event_no_update",
            "DROP TRIGGER IF EXISTS appointment_event_no_delete",
        ]
    raise NotImplementedError(f"No booking guards for {vendor}.")
