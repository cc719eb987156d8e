"""Reschedule, cancellation policy, no-shows, series, the waitlist and changed hours.

SQLite rebuilds an altered table, dropping its triggers: the booking guards are taken
down first and put back last (scheduling/guards.py)."""

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
        ("clinic", "0004_lifecycle"),
        ("patients", "0001_initial"),
        ("scheduling", "0002_booking_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(remove, install),
        migrations.CreateModel(
            name="FreedTime",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("released", "Released by a booking"),
                            ("opened", "Opened by new hours"),
                        ],
                        max_length=10,
                    ),
                ),
                ("start", models.DateTimeField()),
                ("end", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField()),
                ("processed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="WaitlistEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("weekdays", models.JSONField(blank=True, default=list)),
                ("day_parts", models.JSONField(blank=True, default=list)),
                ("valid_until", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting"),
                            ("offered", "Offered a time"),
                            ("booked", "Booked"),
                            ("withdrawn", "Withdrawn"),
                            ("expired", "Expired"),
                        ],
                        default="waiting",
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "verbose_name_plural": "waitlist entries",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="WaitlistOffer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("expired", "Expired"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("expires_at", models.DateTimeField()),
                ("created_at", models.DateTimeField()),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="appointment",
            name="cancelled_by",
            field=models.CharField(
                blank=True, choices=[("patient", "Patient"), ("clinic", "Clinic")], max_length=10
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="fee_due",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="kept_outside_hours",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="appointment",
            name="late_cancellation",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="appointment",
            name="outside_hours_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="appointmentevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("held", "Held"),
                    ("booked", "Booked"),
                    ("confirmed", "Hold confirmed"),
                    ("hold_expired", "Hold expired"),
                    ("cancelled", "Cancelled"),
                    ("imported", "Imported"),
                    ("moved", "Moved"),
                    ("arrived", "Checked in"),
                    ("noshow", "Marked no-show"),
                    ("kept", "Kept outside changed hours"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="AppointmentSeries",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("pattern", models.JSONField()),
                ("first_day", models.DateField()),
                ("weeks", models.PositiveSmallIntegerField()),
                ("created_at", models.DateTimeField()),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "location",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.location",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="series",
                        to="patients.patient",
                    ),
                ),
                (
                    "practitioner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.practitioner",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.service",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "appointment series",
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddField(
            model_name="appointment",
            name="series",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appointments",
                to="scheduling.appointmentseries",
            ),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                condition=models.Q(("outside_hours_since__isnull", False)),
                fields=["outside_hours_since"],
                name="appointment_outside_hours",
            ),
        ),
        migrations.AddField(
            model_name="freedtime",
            name="location",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="clinic.location"
            ),
        ),
        migrations.AddField(
            model_name="freedtime",
            name="practitioner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="clinic.practitioner",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="locations",
            field=models.ManyToManyField(related_name="+", to="clinic.location"),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="waitlist",
                to="patients.patient",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="practitioner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clinic.practitioner",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clinic.service"
            ),
        ),
        migrations.AddField(
            model_name="waitlistoffer",
            name="appointment",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="waitlist_offer",
                to="scheduling.appointment",
            ),
        ),
        migrations.AddField(
            model_name="waitlistoffer",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offers",
                to="scheduling.waitlistentry",
            ),
        ),
        migrations.AddField(
            model_name="waitlistoffer",
            name="freed",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offers",
                to="scheduling.freedtime",
            ),
        ),
        migrations.AddIndex(
            model_name="freedtime",
            index=models.Index(
                fields=["processed_at", "created_at"], name="scheduling__process_4951f9_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="waitlistentry",
            index=models.Index(
                fields=["status", "created_at"], name="scheduling__status_344897_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="waitlistoffer",
            index=models.Index(
                fields=["status", "expires_at"], name="scheduling__status_baf9de_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="waitlistoffer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("entry",),
                name="waitlist_one_open_offer_per_entry",
            ),
        ),
        migrations.RunPython(install, remove),
    ]
