"""What managers may do with note templates and snippets in the admin
(docs/permissions.md): see every version of a template and publish a new one (versions
are never edited or deleted: notes keep the version they were written on); see, add and
change snippets (a snippet is deactivated, not deleted). Practitioners write with both
through the note pages, not the admin.
"""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = [
    "view_notetemplate",
    "add_notetemplate",
    "view_snippet",
    "add_snippet",
    "change_snippet",
]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="care", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="care", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_default_snippets"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
