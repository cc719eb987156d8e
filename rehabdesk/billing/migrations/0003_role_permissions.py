"""What managers may do with billing's configuration in the admin
(docs/permissions.md): see, add and change payers, products and package offers (never
delete: invoices refer to them; they are deactivated). Invoices, payments and day-ends
are not in the admin at all; the desk and managers work with them on the staff pages.
"""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

MANAGER = [
    "view_payer",
    "add_payer",
    "change_payer",
    "view_product",
    "add_product",
    "change_product",
    "view_packageoffer",
    "add_packageoffer",
    "change_packageoffer",
]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="billing", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="billing", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_guards"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
