"""The database refuses changing or deleting issued invoices, credit notes, payments,
allocations, packages and their use, waived fees and closed days.

This migration imports rehabdesk.billing.guards, so that module must stay backward
compatible for as long as this migration exists (see its docstring).
"""

from django.db import migrations

from rehabdesk.billing import guards


def install(apps, schema_editor):
    guards.install(schema_editor)


def remove(apps, schema_editor):
    guards.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
