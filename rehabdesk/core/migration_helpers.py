"""Helpers for data migrations. Kept small and stable: old migrations run them forever."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.management import create_permissions
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# What a migration's RunPython gets (a schema editor), or a connection (tests, commands).
SchemaTarget = BaseDatabaseSchemaEditor | BaseDatabaseWrapper


def grant_permissions(apps: Any, *, role: str, app_label: str, codenames: list[str]) -> None:
    """Give the role's group these permissions of one app.

    Django creates permissions after all migrations have run, so a migration that
    grants them must create them first.
    """
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=role)
    permissions = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise LookupError(f"Unknown permissions in {app_label}: {sorted(missing)}")
    group.permissions.add(*permissions)


def revoke_permissions(apps: Any, *, role: str, app_label: str, codenames: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=role).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def run_vendor_sql(target: SchemaTarget, statements: Callable[[str], list[str]]) -> None:
    """Run, in order and without parameters, the statements `statements(vendor)` gives
    for the target's database: for the modules that install triggers and constraints
    Django cannot express (audit/triggers.py, scheduling/guards.py,
    clinic/change_stamp.py). No parameters, so PostgreSQL's own `%` stays as it is."""
    # A DatabaseWrapper has a `.connection` too (the driver's), so ask what it is.
    connection = target.connection if isinstance(target, BaseDatabaseSchemaEditor) else target
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor):
            cursor.execute(statement)
