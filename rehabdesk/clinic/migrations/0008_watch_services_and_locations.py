"""A free-time search now keeps services, locations and their clinic's booking policy
under the configuration stamp too: their tables get the stamp's triggers."""

from django.db import migrations

from rehabdesk.clinic import change_stamp


def watch(apps, schema_editor):  # type: ignore[no-untyped-def]
    change_stamp.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0007_configuration_stamp"),
    ]

    # Unapplied, the extra triggers stay: a stamp replaced more often costs one more read.
    operations = [migrations.RunPython(watch, migrations.RunPython.noop)]
