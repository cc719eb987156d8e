"""The configuration stamp: one number that the database itself replaces, with a random
one, whenever anything a free-time search reads of the clinic's configuration changes —
the clinic's booking policy, locations, services, working hours and their breaks,
practitioners, registrations and their rosters, qualifications, time off, travel times,
rooms, the rooms a service needs, closures — by whatever route: the ORM, a bulk update,
the admin, a shell.

`clinic.calendar_configuration` keeps what it read under the stamp it saw and reads
again when the stamp differs. Random rather than counted: a transaction rolled back
puts the old stamp back, and a counter would then hand out the same number again for
different data.

- PostgreSQL: one statement-level trigger per table (insert, update, delete, truncate).
- SQLite: a row-level trigger per table and event.

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table names
hard-coded here and `install`/`remove` idempotent. SQLite rebuilds an altered table
without its triggers: a later migration that alters a watched table must `install`
after it. `clinic/tests/test_calendar_configuration.py` fails when a watched table has
lost its triggers.
"""

from __future__ import annotations

from rehabdesk.core.migration_helpers import SchemaTarget, run_vendor_sql

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
_EVENTS = ("insert", "update", "delete")


def install(target: SchemaTarget) -> None:
    """Create the triggers (again); safe to repeat."""
    run_vendor_sql(target, lambda vendor: _remove_sql(vendor) + _install_sql(vendor))


def remove(target: SchemaTarget) -> None:
    """Drop the triggers; safe when they are already gone."""
    run_vendor_sql(target, _remove_sql)


def _install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION clinic_configuration_restamp() RETURNS trigger "  # noqa: S608 - constants only
            f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {STAMP_TABLE} "
            "SET stamp = floor(random() * 4e18)::bigint; RETURN NULL; END $$",
            *(
                f"CREATE TRIGGER {table}_restamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION clinic_configuration_restamp()"
                for table in WATCHED
            ),
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_restamp_{event} AFTER {event.upper()} ON {table} "  # noqa: S608 - constants only
            f"BEGIN UPDATE {STAMP_TABLE} SET stamp = random(); END"
            for table in WATCHED
            for event in _EVENTS
        ]
    raise NotImplementedError(f"No configuration stamp for {vendor}.")


def _remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {table}_restamp ON {table}" for table in WATCHED),
            "DROP FUNCTION IF EXISTS clinic_configuration_restamp()",
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_restamp_{event}"
            for table in WATCHED
            for event in _EVENTS
        ]
    raise NotImplementedError(f"No configuration stamp for {vendor}.")
