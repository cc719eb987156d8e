"""The database refuses changing a signed note, deleting any note, and changing or
deleting a stored document.

This migration imports rehabdesk.care.guards, so that module must stay backward
compatible for as long as this migration exists (see its docstring).
"""

from django.db import migrations

from rehabdesk.care import guards


def install(apps, schema_editor):
    guards.install(schema_editor)


def remove(apps, schema_editor):
    guards.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
