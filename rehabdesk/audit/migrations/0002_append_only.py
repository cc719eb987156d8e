"""The database refuses UPDATE, DELETE and TRUNCATE on the audit tables.

This migration imports rehabdesk.audit.triggers, so that module must stay backward
compatible for as long as this migration exists (see its docstring).
"""

from django.db import migrations

from rehabdesk.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor)


def remove(apps, schema_editor):
    triggers.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
