"""Patient.sms_stopped_at: when a STOP reply unticked "contact by text message", so a
START reply ticks it again for those patients only (scheduling/services/text_replies.py).

Patients a STOP reply took off before this field existed are found on the audit trail:
the last change of contact_by_sms on file for them is the STOP reply's, and the box is
still off."""

from django.conf import settings
from django.db import migrations, models

STOP_SUMMARY = "patient record: contact_by_sms (replied STOP to a text message)"


def stopped_by_reply(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    latest: dict[str, tuple[str, object]] = {}
    changes = (
        AuditEvent.objects.filter(
            object_type="patients.patient", summary__contains="contact_by_sms"
        )
        .order_by("pk")
        .values_list("object_id", "summary", "occurred_at")
    )
    for object_id, summary, occurred_at in changes.iterator():
        latest[object_id] = (summary, occurred_at)
    for object_id, (summary, occurred_at) in latest.items():
        if summary == STOP_SUMMARY and object_id.isdigit():
            Patient.objects.filter(pk=int(object_id), contact_by_sms=False).update(
                sms_stopped_at=occurred_at
            )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0001_initial"),
        ("audit", "0004_hash_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="sms_stopped_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sms_stopped_at__isnull", True), ("contact_by_sms", False), _connector="OR"
                ),
                name="patient_sms_stopped_not_texted",
            ),
        ),
        migrations.RunPython(stopped_by_reply, migrations.RunPython.noop),
    ]
