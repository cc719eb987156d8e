"""The audit trail: who saw or changed which patient's health information, and when.

PHIPA expects a custodian to be able to say who accessed a patient's record. Rows here
are written once by `services.audit_record` and never changed or removed: the database
itself refuses UPDATE, DELETE and TRUNCATE on both tables (see triggers.py), and each
event chains a hash of the one before it, so what a database owner removes or alters
afterwards shows (chain.py, `manage.py verify_audit`).

Audit depends on no domain app, so patients and locations are kept as plain integers
rather than foreign keys; a patient's trail outlives any change to the patient tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.core.clock import utc_text


class AuditEvent(models.Model):
    """One look at, or change to, personal health information, or a refused attempt.

    Opening a chart, listing a day's schedule, exporting records, saving a treatment
    note: each is one event, linked to every patient whose information it showed or
    touched. The summary names what was seen ("patient record"), never what it said.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who did it; empty for someone not signed in.",
    )
    actor_email = models.EmailField(
        blank=True,
        help_text="The account's e-mail address at the time, so the trail still reads "
        "right after the account changes.",
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    object_type = models.CharField(
        max_length=60,
        help_text='What was looked at or changed, e.g. "patients.patient" or "web.patient_search".',
    )
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(
        max_length=200,
        blank=True,
        help_text='What kind of information, e.g. "patient record"; never the information itself.',
    )
    location_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The clinic location it concerned, as a plain number: audit depends on "
        "no domain app.",
    )
    request_id = models.CharField(max_length=32, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="SHA-256 of this event's content, its patients included (chain.py).",
    )
    chain_hash = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="SHA-256 of the previous event's chain_hash and this content_hash, "
        "set by the database (chain.py); verify_audit checks the chain.",
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # No CheckConstraint on action/outcome: audit_record checks them, and a new
        # action must not mean rebuilding an append-only table (see triggers.py).

    def __str__(self) -> str:
        who = self.actor_email or "someone not signed in"
        return f"{utc_text(self.occurred_at)} {who} {self.action} {self.object_type}"


class AuditEventPatient(models.Model):
    """A patient whose information an event showed or touched.

    A day schedule listing 30 patients is one event with 30 of these rows, so each
    patient's "who looked at my record" list finds it.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="patient_links")
    patient_id = models.BigIntegerField(
        db_index=True,
        help_text="The patient, as a plain number: audit depends on no domain app.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "patient_id"], name="audit_event_patient_once"
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} concerns patient {self.patient_id}"
