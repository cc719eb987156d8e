"""What managers may do with the clinic's licensed wording of outcome measures in the
admin (docs/permissions.md): see every version and enter a new one (versions are never
edited or deleted: the forms patients answered showed the version of their day).
Practitioners and patients read the current version through the measure pages.
"""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = ["view_instrumentwording", "add_instrumentwording"]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="outcomes", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="outcomes", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0002_guards"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
