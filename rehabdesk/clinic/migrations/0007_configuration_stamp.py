"""The configuration stamp: one row, and the triggers that replace its stamp whenever
the configuration a free-time search reads changes (clinic/change_stamp.py)."""

import random

from django.db import migrations, models

from rehabdesk.clinic import change_stamp


def stamp_and_watch(apps, schema_editor):  # type: ignore[no-untyped-def]
    stamp = apps.get_model("clinic", "ConfigurationStamp")
    stamp.objects.using(schema_editor.connection.alias).create(
        pk=1, stamp=random.randrange(1, 2**62)  # noqa: S311 - a change stamp, not a secret
    )
    change_stamp.install(schema_editor)


def unwatch(apps, schema_editor):  # type: ignore[no-untyped-def]
    change_stamp.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_service_what_to_bring"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfigurationStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stamp", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(stamp_and_watch, unwatch),
    ]
