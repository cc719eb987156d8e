"""Managers set the clinic's reminder policy in the admin (no delete: a rule no longer
wanted is made inactive)."""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = ["view_reminderrule", "add_reminderrule", "change_reminderrule"]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="clinic", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="clinic", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0015_reminder_rules"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
