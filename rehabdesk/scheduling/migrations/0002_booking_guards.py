"""Double bookings refused by the database itself, and appointment history made
append-only (scheduling/guards.py explains both, per database)."""

from django.db import migrations

from rehabdesk.scheduling import guards


def install(apps, schema_editor):
    guards.install(schema_editor, guards.FIRST_GUARDS)


def remove(apps, schema_editor):
    guards.remove(schema_editor, guards.FIRST_GUARDS)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
