"""Managers add staff accounts and set their roles (never superuser status)."""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = ["view_user", "add_user", "change_user"]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="accounts", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="accounts", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
