"""The database refuses changing or deleting a recorded outcome measure.

This migration imports rehabdesk.outcomes.guards, so that module must stay backward
compatible for as long as this migration exists (see its docstring).
"""

from django.db import migrations

from rehabdesk.outcomes import guards


def install(apps, schema_editor):
    guards.install(schema_editor)


def remove(apps, schema_editor):
    guards.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
