"""A hold made online before the visitor says who they are has no patient yet.

SQLite rebuilds the altered table: the booking guards are taken down and put back."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rehabdesk.scheduling import guards


def install(apps, schema_editor):
    guards.install(schema_editor, guards.FIRST_GUARDS)


def remove(apps, schema_editor):
    guards.remove(schema_editor, guards.FIRST_GUARDS)


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0005_public_site'),
        ('patients', '0001_initial'),
        ('scheduling', '0003_lifecycle'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(remove, install),
        migrations.AlterField(
            model_name='appointment',
            name='patient',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='patients.patient'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=models.Q(('patient__isnull', False), ('status__in', ['pending', 'cancelled']), _connector='OR'), name='appointment_patient_unless_held'),
        ),
            migrations.RunPython(install, remove),
    ]
