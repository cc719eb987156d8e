"""Helpers for data migrations. Kept small and stable: old migrations run them forever.

Triggers and constraints Django cannot express are installed through
`core.database` (`install_guards`), which writes them for each database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions


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
