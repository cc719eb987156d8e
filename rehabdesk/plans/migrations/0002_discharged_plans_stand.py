"""The database refuses changing a discharged treatment plan, and deleting any plan.

This migration imports rehabdesk.plans.guards, so that module must stay backward
compatible for as long as this migration exists (see its docstring).
"""

from django.db import migrations

from rehabdesk.plans import guards


def install(apps, schema_editor):
    guards.install(schema_editor)


def remove(apps, schema_editor):
    guards.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
