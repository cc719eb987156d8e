"""The clinic's note deadline. On SQLite, adding a column with a default rebuilds the
clinic's table, which drops the configuration stamp's triggers on it: they are taken
off before and put back after (clinic/change_stamp.py says why)."""

import django.core.validators
from django.db import migrations, models

from rehabdesk.clinic import change_stamp


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0010_logo_and_photos'),
    ]

    operations = [
        *change_stamp.lifted(
            migrations.AddField(
                model_name='clinic',
                name='note_due_hours',
                field=models.PositiveSmallIntegerField(default=24, help_text="A visit's note is due this many hours after the visit starts: unsigned after that it counts as overdue, and a note first written after it is marked as a late entry.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(720)]),
            ),
        ),
    ]
