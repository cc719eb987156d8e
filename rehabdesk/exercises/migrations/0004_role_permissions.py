"""What managers may do with the exercise library in the admin (docs/permissions.md):
see, add and change exercises — and deactivate one by unticking "active", never delete
it (programs point at it). Programs themselves are clinical: practitioners write them
through the staff pages, never the admin.
"""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = ["view_exercise", "add_exercise", "change_exercise"]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="exercises", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="exercises", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_library_v1"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
