"""Freed time of a third kind: a time the front desk picked to offer one waiting
patient from the waitlist page (scheduling.services.waitlist_offer_make). Only the
field's choices change; no row is touched."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0005_patient_no_overlap"),
    ]

    operations = [
        migrations.AlterField(
            model_name="freedtime",
            name="kind",
            field=models.CharField(
                choices=[
                    ("released", "Released by a booking"),
                    ("opened", "Opened by new hours"),
                    ("desk", "Offered by the front desk"),
                ],
                max_length=10,
            ),
        ),
    ]
