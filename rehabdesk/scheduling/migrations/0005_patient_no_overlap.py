"""One patient, one visit at a time: the database refuses two active appointments of
the same patient that overlap, unless the front desk booked one over the other on
purpose and said why (`overlap_reason`; scheduling/guards.py, PATIENT_NO_OVERLAP).

A database may already hold such pairs, booked before the rule (the demo's and the
benchmark's invented calendars did, and so may a clinic's). The guard cannot be put in
place over them, and refusing to migrate would help nobody: the visits happened or are
booked. So the later of each overlapping pair is given a reason saying so — the guard
leaves it alone, the desk can find it (`overlap_reason`), and the number is printed.
Every visit booked from now on is checked.

SQLite rebuilds the altered table: the booking guards are taken down and put back."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

from rehabdesk.scheduling import guards

BEFORE_THE_RULE = "Booked before a patient's overlapping visits were refused"


def install(apps, schema_editor):
    guards.install(schema_editor)


def remove(apps, schema_editor):
    guards.remove(schema_editor)


def install_first(apps, schema_editor):
    guards.install(schema_editor, guards.FIRST_GUARDS)


def remove_first(apps, schema_editor):
    guards.remove(schema_editor, guards.FIRST_GUARDS)


def mark_overlaps_booked_before(apps, schema_editor):
    """Give the later of each overlapping pair a reason: no two visits left without one
    overlap (if they did, the later would have one)."""
    appointment = apps.get_model("scheduling", "Appointment")
    active = list(guards.ACTIVE)
    earlier = appointment.objects.filter(
        patient_id=OuterRef("patient_id"),
        status__in=active,
        pk__lt=OuterRef("pk"),
        start__lt=OuterRef("end"),
        end__gt=OuterRef("start"),
    )
    marked = (
        appointment.objects.filter(patient__isnull=False, status__in=active)
        .filter(Exists(earlier))
        .update(overlap_reason=BEFORE_THE_RULE)
    )
    if marked:
        print(  # noqa: T201 - what the person migrating should know
            f"\n  {marked} appointments overlapped another of the same patient's; each now "
            f'says "{BEFORE_THE_RULE}" in overlap_reason.'
        )


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0004_hold_before_patient"),
    ]

    operations = [
        migrations.RunPython(remove_first, install_first),
        migrations.AddField(
            model_name="appointment",
            name="overlap_reason",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(mark_overlaps_booked_before, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]
