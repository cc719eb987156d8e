"""Managers see the content policy's violation counts in the admin (read-only:
browsers write them through POST /csp-report/)."""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = ["view_cspviolation"]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="online", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="online", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("online", "0003_csp_violations"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
